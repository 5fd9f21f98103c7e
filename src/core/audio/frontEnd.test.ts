/**
 * The integer front end against its float64 reference (clipFeaturesFloat) and against what a spectrogram must show.
 * Tolerance, measured on tones, noise, chirps and square waves: where the float code is within 150 codes (45 dB) of
 * its frame's loudest band, integer and float agree to ±2 codes (one code is 0.3 dB); further down the integer path
 * reaches the last bits of |X'|: it loses what lies below them and adds rounding noise, at most 3 codes above the float.
 */
import { describe, expect, it } from 'vitest';
import { CLIP_SAMPLES, clipFeatures, clipFeaturesFloat, FEATURE_FRAMES, frameFeatures, FRONT_END, FRONT_END_TABLES, log2Q10, MEL_BANDS } from './frontEnd';
import { createRng } from '../data/rng';

const tone = (hz: number, amplitude: number): Int16Array =>
  Int16Array.from({ length: CLIP_SAMPLES }, (_, n) => Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * hz * n) / CLIP_SAMPLES)));
const noise = (sigma: number, seed: number): Int16Array => {
  const rng = createRng(seed);
  return Int16Array.from({ length: CLIP_SAMPLES }, () => Math.max(-32768, Math.min(32767, Math.round(rng.normal() * sigma))));
};
const chirp = (amplitude: number): Int16Array =>
  Int16Array.from({ length: CLIP_SAMPLES }, (_, n) => Math.round(amplitude * Math.sin(2 * Math.PI * (100 * (n / CLIP_SAMPLES) + 3000 * (n / CLIP_SAMPLES) ** 2))));
const square = (period: number): Int16Array => Int16Array.from({ length: CLIP_SAMPLES }, (_, n) => (Math.floor((2 * n) / period) % 2 ? 32767 : -32768));

describe('front end parameters', () => {
  it('28 frames of 512 samples fit the 1 s clip, hop = ⌊(16000 − window) / 27⌋', () => {
    expect(FRONT_END.hopSamples).toBe(Math.floor((CLIP_SAMPLES - FRONT_END.windowSamples) / 27));
    expect(27 * FRONT_END.hopSamples + FRONT_END.windowSamples).toBeLessThanOrEqual(CLIP_SAMPLES);
    expect(FRONT_END.windowSamples / 16).toBeGreaterThanOrEqual(25);
    expect(FRONT_END.windowSamples / 16).toBeLessThanOrEqual(40);
    expect(JSON.parse(JSON.stringify(FRONT_END))).toEqual(FRONT_END);
    expect(Object.isFrozen(FRONT_END)).toBe(true);
  });

  it('the mel weights give every bin in range two shares that sum to 256', () => {
    const { firstBin, lastBin, binPoint, binWeight, melPointsHz } = FRONT_END_TABLES;
    expect(firstBin * 31.25).toBeGreaterThanOrEqual(FRONT_END.melLowHz);
    expect(lastBin * 31.25).toBeLessThan(FRONT_END.melHighHz);
    expect(melPointsHz.length).toBe(MEL_BANDS + 2);
    for (let k = firstBin; k <= lastBin; k++) {
      expect(binPoint[k]).toBeLessThanOrEqual(MEL_BANDS);
      expect(melPointsHz[binPoint[k]!]!).toBeLessThanOrEqual(k * 31.25);
      expect(melPointsHz[binPoint[k]! + 1]!).toBeGreaterThan(k * 31.25);
      expect(binWeight[k]).toBeLessThanOrEqual(255);
    }
  });

  it('log2Q10 is within 1/1024 of log2 from 1 to 2^32 − 1', () => {
    for (const s of [1, 2, 3, 5, 7, 1000, 65535, 65536, 123456789, 2 ** 31, 2 ** 32 - 1]) expect(Math.abs(log2Q10(s) - 1024 * Math.log2(s))).toBeLessThanOrEqual(1);
  });
});

