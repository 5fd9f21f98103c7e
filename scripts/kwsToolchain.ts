/**
 * The keyword part of the C export with real toolchains, for the tests and `npm run bench:mcu` (Node only): the
 * host driver (c/kws_host_driver.c) for features, scores and stream detections; the front end's cost on an emulated
 * Cortex-M3 (c/kws_qemu_main.c, through cToolchain.ts's QEMU run) and its size for a Cortex-M0+; and spoken words
 * synthesised with espeak-ng and sox.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCortexM0PlusSources, hasCommand, instructionsPerTick, qemuCalibration, runOnCortexM3, STRICT_FLAGS, type ArmSizes } from './cToolchain';
import { parseWav } from '../src/core/audio/wav';
import { loudestSecond, resample, toPcm16 } from '../src/core/audio/resample';
import { CLIP_SAMPLES } from '../src/core/audio/frontEnd';

const KWS_HOST_DRIVER = fileURLToPath(new URL('./c/kws_host_driver.c', import.meta.url));
const KWS_QEMU_DRIVER = fileURLToPath(new URL('./c/kws_qemu_main.c', import.meta.url));

const pcmBytes = (pcm: Int16Array): Uint8Array => new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);

/** Builds the keyword host driver from the export in dir (its .c files, the strict flags); returns the binary. */
export function buildKwsHost(dir: string, flags: readonly string[] = STRICT_FLAGS): string {
  const binary = join(mkdtempSync(join(tmpdir(), 'kws-host-')), 'kws_host');
  execFileSync('sh', ['-c', `cc ${flags.join(' ')} -I. *.c "${KWS_HOST_DRIVER}" -o "${binary}"`], { cwd: dir, stdio: 'pipe' });
  return binary;
}

/** (count, 16000) clips -> (count, 784) features from bitnet_kws_features. */
export function runKwsFeatures(binary: string, pcm: Int16Array): Uint8Array {
  return new Uint8Array(execFileSync(binary, ['features'], { input: pcmBytes(pcm), maxBuffer: 64 * 1024 * 1024 }));
}

/** (count, 16000) clips -> (count, classes) scores from bitnet_kws_classify. */
export function runKwsClassify(binary: string, pcm: Int16Array): number[][] {
  return execFileSync(binary, ['classify'], { input: pcmBytes(pcm), encoding: 'utf8' }).trim().split('\n').map((line) => line.split(' ').slice(1).map(Number));
}

/** A stream through bitnet_kws_push in chunks of 1, 160, 37, 1024, 5000 samples in turn: its detections. */
export function runKwsStream(binary: string, pcm: Int16Array): { end: number; classIndex: number; confidence: number }[] {
  const text = execFileSync(binary, ['stream'], { input: pcmBytes(pcm), encoding: 'utf8' }).trim();
  return text === '' ? [] : text.split('\n').map((line) => {
    const [end, classIndex, confidence] = line.split(' ').map(Number);
    return { end: end!, classIndex: classIndex!, confidence: confidence! };
  });
}

/** The chunk ends the stream driver pushes at (its chunk sizes in turn). */
export function streamChunkEnds(length: number): number[] {
  const sizes = [1, 160, 37, 1024, 5000];
  const ends: number[] = [];
  for (let at = 0, i = 0; at < length; i++) ends.push((at = Math.min(length, at + sizes[i % sizes.length]!)));
  return ends;
}

/** FNV-1a over bytes, as kws_qemu_main.c hashes the features. */
export function fnv1a(bytes: Uint8Array): number {
  let hash = 2166136261;
  for (const b of bytes) hash = Math.imul(hash ^ b, 16777619) >>> 0;
  return hash;
}

export interface FrontEndCost {
  /** Cortex-M3 instructions of bitnet_kws_features on one 1 s window (28 frames), median over the clips. */
  instructionsPerWindow: number;
  /** bitnet_kws.o for a Cortex-M0+ (-Os): text + data, and data + bss (the stream's buffers included). */
  flashBytes: number;
  ramBytes: number;
  /** bitnet_kws.c's deepest frames on a Cortex-M0+ (-fstack-usage): bitnet_kws_push and the frame it computes,
   *  to add to the network's stack (bitnet_predict's, called from bitnet_kws_push). */
  stackBytes: number;
  /** Per clip: the QEMU features' FNV-1a hash, to compare with the host's. */
  featureHashes: number[];
  sizes: ArmSizes;
}

