/** The worker's loader route for keywords: a zip or a folder's files of WAVs, and clips recorded in the page. */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { noiseSamples, toneFolder, toneWord } from '../core/audio/keywordClips.testing';
import { FEATURE_FRAMES, MEL_BANDS } from '../core/audio/frontEnd';
import type { DatasetSource } from '../protocol/messages';
import { loadDataset } from './datasetLoader';
import { datasetIdOf, datasetReady, isUserSource } from './datasetTasks';

const blob = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);
const pcm16 = (samples: Float32Array) => Int16Array.from(samples, (s) => Math.round(s * 32767));

describe('loading keywords in the worker', () => {
  it('a zip of word folders loads with progress, and its summary carries the keyword report', async () => {
    const source: DatasetSource = { kind: 'keywords', input: { name: 'words.zip', zip: blob(zipSync(toneFolder(['yes', 'no', 'up'], 6))), files: [] } };
    const stages: [string, number, number | null][] = [];
    const loaded = await loadDataset(source, (stage, done, total) => stages.push([stage, done, total]));
    expect(datasetIdOf(source)).toBe('keywords');
    expect(isUserSource(source)).toBe(true);
    expect(loaded.classNames).toEqual(['_silence_', 'no', 'up', 'yes']);
    expect(stages.at(-1)![0]).toBe('reading clips');
    expect(stages.at(-1)![1]).toBe(stages.at(-1)![2]);
    const { summary } = datasetReady('keywords', loaded);
    expect(summary.own).toBeNull();
    expect(summary.keywords!.counts).toEqual([[4, 1, 1], [4, 1, 1], [4, 1, 1], [4, 1, 1]]);
    expect([summary.samples.rows, summary.samples.cols, summary.testCount]).toEqual([MEL_BANDS, FEATURE_FRAMES, 4]);
  });

  it('a chosen folder\'s files load the same as its zip', async () => {
    const folder = toneFolder(['yes', 'no'], 6);
    const files = Object.entries(folder).map(([path, bytes]) => ({ path, file: blob(bytes) }));
    const fromFiles = await loadDataset({ kind: 'keywords', input: { name: 'words', zip: null, files } }, () => undefined);
    const fromZip = await loadDataset({ kind: 'keywords', input: { name: 'words', zip: blob(zipSync(folder)), files: [] } }, () => undefined);
    expect(fromFiles).toEqual(fromZip);
  });

  it('recorded clips become a data set with _silence_ from the room noise', async () => {
    const clips = ['yes', 'no'].flatMap((word) => Array.from({ length: 5 }, (_, k) => ({ word, pcm: pcm16(toneWord(word, k)) })));
    const source: DatasetSource = { kind: 'keyword-clips', name: 'my words', clips, background: [pcm16(noiseSamples(16000))] };
    const loaded = await loadDataset(source, () => undefined);
    expect(datasetIdOf(source)).toBe('keywords');
    expect(loaded.classNames).toEqual(['_silence_', 'no', 'yes']);
    expect(loaded.keywords!.counts).toEqual([[4, 1, 0], [4, 1, 0], [4, 1, 0]]);
  });

  it('a refused set throws the message that names the file (posted as own-data-error)', async () => {
    const folder = { 'yes/a_nohash_0.wav': new Uint8Array([82, 73, 70, 70]) };
    await expect(loadDataset({ kind: 'keywords', input: { name: 'bad', zip: blob(zipSync(folder)), files: [] } }, () => undefined)).rejects.toThrow(/"yes\/a_nohash_0\.wav"/);
  });
});