describe('clipFeatures', () => {
  it('digital silence is all zeros, in the integer and the float path', () => {
    expect(clipFeatures(new Int16Array(CLIP_SAMPLES)).every((v) => v === 0)).toBe(true);
    expect(clipFeaturesFloat(new Int16Array(CLIP_SAMPLES)).every((v) => v === 0)).toBe(true);
  });

  it.each([1, 6, 13, 20, 26])('a sine on band %i\'s centre frequency lights that band\'s row in every frame', (band) => {
    const features = clipFeatures(tone(FRONT_END_TABLES.melPointsHz[band + 1]!, 0.3));
    for (let f = 0; f < FEATURE_FRAMES; f++) {
      const column = Array.from({ length: MEL_BANDS }, (_, row) => features[row * FEATURE_FRAMES + f]!);
      expect(column.indexOf(Math.max(...column))).toBe(MEL_BANDS - 1 - band);
    }
  });

  it('a full-scale sine on a band centre codes about 253, one 40 dB below about 120', () => {
    const loud = clipFeatures(tone(FRONT_END_TABLES.melPointsHz[15]!, 1));
    const quiet = clipFeatures(tone(FRONT_END_TABLES.melPointsHz[15]!, 0.01));
    expect(Math.max(...loud)).toBeGreaterThanOrEqual(245);
    expect(Math.max(...quiet)).toBeGreaterThanOrEqual(110);
    expect(Math.max(...quiet)).toBeLessThanOrEqual(130);
  });

  it('+6 dB of gain adds exactly 20 codes (10 per doubling of power) wherever the code is neither 0 nor saturated', () => {
    const base = noise(3000, 7);
    const features = clipFeatures(base);
    const louder = clipFeatures(base.map((v) => 2 * v));
    let compared = 0;
    for (let i = 0; i < features.length; i++) {
      if (features[i]! > 0 && features[i]! + 20 <= 255) {
        expect(louder[i]).toBe(features[i]! + 20);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(700);
  });

  const signals: [string, Int16Array][] = [
    ['white noise', noise(6000, 1)],
    ['quiet noise', noise(30, 2)],
    ['a 300 Hz tone at −20 dB', tone(300, 0.1)],
    ['a 1 kHz tone at full scale', tone(1000, 1)],
    ['a 3.3 kHz tone at −40 dB', tone(3300, 0.01)],
    ['a chirp 100 Hz–6 kHz', chirp(20000)],
    ['a full-scale square wave', square(40)],
  ];
  it.each(signals)('%s: within ±2 codes of the float reference near the frame\'s loudest band, at most 3 codes above it elsewhere', (_name, pcm) => {
    const integer = clipFeatures(pcm);
    const float = clipFeaturesFloat(pcm);
    for (let f = 0; f < FEATURE_FRAMES; f++) {
      let peak = 0;
      for (let row = 0; row < MEL_BANDS; row++) peak = Math.max(peak, float[row * FEATURE_FRAMES + f]!);
      for (let row = 0; row < MEL_BANDS; row++) {
        const i = row * FEATURE_FRAMES + f;
        if (float[i]! >= peak - 150) expect(Math.abs(integer[i]! - float[i]!)).toBeLessThanOrEqual(2);
        else expect(integer[i]! - float[i]!).toBeLessThanOrEqual(3);
      }
    }
  });

  it('frameFeatures is one column of clipFeatures; a wrong length throws', () => {
    const pcm = chirp(12000);
    const features = clipFeatures(pcm);
    const f = 9;
    const column = frameFeatures(pcm.subarray(f * FRONT_END.hopSamples, f * FRONT_END.hopSamples + FRONT_END.windowSamples));
    expect(Array.from(column)).toEqual(Array.from({ length: MEL_BANDS }, (_, row) => features[row * FEATURE_FRAMES + f]));
    expect(() => frameFeatures(new Int16Array(100))).toThrow(RangeError);
    expect(() => clipFeatures(new Int16Array(100))).toThrow(/16000 samples/);
  });
});
