/**
 * The C files under c/ compiled as what they are, from their place in the tree: bitnet.h alone (C and C++), and
 * bitnet_engine.c (its parts bitnet_engine_*.inc through #include) and examples/main.c with the strict flags plus
 * -Wundef, so that a misspelt BITNET_* macro in an #if fails instead of reading as 0, against the bitnet_model.h
 * and bitnet_model.c the emitter generates for every configuration the engine selects with the preprocessor: both
 * packings, dense and conv layers, int4 and int8 decoders, the 16×16 area average and shift averaging. The models
 * are hand-made (random weights and batch norm, no training), so this runs in seconds; each build, and the export's
 * spliced engine, must give integerForward's scores exactly. Trained models through the emitted zip, the
 * Cortex-M0+ and QEMU are src/train/export.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildHost, buildHostDriver, hasCommand, runHost, STRICT_FLAGS, writeExport } from '../../../scripts/cToolchain';
import { BITNET_ENGINE_C, BITNET_H, EXAMPLE_MAIN_C, spliceEngineParts } from './cEngine';
import { cStringLiteral, emitC } from './cEmitter';
import { PRESETS, type TrainConfig } from '../model/config';
import { AREA_DIVIDE_MULTIPLIER, AREA_DIVIDE_SHIFT, AREA_ROUNDING, AREA_TAPS, modelInputShape } from '../model/inputResolution';
import { integerForward, toIntegerModel, type IntegerModel } from '../model/integerModel';
import { mlpLayers, networkPlan } from '../model/layers';
import { foldModel, type LayerSnapshot } from '../model/referenceModel';
import { randomSnapshot } from '../model/randomSnapshot.testing';
import { createRng, type Rng } from '../data/rng';
import type { TritPacking } from '../quant/tritBytes';

const C_DIR = fileURLToPath(new URL('./c/', import.meta.url));
const ENGINE = join(C_DIR, 'bitnet_engine.c');
const EXAMPLE_MAIN = join(C_DIR, 'examples', 'main.c');
const TREE_FLAGS = [...STRICT_FLAGS, '-Wundef'];
const IMAGES = 48;

/**
 * Random latent weights and batch-norm statistics for every weighted layer of the config's plan; with
 * negativeGammas every other unit's γ is negative, so its multiplier (or sign direction) is too.
 */
function handSnapshot(config: TrainConfig, rng: Rng, classCount = 10, negativeGammas = false): LayerSnapshot[] {
  const snapshot = randomSnapshot(networkPlan(config.layers, modelInputShape(config.inputResolution), classCount, config.outputWeights), rng);
  if (negativeGammas) for (const layer of snapshot) layer.batchNorm!.gamma.forEach((gamma, j) => (layer.batchNorm!.gamma[j] = j % 2 === 1 ? -gamma : gamma));
  return snapshot;
}

/** Sparse random "digits": most pixels 0, some ink up to 255; (IMAGES, 784). */
function randomImages(rng: Rng): Uint8Array {
  const pixels = new Uint8Array(IMAGES * 784);
  for (let i = 0; i < pixels.length; i++) if (rng.next() < 0.2) pixels[i] = Math.min(255, Math.floor(rng.next() * 300));
  return pixels;
}

const small = <T extends keyof typeof PRESETS>(preset: T, overrides: Partial<TrainConfig>): TrainConfig => ({ ...PRESETS[preset], ...overrides });

const fallingConvs: TrainConfig['layers'] = [
  { kind: 'conv2d', filters: 6, kernel: 3, stride: 1, padding: 'same' },
  { kind: 'maxpool2d', size: 2 },
  { kind: 'conv2d', filters: 5, kernel: 3, stride: 1, padding: 'valid' },
  { kind: 'maxpool2d', size: 2 },
  { kind: 'flatten' },
  { kind: 'dense', units: 12 },
];

