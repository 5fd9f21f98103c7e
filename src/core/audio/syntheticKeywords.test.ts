/**
 * The synthesised keyword set (scripts/makeKeywords.ts, espeak-ng + sox) end to end: the small set is written in
 * the Speech Commands layout, the same bytes on a second run, a complete set is not written again, and it loads
 * as the page loads it with its test voices never in training.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keywordSetPlan, makeKeywordSet, splitVoices, speakerOf } from '../../../scripts/makeKeywords';
import { CLIP_SAMPLES, SAMPLE_RATE } from './frontEnd';
import { loadKeywordDataset } from './keywordDataset';
import { parseWav } from './wav';

const root = mkdtempSync(join(tmpdir(), 'keywords-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const small = { small: true, perVoice: 2, seed: 41 };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));
}

describe('the synthesised keyword set', () => {
  it('writes the small set in the Speech Commands layout, seeded, split by voice, and loads it', { timeout: 60_000 }, async () => {
    const dir = join(root, 'a');
    const plan = keywordSetPlan(small);
    expect(await makeKeywordSet(dir, small)).toBe((plan.words.length + 1) * plan.voices.length * 2);
    expect(readdirSync(dir).sort()).toEqual(['_background_noise_', '_unknown_', 'manifest.json', 'no', 'testing_list.txt', 'up', 'validation_list.txt', 'yes']);
    const clip = parseWav(readFileSync(join(dir, 'yes', `${speakerOf(plan.voices[0]!)}_nohash_0.wav`)), 'clip');
    expect([clip.sampleRate, clip.channels, clip.bitsPerSample, clip.mono.length]).toEqual([SAMPLE_RATE, 1, 16, CLIP_SAMPLES]);
    expect(readdirSync(join(dir, '_background_noise_')).length).toBe(4);
    // A complete set is found by its manifest and not written again; another directory gets the same bytes.
    expect(await makeKeywordSet(dir, small)).toBe(0);
    const again = join(root, 'b');
    await makeKeywordSet(again, small);
    for (const path of filesUnder(dir)) expect(readFileSync(path).equals(readFileSync(join(again, relative(dir, path))))).toBe(true);

    const { validation, test } = splitVoices(plan.voices, small.seed);
    const testing = readFileSync(join(dir, 'testing_list.txt'), 'utf8').trim().split('\n');
    expect(testing.length).toBe(test.size * 4 * 2);
    expect(testing.every((path) => [...test].some((voice) => path.includes(`/${speakerOf(voice)}_nohash_`)))).toBe(true);
    expect([...validation].some((voice) => test.has(voice))).toBe(false);

    const files = filesUnder(dir).map((path) => ({ path: relative(dir, path), size: statSync(path).size, read: async () => new Uint8Array(readFileSync(path)) }));
    const dataset = await loadKeywordDataset({ kind: 'files', name: 'small', files });
    expect(dataset.classNames).toEqual(['_silence_', '_unknown_', 'no', 'up', 'yes']);
    expect(dataset.keywords.skipped).toEqual([]);
    const trainVoices = plan.voices.length - validation.size - test.size;
    expect(dataset.keywords.counts.slice(1)).toEqual(Array(4).fill([trainVoices * 2, validation.size * 2, test.size * 2]));
  });
});
