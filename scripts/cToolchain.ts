/**
 * Builds and runs the C export with real toolchains, for the tests and `npm run bench:mcu` (Node only):
 * the host `cc` with the strict flags users build with, `arm-none-eabi-gcc` for a Cortex-M0+ (sizes, and a check
 * that no floating-point helper or malloc is referenced), and a Cortex-M3 image run in `qemu-system-arm -M
 * mps2-an385` with semihosting, which counts instructions with SysTick under `-icount shift=0`. The drivers that
 * call bitnet_predict there are C files beside this script (c/host_driver.c, c/qemu_main.c).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const STRICT_FLAGS = ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', '-pedantic'];
const M0PLUS_FLAGS = ['-mcpu=cortex-m0plus', '-mthumb', '-Os', '-mfloat-abi=soft', '-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic'];

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export function armToolchainAvailable(): boolean {
  return hasCommand('arm-none-eabi-gcc') && hasCommand('qemu-system-arm') && existsPicolibc();
}

function existsPicolibc(): boolean {
  return spawnSync('arm-none-eabi-gcc', ['--specs=picolibc.specs', '-print-file-name=picolibc.ld'], { encoding: 'utf8' }).status === 0;
}

/** Writes the export's files into a fresh temporary folder and returns it. */
export function writeExport(files: Record<string, string>, prefix = 'bitnet-c-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const exportSources = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.c')).map((f) => join(dir, f));

/** The drivers (not part of the export), real C files beside this script. */
const HOST_DRIVER = fileURLToPath(new URL('./c/host_driver.c', import.meta.url));
const QEMU_DRIVER = fileURLToPath(new URL('./c/qemu_main.c', import.meta.url));

export interface CRun {
  predictions: Uint8Array;
  /** (count, classes) */
  scores: Int32Array;
}

function parseRunOutput(text: string, count: number): CRun {
  const lines = text.trim().split('\n').filter((line) => /^\d/.test(line));
  if (lines.length !== count) throw new Error(`expected ${count} result lines, got ${lines.length}`);
  const predictions = new Uint8Array(count);
  // "class s0 … s(N-1)": the model's N classes from the first line.
  const classes = lines.length > 0 ? lines[0]!.trim().split(/\s+/).length - 1 : 0;
  const scores = new Int32Array(count * classes);
  lines.forEach((line, i) => {
    const fields = line.trim().split(/\s+/).map(Number);
    if (fields.length !== classes + 1) throw new Error(`line ${i + 1} has ${fields.length - 1} scores, the first had ${classes}`);
    predictions[i] = fields[0]!;
    scores.set(fields.slice(1), i * classes);
  });
  return { predictions, scores };
}

/**
 * Builds the host driver (images on stdin, one "class s0 … s(N-1)" line each on stdout) with the system cc and the
 * strict flags (or stricter ones) from these engine and model sources, finding headers in includeDirs; returns the binary.
 */
export function buildHostDriver(sources: readonly string[], includeDirs: readonly string[], binary: string, flags: readonly string[] = STRICT_FLAGS): string {
  const includes = includeDirs.flatMap((d) => ['-I', d]);
  execFileSync('cc', [...flags, ...includes, ...sources, HOST_DRIVER, '-o', binary], { stdio: 'pipe' });
  return binary;
}

/** Builds the export with the system cc and the strict flags (plus the export's own example), returns the driver. */
export function buildHost(dir: string): string {
  const build = join(dir, 'host-build');
  mkdirSync(build, { recursive: true });
  const binary = buildHostDriver(exportSources(dir), [dir], join(build, 'bitnet_host'));
  // The export's own example, built as its README says.
  execFileSync('sh', ['-c', `cc ${STRICT_FLAGS.join(' ')} -I. *.c examples/main.c -o host-build/bitnet_example`], { cwd: dir, stdio: 'pipe' });
  return binary;
}

/** A user's own main.c beside the export's files, built with exactly `cc <strict flags> *.c main.c` (the glob less main.c). */
export function buildUserMain(dir: string, mainSource: string): string {
  const project = mkdtempSync(join(tmpdir(), 'bitnet-user-'));
  for (const name of readdirSync(dir).filter((f) => /\.[ch]$/.test(f))) writeFileSync(join(project, name), readFileSync(join(dir, name)));
  writeFileSync(join(project, 'main.c'), mainSource);
  const sources = readdirSync(project).filter((f) => f.endsWith('.c') && f !== 'main.c').join(' ');
  execFileSync('sh', ['-c', `cc ${STRICT_FLAGS.join(' ')} ${sources} main.c -o user_app`], { cwd: project, stdio: 'pipe' });
  return join(project, 'user_app');
}

