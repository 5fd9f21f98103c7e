/**
 * The keyword part of the C export (c/bitnet_kws.c through kwsEmitter.ts) against core: built with the strict flags,
 * its features equal clipFeatures byte for byte (tones, noise, full-scale square waves, silence, a chirp and words
 * spoken by espeak-ng), its scores integerForward's, its stream detections those of FeatureStream + KeywordDetector
 * on the same windows; for a Cortex-M0+ it needs no float helper and no malloc, and on an emulated Cortex-M3 it
 * computes the same features within the instruction budget of a 1 s window. The network is hand-made (random
 * weights, no training), so this runs in seconds.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { armToolchainAvailable, forbiddenSymbols, hasCommand, writeExport } from '../../../scripts/cToolchain';
import { buildKwsHost, fnv1a, measureFrontEnd, runKwsClassify, runKwsFeatures, runKwsStream, speechToolsAvailable, streamChunkEnds, synthesiseWord } from '../../../scripts/kwsToolchain';
import { emitC, type CExportOptions } from './cEmitter';
import { scoreFractionBits } from './kwsEmitter';
import { CLIP_SAMPLES, clipFeatures, FRONT_END } from '../audio/frontEnd';
import { DETECTOR, FeatureStream, KeywordDetector, type DetectorParameters } from '../audio/detector';
import { PRESETS, type TrainConfig } from '../model/config';
import { modelInputShape } from '../model/inputResolution';
import { integerForward, toIntegerModel, type IntegerModel } from '../model/integerModel';
import { networkPlan } from '../model/layers';
import { foldModel } from '../model/referenceModel';
import { randomSnapshot } from '../model/randomSnapshot.testing';
import { createRng, type Rng } from '../data/rng';

const NAMES = ['_silence_', '_unknown_', 'yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'];

/** A small conv net on the 28×28 features with random weights and batch norm. */
function handModel(rng: Rng): IntegerModel {
  const config: TrainConfig = {
    ...PRESETS.cnn,
    layers: [{ kind: 'conv2d', filters: 4, kernel: 5, stride: 1, padding: 'same' }, { kind: 'maxpool2d', size: 2 }, { kind: 'flatten' }, { kind: 'dense', units: 16 }],
  };
  const plan = networkPlan(config.layers, modelInputShape(config.inputResolution), NAMES.length, config.outputWeights);
  const snapshot = randomSnapshot(plan, rng);
  return toIntegerModel(foldModel(snapshot, config, config.weightQuantizer, config.threshold));
}

const rng = createRng(41);
const model = handModel(rng);

const clip = (f: (n: number) => number): Int16Array => Int16Array.from({ length: CLIP_SAMPLES }, (_, n) => Math.max(-32768, Math.min(32767, Math.round(f(n)))));
const SIGNALS: [string, Int16Array][] = [
  ['silence', new Int16Array(CLIP_SAMPLES)],
  ['full-scale DC', clip(() => 32767)],
  ['one sample', clip((n) => (n === 8000 ? -32768 : 0))],
  ...[120, 1000, 3300, 7400].map((hz): [string, Int16Array] => [`${hz} Hz tone`, clip((n) => 32767 * Math.sin((2 * Math.PI * hz * n) / 16000))]),
  ['quiet 500 Hz tone', clip((n) => 40 * Math.sin((2 * Math.PI * 500 * n) / 16000))],
  ...[2, 7, 40, 160].map((period): [string, Int16Array] => [`full-scale square wave, period ${period}`, clip((n) => (Math.floor((2 * n) / period) % 2 ? 32767 : -32768))]),
  ['loud noise', clip(() => rng.normal() * 12000)],
  ['quiet noise', clip(() => rng.normal() * 3)],
  ['chirp', clip((n) => 20000 * Math.sin(2 * Math.PI * (100 * (n / 16000) + 3000 * (n / 16000) ** 2)))],
];

const concat = (clips: Int16Array[]): Int16Array => {
  const out = new Int16Array(clips.reduce((s, c) => s + c.length, 0));
  clips.reduce((at, c) => (out.set(c, at), at + c.length), 0);
  return out;
};

function exportOptions(detector?: DetectorParameters): CExportOptions {
  const clips = [SIGNALS[4]![1], SIGNALS[13]![1]];
  return {
    packing: 'base3',
    preset: 'custom',
    configSummary: 'test',
    accuracy: null,
    appVersion: 'test',
    classNames: NAMES,
    examples: { pixels: clipFeatures(clips[0]!), labels: [2], count: 1 },
    frontEnd: FRONT_END,
    detector,
    kwsClips: { pcm: concat(clips), labels: [2, 0], count: 2 },
  };
}

