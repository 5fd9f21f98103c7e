import { describe, expect, it } from 'vitest';
import { confidenceConstants, DETECTOR, EXP2_TABLE, FeatureStream, KeywordDetector, type DetectorParameters } from './detector';
import { CLIP_SAMPLES, clipFeatures, FRONT_END } from './frontEnd';
import { createRng } from '../data/rng';

const NAMES = ['_silence_', '_unknown_', 'yes', 'no'];
const F = 12;
/** Scores as the engine gives them: logits·2^F. */
const scores = (...logits: number[]): Int32Array => Int32Array.from(logits, (l) => Math.round(l * 2 ** F));

describe('KeywordDetector', () => {
  it('decides once averageWindows windows are in, on the top class of their sum, with its softmax probability as confidence', () => {
    const detector = new KeywordDetector(NAMES, F);
    const logits = [0, 0.5, 3, 1];
    expect(detector.push(scores(...logits))).toBeNull();
    expect(detector.push(scores(...logits))).toBeNull();
    const detection = detector.push(scores(...logits));
    const softmax = Math.exp(3) / logits.reduce((s, l) => s + Math.exp(l), 0);
    expect(detection).toMatchObject({ classIndex: 2, window: 2 });
    expect(Math.abs(detection!.confidence - 1000 * softmax)).toBeLessThanOrEqual(12);
  });

  it('the integer confidence is the softmax of the averaged logits within 1.5 %, on random scores', () => {
    const rng = createRng(9);
    const parameters: DetectorParameters = { ...DETECTOR, thresholdPermille: 0, refractoryWindows: 0 };
    for (let trial = 0; trial < 200; trial++) {
      const detector = new KeywordDetector(['a', 'b', 'c', 'd', 'e'], F, parameters);
      const windows = Array.from({ length: 3 }, () => Array.from({ length: 5 }, () => rng.normal() * 3));
      let detection = null;
      for (const w of windows) detection = detector.push(scores(...w));
      const mean = [0, 1, 2, 3, 4].map((c) => windows.reduce((s, w) => s + Math.round(w[c]! * 2 ** F), 0) / 3 / 2 ** F);
      const top = mean.indexOf(Math.max(...mean));
      expect(detection!.classIndex).toBe(top);
      const softmax = 1 / mean.reduce((s, l) => s + Math.exp(l - mean[top]!), 0);
      expect(Math.abs(detection!.confidence - 1000 * softmax)).toBeLessThanOrEqual(15);
    }
  });

  it('never reports a class whose name starts with _, nor below the threshold', () => {
    const detector = new KeywordDetector(NAMES, F);
    for (let i = 0; i < 6; i++) expect(detector.push(scores(5, 0, 1, 0))).toBeNull();
    for (let i = 0; i < 6; i++) expect(detector.push(scores(0, 5, 1, 0))).toBeNull();
    const unsure = new KeywordDetector(NAMES, F);
    for (let i = 0; i < 6; i++) expect(unsure.push(scores(0, 0, 1, 0.9))).toBeNull();
  });

  it('is quiet for refractoryWindows windows after a detection, then detects again; reset forgets the history', () => {
    const detector = new KeywordDetector(NAMES, F);
    const results = Array.from({ length: 13 }, () => detector.push(scores(0, 0, 0, 6)));
    const fired = results.map((r) => (r ? r.window : -1)).filter((w) => w >= 0);
    expect(fired).toEqual([2, 2 + DETECTOR.refractoryWindows + 1, 2 + 2 * (DETECTOR.refractoryWindows + 1)]);
    detector.reset();
    expect(detector.push(scores(0, 0, 0, 6))).toBeNull();
  });

  it('the Q15 table and constants: 2^0 = 32768, scores of −11 fraction bits refused', () => {
    expect(EXP2_TABLE[0]).toBe(32768);
    expect(EXP2_TABLE[32]).toBe(Math.round(32768 / Math.SQRT2));
    expect(confidenceConstants(20, 3)).toEqual({ multiplier: Math.round((Math.LOG2E / 3) * 65536), shift: 30 });
    expect(() => confidenceConstants(-11, 3)).toThrow(RangeError);
  });
});

describe('FeatureStream', () => {
  it('gives, whatever the chunk sizes, a window every strideFrames frames equal to clipFeatures of its second', () => {
    const rng = createRng(4);
    const stream = Int16Array.from({ length: 3 * CLIP_SAMPLES }, (_, n) => Math.round(8000 * Math.sin(n / (3 + (n % 4000) / 500)) + rng.normal() * 300));
    const features = new FeatureStream();
    const windows: { features: Uint8Array; endSample: number }[] = [];
    const sizes = [1, 160, 37, 1024, 5000];
    for (let at = 0, i = 0; at < stream.length; i++) {
      const size = Math.min(sizes[i % sizes.length]!, stream.length - at);
      windows.push(...features.push(stream.subarray(at, at + size)));
      at += size;
    }
    const hop = FRONT_END.hopSamples;
    const stride = DETECTOR.strideFrames * hop;
    expect(windows.length).toBe(Math.floor((stream.length - 27 * hop - FRONT_END.windowSamples) / stride) + 1);
    windows.forEach((w, k) => {
      expect(w.endSample).toBe(k * stride + 27 * hop + FRONT_END.windowSamples);
      expect(w.features).toEqual(clipFeatures(stream.slice(k * stride, k * stride + CLIP_SAMPLES)));
    });
  });
});