/**
 * The front end's cost for `npm run bench:mcu` and the tests: dir is a written C export with a front end
 * (emitC with `frontEnd`), clips (count, 16000) what it is timed on in QEMU (-icount shift=0, Cortex-M3).
 */
export function measureFrontEnd(dir: string, clips: Int16Array, count: number): FrontEndCost {
  const build = join(dir, 'kws-qemu-build');
  mkdirSync(build, { recursive: true });
  const rows = Array.from({ length: count }, (_, i) => `    {${Array.from(clips.subarray(i * CLIP_SAMPLES, (i + 1) * CLIP_SAMPLES)).join(',')}},`);
  writeFileSync(
    join(build, 'qemu_clips.h'),
    `#ifndef QEMU_CLIPS_H\n#define QEMU_CLIPS_H\n#include <stdint.h>\n${qemuCalibration()}\n#define QEMU_CLIP_COUNT ${count}\nstatic const int16_t qemu_clips[QEMU_CLIP_COUNT][16000] = {\n${rows.join('\n')}\n};\n#endif\n`,
  );
  const sources = ['bitnet_kws.c', 'bitnet_engine.c', 'bitnet_model.c'].map((f) => join(dir, f));
  const text = runOnCortexM3([...sources, KWS_QEMU_DRIVER], [dir, build], join(build, 'kws_m3.elf'));
  const lines = text.split('\n').filter((l) => l.startsWith('features '));
  if (lines.length !== count) throw new Error(`expected ${count} feature lines from QEMU, got ${lines.length}:\n${text}`);
  const ticks = lines.map((l) => Number(l.split(' ticks ')[1])).sort((a, b) => a - b);
  const median = ticks[Math.floor(ticks.length / 2)]!;
  const m0plus = join(dir, 'kws-m0plus');
  const sizes = buildCortexM0PlusSources(dir, [join(dir, 'bitnet_kws.c')], m0plus);
  const frames = new Map(
    readFileSync(join(m0plus, 'bitnet_kws.su'), 'utf8').trim().split('\n').map((line) => [line.split('\t')[0]!.split(':').pop()!.split('.')[0]!, Number(line.split('\t')[1])] as const),
  );
  const frame = (name: string): number => frames.get(name) ?? 0;
  return {
    instructionsPerWindow: Math.round(median * instructionsPerTick(text)),
    flashBytes: sizes.flashBytes,
    ramBytes: sizes.ramBytes,
    stackBytes: Math.max(frame('bitnet_kws_push'), frame('bitnet_kws_classify') + frame('bitnet_kws_features')) + frame('frame_column'),
    featureHashes: lines.map((l) => Number(l.split(' ')[1])),
    sizes,
  };
}

export const speechToolsAvailable = (): boolean => hasCommand('espeak-ng') && hasCommand('sox');

/** A word spoken by espeak-ng (voice e.g. 'en', 'en-us+f3'), converted to 16 kHz mono by sox: its loudest second. */
export function synthesiseWord(word: string, voice = 'en', speed = 160): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'kws-word-'));
  const raw = join(dir, 'raw.wav');
  const wav = join(dir, 'word.wav');
  const spoken = spawnSync('espeak-ng', ['-v', voice, '-s', String(speed), '-w', raw, word], { stdio: 'pipe' });
  if (spoken.status !== 0) throw new Error(`espeak-ng failed on "${word}": ${spoken.stderr}`);
  execFileSync('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', wav], { stdio: 'pipe' });
  const decoded = parseWav(readFileSync(wav), `${word}.wav`);
  const pcm = decoded.sampleRate === 16000 ? toPcm16(decoded.mono) : toPcm16(resample(decoded.mono, decoded.sampleRate));
  return loudestSecond(pcm);
}