/** MNIST's image: 28×28 grey, the default of the runners below. */
const MNIST_IMAGE_BYTES = 784;

/** Runs the host driver on count images of imageBytes each (BITNET_INPUT_SIZE of the export: side·side·channels). */
export function runHost(binary: string, pixels: Uint8Array, count: number, imageBytes = MNIST_IMAGE_BYTES): CRun {
  const output = execFileSync(binary, { input: pixels.subarray(0, count * imageBytes), maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  return parseRunOutput(output, count);
}

/** Runs the export's own examples/main.c; true when it reports every image as expected. */
export function runExample(dir: string): { ok: boolean; output: string } {
  const result = spawnSync(join(dir, 'host-build', 'bitnet_example'), { encoding: 'utf8' });
  return { ok: result.status === 0, output: result.stdout };
}

export interface ArmSizes {
  text: number;
  data: number;
  bss: number;
  flashBytes: number;
  ramBytes: number;
  stackBytes: number;
  /** Undefined symbols the objects reference (what they need from libgcc or a C library). */
  undefinedSymbols: string[];
}

/** Compiles the export's .c files for a Cortex-M0+ (-Os, soft float) and measures them (see mcuFootprint.ts). */
export function buildCortexM0Plus(dir: string): ArmSizes {
  return buildCortexM0PlusSources(dir, exportSources(dir), join(dir, 'm0plus'));
}

/** buildCortexM0Plus for chosen sources (headers from dir), objects in out. */
export function buildCortexM0PlusSources(dir: string, sources: readonly string[], out: string): ArmSizes {
  mkdirSync(out, { recursive: true });
  const objects: string[] = [];
  for (const source of sources) {
    const object = join(out, source.split('/').pop()!.replace(/\.c$/, '.o'));
    execFileSync('arm-none-eabi-gcc', [...M0PLUS_FLAGS, '-fstack-usage', '-I', dir, '-c', source, '-o', object], { stdio: 'pipe', cwd: out });
    objects.push(object);
  }
  const sizeOutput = execFileSync('arm-none-eabi-size', ['-t', ...objects], { encoding: 'utf8' });
  const total = sizeOutput.trim().split('\n').pop()!.trim().split(/\s+/).map(Number);
  const [text, data, bss] = [total[0]!, total[1]!, total[2]!];
  const stackUsage = readdirSync(out)
    .filter((f) => f.endsWith('.su'))
    .flatMap((f) => readFileSync(join(out, f), 'utf8').trim().split('\n'))
    // GCC names specialised copies e.g. add_layer_row.isra: they count as the function.
    .map((line) => ({ name: line.split('\t')[0]!.split(':').pop()!.split('.')[0]!, bytes: Number(line.split('\t')[1]) }));
  // The engine's call chains from bitnet_predict (a function the compiler inlined has no frame of its own: its
  // caller's frame holds it): the deepest chain's frames added up.
  const frame = (name: string): number => stackUsage.find((s) => s.name === name)?.bytes ?? 0;
  const rowDecoders = ['add_row', 'add_row_int4', 'add_row_int8'].flatMap((decoder) => [[decoder], ['add_layer_row', decoder]]);
  const chains = [
    ...rowDecoders,
    ['div_round_half_even'],
    ['round_shift_add'],
    ['unit_output', 'round_shift_add'],
    ['requantize', 'div_round_half_even'],
    ...rowDecoders.map((chain) => ['conv_pass', 'conv_position', ...chain]),
    ['conv_pass', 'conv_position', 'div_round_half_even'],
    ['conv_pass', 'unit_output', 'round_shift_add'],
  ];
  const stackBytes = frame('bitnet_predict') + Math.max(...chains.map((chain) => chain.reduce((sum, name) => sum + frame(name), 0)));
  const nm = execFileSync('arm-none-eabi-nm', ['-u', ...objects], { encoding: 'utf8' });
  const undefinedSymbols = [...new Set(nm.split('\n').map((l) => l.trim().split(/\s+/).pop() ?? '').filter((s) => s && !s.endsWith(':')))].sort();
  return { text, data, bss, flashBytes: text + data, ramBytes: data + bss, stackBytes, undefinedSymbols };
}

/** Symbols that would mean floating point or dynamic memory on the device. */
export function forbiddenSymbols(undefinedSymbols: readonly string[]): string[] {
  return undefinedSymbols.filter((s) => /^__aeabi_[fd]|^__(add|sub|mul|div|neg|cmp|eq|ne|lt|le|gt|ge|un|fix|float|extend|trunc)[sdt]f|^(malloc|calloc|realloc|free)$/.test(s));
}

/** Iterations of the calibration loop, two instructions each. */
const CALIBRATION_LOOPS = 100_000;

/** The QEMU driver's generated part: the images, compiled in, and the calibration loop's length. */
function qemuImages(pixels: Uint8Array, count: number, imageBytes: number): string {
  const rows = Array.from({ length: count }, (_, i) => `    {${Array.from(pixels.subarray(i * imageBytes, (i + 1) * imageBytes)).join(',')}},`);
  return `#ifndef QEMU_IMAGES_H
#define QEMU_IMAGES_H
#include <stdint.h>
${qemuCalibration()}
#define QEMU_IMAGE_COUNT ${count}
static const uint8_t qemu_images[QEMU_IMAGE_COUNT][${imageBytes}] = {
${rows.join('\n')}
};
#endif /* QEMU_IMAGES_H */
`;
}

export interface QemuRun extends CRun {
  /** SysTick ticks per bitnet_predict call (median). */
  ticks: number;
  /** Instructions per SysTick tick, from the calibration loop (40 here: 1 instruction = 1 ns at shift=0, 25 MHz SysTick). */
  instructionsPerTick: number;
  /** ticks × instructionsPerTick. */
  instructions: number;
}

/**
 * Links C sources for a Cortex-M3 with picolibc's semihosting and runs the ELF in QEMU's mps2-an385 under
 * `-icount shift=0`; returns what it printed. The drivers print "calibration T" (QEMU_CALIBRATION_LOOPS iterations
 * of a two-instruction loop, see qemuCalibration) before their timed calls.
 */
export function runOnCortexM3(sources: readonly string[], includeDirs: readonly string[], elf: string): string {
  execFileSync(
    'arm-none-eabi-gcc',
    [
      '-mcpu=cortex-m3', '-mthumb', '-O2', '-std=c99', '-Wall', '-Wextra', '-Werror',
      '--specs=picolibc.specs', '--oslib=semihost',
      '-Wl,--defsym=__flash=0', '-Wl,--defsym=__flash_size=0x400000', '-Wl,--defsym=__ram=0x20000000', '-Wl,--defsym=__ram_size=0x400000',
      ...includeDirs.flatMap((d) => ['-I', d]), ...sources, '-o', elf,
    ],
    { stdio: 'pipe' },
  );
  const result = spawnSync(
    'qemu-system-arm',
    ['-M', 'mps2-an385', '-cpu', 'cortex-m3', '-nographic', '-monitor', 'none', '-serial', 'none',
      '-semihosting-config', 'enable=on,target=native', '-icount', 'shift=0', '-kernel', elf],
    { encoding: 'utf8', timeout: 300_000 },
  );
  return `${result.stdout}\n${result.stderr}`;
}

/** The calibration loop's length as a C header line, for drivers' generated headers. */
export const qemuCalibration = (): string => `#define QEMU_CALIBRATION_LOOPS ${CALIBRATION_LOOPS}u`;

/** Instructions per SysTick tick, from a run's "calibration T" line. */
export function instructionsPerTick(output: string): number {
  return (2 * CALIBRATION_LOOPS) / Number(/calibration (\d+)/.exec(output)?.[1] ?? NaN);
}

/** Links the export for a Cortex-M3 with picolibc's semihosting and runs it in QEMU's mps2-an385. */
export function runCortexM3(dir: string, pixels: Uint8Array, count: number, imageBytes = MNIST_IMAGE_BYTES): QemuRun {
  mkdirSync(join(dir, 'qemu-build'), { recursive: true });
  writeFileSync(join(dir, 'qemu-build', 'qemu_images.h'), qemuImages(pixels, count, imageBytes));
  const text = runOnCortexM3([...exportSources(dir), QEMU_DRIVER], [dir, join(dir, 'qemu-build')], join(dir, 'qemu-build', 'bitnet_m3.elf'));
  const run = parseRunOutput(text.split('\n').filter((l) => / ticks /.test(l)).map((l) => l.replace(/ ticks .*/, '')).join('\n'), count);
  const ticks = text.split('\n').filter((l) => / ticks /.test(l)).map((l) => Number(l.split(' ticks ')[1])).sort((a, b) => a - b);
  const perTick = instructionsPerTick(text);
  const median = ticks[Math.floor(ticks.length / 2)] ?? 0;
  return { ...run, ticks: median, instructionsPerTick: perTick, instructions: Math.round(median * perTick) };
}