/** [what the configuration compiles in, its config, the BITNET_* macros its header must set, negative γ for half the units]. */
const CONFIGURATIONS: [string, TrainConfig, Record<string, number>, boolean?][] = [
  ['28×28, sign activations', small('seed', { layers: mlpLayers([40]) }), { BITNET_HAS_CONV: 0, BITNET_AREA_AVERAGE_16: 0, BITNET_SHIFT_AVERAGING: 0 }],
  [
    '16×16 area average, 8-bit codes, shift averaging',
    small('mcu-16k', { layers: mlpLayers([48, 24]), shiftAveraging: true }),
    { BITNET_AREA_AVERAGE_16: 1, BITNET_SHIFT_AVERAGING: 1, BITNET_HAS_INT4: 0, BITNET_HAS_INT8: 0 },
  ],
  ['28×28 with shift averaging', small('seed', { layers: mlpLayers([32]), shiftAveraging: true }), { BITNET_AREA_AVERAGE_16: 0, BITNET_SHIFT_AVERAGING: 1 }],
  [
    'int8 and int4 dense layers before signs, int4 output',
    small('seed', { layers: [{ kind: 'flatten' }, { kind: 'dense', units: 24, weights: 'int8' }, { kind: 'dense', units: 20 }], outputWeights: 'int4' }),
    { BITNET_HAS_INT4: 1, BITNET_HAS_INT8: 1, BITNET_HAS_CONV: 0 },
  ],
  [
    'int8 and int4 convolutions with pools on 16×16',
    small('mcu-cnn-16k', {
      layers: [
        { kind: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same', weights: 'int8' },
        { kind: 'maxpool2d', size: 2 },
        { kind: 'conv2d', filters: 6, kernel: 3, stride: 2, padding: 'valid', weights: 'int4' },
        { kind: 'flatten' },
        { kind: 'dense', units: 16 },
      ],
    }),
    { BITNET_HAS_CONV: 1, BITNET_HAS_INT4: 1, BITNET_HAS_INT8: 1, BITNET_AREA_AVERAGE_16: 1 },
  ],
  [
    'ternary convolutions on 28×28',
    small('cnn', { layers: [{ kind: 'conv2d', filters: 4, kernel: 5, stride: 1, padding: 'same' }, { kind: 'maxpool2d', size: 2 }, { kind: 'flatten' }, { kind: 'dense', units: 12 }] }),
    { BITNET_HAS_CONV: 1, BITNET_HAS_INT4: 0, BITNET_HAS_INT8: 0, BITNET_AREA_AVERAGE_16: 0 },
  ],
  // Units whose output falls as the accumulator rises pool from the window's smallest accumulator.
  ['pooled convolutions with negative multipliers, 8-bit codes', small('cnn', { layers: fallingConvs }), { BITNET_HAS_CONV: 1 }, true],
  ['pooled convolutions with negative sign directions', small('seed', { layers: fallingConvs }), { BITNET_HAS_CONV: 1 }, true],
];

function defines(header: string): Record<string, number> {
  return Object.fromEntries([...header.matchAll(/^#define (BITNET_\w+) (\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
}

describe('the C files in the tree', () => {
  it('are what the emitter ships', () => {
    const rng = createRng(1);
    const config = CONFIGURATIONS[0]![1];
    const model = toIntegerModel(foldModel(handSnapshot(config, rng), config, config.weightQuantizer, config.threshold));
    const files = emitC(model, { packing: 'base3', preset: 'custom', configSummary: 'test', accuracy: null, appVersion: 'test', examples: { pixels: new Uint8Array(784), labels: [0], count: 1 } });
    expect(files['bitnet.h']).toBe(BITNET_H);
    expect(files['bitnet_engine.c']).toBe(BITNET_ENGINE_C);
    expect(files['examples/main.c']).toBe(EXAMPLE_MAIN_C);
    expect(BITNET_H).toContain('int bitnet_predict(const uint8_t image[BITNET_INPUT_SIZE], int32_t scores[BITNET_NUM_CLASSES]);');
  });

  it('ship the engine as one file: every part in c/ is included by bitnet_engine.c and spliced in', () => {
    const tree = readFileSync(ENGINE, 'utf8');
    const parts = readdirSync(C_DIR).filter((name) => name.endsWith('.inc'));
    expect(parts.length).toBeGreaterThan(0);
    for (const part of parts) {
      expect(tree).toContain(`#include "${part}"\n`);
      expect(BITNET_ENGINE_C).toContain(readFileSync(join(C_DIR, part), 'utf8'));
    }
    expect(BITNET_ENGINE_C).not.toContain('.inc"');
    expect(() => spliceEngineParts('#include "bitnet_engine_missing.inc"\n', {})).toThrow(/bitnet_engine_missing\.inc/);
  });

  it('bitnet.h compiles on its own as C99', () => {
    execFileSync('cc', [...TREE_FLAGS, '-fsyntax-only', '-x', 'c', join(C_DIR, 'bitnet.h')], { stdio: 'pipe' });
  });

  // Its extern "C" block is for C++ callers; a machine with only a C compiler (CI installs gcc) skips this.
  it.runIf(hasCommand('c++'))('bitnet.h compiles on its own as C++', () => {
    execFileSync('c++', ['-std=c++11', '-Wall', '-Wextra', '-Werror', '-pedantic', '-fsyntax-only', '-x', 'c++', join(C_DIR, 'bitnet.h')], { stdio: 'pipe' });
  });

  it("the engine's 16×16 area average uses core's taps, rounding and division by 49", () => {
    const table = /static const uint8_t area_taps\[16\]\[4\] = \{([^;]*)\};/.exec(BITNET_ENGINE_C)?.[1];
    expect(table).toBeDefined();
    const rows = [...table!.matchAll(/\{([\d, ]+)\}/g)].map((m) => m[1]!.split(',').map(Number));
    expect(rows).toEqual(AREA_TAPS.map((taps) => [taps.first, ...taps.weights, 0, 0].slice(0, 4)));
    expect(BITNET_ENGINE_C).toContain(`uint32_t sum = ${AREA_ROUNDING}u;`);
    expect(BITNET_ENGINE_C).toContain(`(uint8_t)((sum * ${AREA_DIVIDE_MULTIPLIER}u) >> ${AREA_DIVIDE_SHIFT})`);
  });

  describe.each(CONFIGURATIONS)('%s', (_name, config, expected, negativeGammas) => {
    const rng = createRng(config.layers.length * 101 + (config.shiftAveraging ? 7 : 0));
    const model: IntegerModel = toIntegerModel(foldModel(handSnapshot(config, rng, 10, negativeGammas), config, config.weightQuantizer, config.threshold));
    const pixels = randomImages(rng);
    const scores = integerForward(model, pixels, IMAGES);

    it.each<TritPacking>(['base3', 'base4'])('%s: bitnet_engine.c and examples/main.c build with the strict flags and give integerForward exactly', (packing) => {
      if (negativeGammas) {
        // The case under test is really there: some conv units fall as their accumulator rises.
        const conv = model.layers[0]!.epilogue;
        expect(conv.kind === 'sign' ? conv.direction.some((d) => d < 0) : conv.kind === 'requantize' && conv.multiplier.some((m) => m < 0)).toBe(true);
      }
      const files = emitC(model, {
        packing,
        preset: 'custom',
        configSummary: 'test',
        accuracy: null,
        appVersion: 'test',
        examples: { pixels, labels: new Uint8Array(4), count: 4 },
      });
      expect(defines(files['bitnet_model.h']!)).toMatchObject({ ...expected, BITNET_TRITS_PER_BYTE: packing === 'base3' ? 5 : 4 });
      const generated = writeExport(files, 'bitnet-tree-');
      // The tree's c/ first: its bitnet.h and engine, the generated model header and arrays from the export.
      const includes = [C_DIR, generated, join(generated, 'examples')];
      const flags = [...TREE_FLAGS, ...includes.flatMap((d) => ['-I', d])];
      const build = mkdtempSync(join(tmpdir(), 'bitnet-tree-build-'));
      const binary = buildHostDriver([ENGINE, join(generated, 'bitnet_model.c')], includes, join(build, 'host'), TREE_FLAGS);
      expect(Array.from(runHost(binary, pixels, IMAGES).scores)).toEqual(Array.from(scores));
      // The spliced engine in the export, built as users build it, computes the same.
      expect(Array.from(runHost(buildHost(generated), pixels, IMAGES).scores)).toEqual(Array.from(scores));
      const example = join(build, 'example');
      execFileSync('cc', [...flags, ENGINE, join(generated, 'bitnet_model.c'), EXAMPLE_MAIN, '-o', example], { stdio: 'pipe' });
      expect(execFileSync(example, { encoding: 'utf8' })).toContain('4 of 4 images as expected');
    });
  });

  it('a model of N classes: bitnet.h says N, bitnet_class_names names them, and the example prints the names', () => {
    const rng = createRng(3);
    const config = small('seed', { layers: mlpLayers([16]) });
    const model = toIntegerModel(foldModel(handSnapshot(config, rng, 3), config, config.weightQuantizer, config.threshold));
    const pixels = randomImages(rng);
    const names = ['circle', 'sq"uare??/', 'tri\u00e1ngulo'];
    const files = emitC(model, { packing: 'base3', preset: 'custom', configSummary: 'test', accuracy: null, appVersion: 'test', classNames: names, examples: { pixels, labels: new Uint8Array(4), count: 4 } });
    expect(files['bitnet.h']).toContain('#define BITNET_NUM_CLASSES 3 ');
    expect(files['bitnet.h']!.replace('#define BITNET_NUM_CLASSES 3 ', '#define BITNET_NUM_CLASSES 10 ')).toBe(BITNET_H);
    expect(files['bitnet_model.c']).toContain('    "sq\\"uare\\?\\?/",\n    "tri\\303\\241ngulo",');
    expect(files['examples/test_images.h']).toContain('expected_scores[TEST_IMAGE_COUNT][3]');
    const generated = writeExport(files, 'bitnet-classes-');
    const example = join(mkdtempSync(join(tmpdir(), 'bitnet-classes-build-')), 'example');
    execFileSync('cc', [...TREE_FLAGS, '-I', generated, '-I', join(generated, 'examples'), join(generated, 'bitnet_engine.c'), join(generated, 'bitnet_model.c'), join(generated, 'examples', 'main.c'), '-o', example], { stdio: 'pipe' });
    const output = execFileSync(example, { encoding: 'utf8' });
    expect(output).toContain('4 of 4 images as expected');
    const scores = integerForward(model, pixels, 1);
    const predicted = scores.indexOf(Math.max(...scores));
    expect(output).toContain(`image 0: label 0, predicted ${predicted} "${names[predicted]}"`);
    expect(() => emitC(model, { packing: 'base3', preset: 'custom', configSummary: 'test', accuracy: null, appVersion: 'test', classNames: ['a', 'b'], examples: { pixels, labels: new Uint8Array(1), count: 1 } })).toThrow(/2 class names for a model of 3 outputs/);
    expect(cStringLiteral('a\\b\n')).toBe('"a\\\\b\\012"');
  });
});