describe('the C keyword front end and detector', () => {
  const files = emitC(model, exportOptions());
  const dir = writeExport(files, 'bitnet-kws-');
  const host = buildKwsHost(dir);

  it('bitnet_kws.h compiles on its own as C99 (and as C++ where there is a C++ compiler)', () => {
    const header = fileURLToPath(new URL('./c/bitnet_kws.h', import.meta.url));
    execFileSync('cc', ['-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic', '-Wundef', '-fsyntax-only', '-x', 'c', header], { stdio: 'pipe' });
    if (hasCommand('c++')) execFileSync('c++', ['-std=c++11', '-Wall', '-Wextra', '-Werror', '-pedantic', '-fsyntax-only', '-x', 'c++', header], { stdio: 'pipe' });
  });

  it("takes the front end as a checkpoint's front_end JSON gives it back, and refuses any other front end", () => {
    const reordered = Object.fromEntries(Object.entries(JSON.parse(JSON.stringify(FRONT_END)) as Record<string, unknown>).reverse()) as unknown as typeof FRONT_END;
    expect(emitC(model, { ...exportOptions(), frontEnd: reordered })['bitnet_kws_config.h']).toBe(files['bitnet_kws_config.h']);
    expect(() => emitC(model, { ...exportOptions(), frontEnd: { ...FRONT_END, hopSamples: 500 } })).toThrow(/log-mel-v1/);
  });

  it('without a front end the export has none of the keyword files, and its other files are unchanged', () => {
    const without = emitC(model, { ...exportOptions(), frontEnd: undefined, detector: undefined, kwsClips: undefined });
    expect(Object.keys(files).filter((name) => !(name in without)).sort()).toEqual(['bitnet_kws.c', 'bitnet_kws.h', 'bitnet_kws_config.h', 'examples/kws_main.c', 'examples/test_clips.h']);
    for (const name of Object.keys(without)) if (name !== 'README.md') expect(files[name]).toBe(without[name]);
    expect(files['README.md']!.startsWith(without['README.md']!)).toBe(true);
    expect(files['README.md']).toContain('bitnet_kws_push');
  });

  it('bitnet_kws_features equals clipFeatures byte for byte on tones, noise, square waves, silence and a chirp', () => {
    const features = runKwsFeatures(host, concat(SIGNALS.map(([, pcm]) => pcm)));
    SIGNALS.forEach(([name, pcm], i) => expect({ name, features: features.subarray(i * 784, (i + 1) * 784) }).toEqual({ name, features: clipFeatures(pcm) }));
  });

  if (!speechToolsAvailable()) console.warn('kws.test.ts: espeak-ng or sox is missing, so the spoken-word comparison is skipped');
  it.runIf(speechToolsAvailable())('bitnet_kws_features equals clipFeatures on words spoken by espeak-ng (16 kHz through sox; skipped without them)', () => {
    const words = [synthesiseWord('yes'), synthesiseWord('stop', 'en-us+f3', 130), synthesiseWord('seven', 'en+m3', 200)];
    const features = runKwsFeatures(host, concat(words));
    words.forEach((pcm, i) => expect(features.subarray(i * 784, (i + 1) * 784)).toEqual(clipFeatures(pcm)));
  });

  it("bitnet_kws_classify gives integerForward's scores on the features, and the export's example checks its clips", () => {
    const pcm = concat(SIGNALS.map(([, p]) => p));
    const expected = SIGNALS.map(([, p]) => Array.from(integerForward(model, clipFeatures(p), 1)));
    expect(runKwsClassify(host, pcm)).toEqual(expected);
    execFileSync('sh', ['-c', 'cc -std=c99 -O2 -Wall -Wextra -Werror -pedantic -I. *.c examples/kws_main.c -o kws_demo'], { cwd: dir, stdio: 'pipe' });
    expect(execFileSync('./kws_demo', { cwd: dir, encoding: 'utf8' })).toContain('2 of 2 clips as expected');
  });

  const detectors: [string, DetectorParameters][] = [
    ['the default rule', DETECTOR],
    ['no threshold, 2 quiet windows', { ...DETECTOR, thresholdPermille: 0, refractoryWindows: 2 }],
    ['a 400 ‰ threshold, stride 5, 2 windows averaged', { strideFrames: 5, averageWindows: 2, thresholdPermille: 400, refractoryWindows: 3 }],
  ];
  it.each(detectors)('bitnet_kws_push detects what FeatureStream + KeywordDetector detect on the same windows: %s', (_name, detector) => {
    const options = exportOptions(detector);
    const streamDir = writeExport(emitC(model, options), 'bitnet-kws-stream-');
    const binary = buildKwsHost(streamDir);
    const stream = concat(SIGNALS.slice(3).map(([, pcm]) => pcm));
    const windows = new FeatureStream(detector.strideFrames).push(stream);
    const reference = new KeywordDetector(NAMES, scoreFractionBits(model), detector);
    const ends = streamChunkEnds(stream.length);
    const expected = windows.flatMap(({ features, endSample }) => {
      const found = reference.push(integerForward(model, features, 1));
      return found ? [{ end: ends.find((e) => e >= endSample)!, classIndex: found.classIndex, confidence: found.confidence }] : [];
    });
    expect(runKwsStream(binary, stream)).toEqual(expected);
    if (detector.thresholdPermille === 0) expect(expected.length).toBeGreaterThan(3);
  });

  it.runIf(armToolchainAvailable())('a Cortex-M0+ build of bitnet_kws.c references no float helper and no malloc', () => {
    const cost = measureFrontEnd(dir, concat([SIGNALS[9]![1], SIGNALS[12]![1], SIGNALS[14]![1]]), 3);
    expect(cost.sizes.undefinedSymbols.length).toBeGreaterThan(0);
    expect(forbiddenSymbols(cost.sizes.undefinedSymbols)).toEqual([]);
    // The emulated Cortex-M3 computes the host's features, within 1.5 M instructions per 1 s window.
    expect(cost.featureHashes).toEqual([9, 12, 14].map((i) => fnv1a(clipFeatures(SIGNALS[i]![1]))));
    expect(cost.stackBytes).toBeGreaterThan(0);
    expect(cost.stackBytes).toBeLessThan(1024);
    expect(cost.instructionsPerWindow).toBeGreaterThan(100_000);
    expect(cost.instructionsPerWindow).toBeLessThanOrEqual(1_500_000);
    console.log(`front end: ${cost.instructionsPerWindow} Cortex-M3 instructions per 1 s window, flash ${cost.flashBytes} B, RAM ${cost.ramBytes} B, stack ${cost.stackBytes} B (Cortex-M0+)`);
  });
});
