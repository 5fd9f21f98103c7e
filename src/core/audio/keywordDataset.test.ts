import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ImageFolderError } from '../data/imageFolder';
import { createRng } from '../data/rng';
import { clipFeatures, CLIP_SAMPLES, FEATURE_FRAMES, MEL_BANDS } from './frontEnd';
import { AUGMENT, augmentClip, checkKeywordMemory, keywordDatasetFromClips, loadKeywordDataset, type KeywordClip } from './keywordDataset';
import { noiseSamples, toneFolder, toneWord, wavFile } from './keywordClips.testing';
import { layoutKeywordFolder, splitKeywordClips } from './keywordLayout';

const asFiles = (files: Record<string, Uint8Array>) =>
  Object.entries(files).map(([path, bytes]) => ({ path, size: bytes.length, read: async () => bytes }));

/** The band (row) with the most energy summed over the frames, of one 28×28 feature image. */
function loudestBand(features: Uint8Array): number {
  let best = 0;
  let bestSum = -1;
  for (let band = 0; band < MEL_BANDS; band++) {
    let sum = 0;
    for (let frame = 0; frame < FEATURE_FRAMES; frame++) sum += features[band * FEATURE_FRAMES + frame]!;
    if (sum > bestSum) [best, bestSum] = [band, sum];
  }
  return best;
}

describe('keyword layout', () => {
  it('finds the word folders under a top folder, the noise, the split lists, and skips what is not a clip by name', () => {
    const paths = [
      'sc/yes/a_nohash_0.wav',
      'sc/no/b_nohash_1.wav',
      'sc/_unknown_/c_nohash_0.wav',
      'sc/_background_noise_/pink.wav',
      'sc/validation_list.txt',
      'sc/testing_list.txt',
      'sc/README.md',
      'sc/yes/notes.txt',
      'sc/.DS_Store',
      'sc/../evil.wav',
    ];
    const layout = layoutKeywordFolder(paths.map((path) => ({ path, size: 10 })));
    expect(layout.words).toEqual(['_unknown_', 'no', 'yes']);
    expect(layout.clips.map((c) => [c.path, c.word, c.speaker])).toEqual([
      ['yes/a_nohash_0.wav', 'yes', 'a'],
      ['no/b_nohash_1.wav', 'no', 'b'],
      ['_unknown_/c_nohash_0.wav', '_unknown_', 'c'],
    ]);
    expect([layout.noise, layout.validationList, layout.testingList]).toEqual([[3], 4, 5]);
    expect(layout.skipped).toEqual(['"sc/yes/notes.txt" is not a WAV file (by its name); skipped.', '"sc/../evil.wav" has an unsafe or absolute path; skipped.']);
    expect(layout.ignoredCount).toBe(2);
  });

  it('refuses more than 100 classes', () => {
    const files = Array.from({ length: 101 }, (_, k) => ({ path: `w${k}/a_nohash_0.wav`, size: 10 }));
    expect(() => layoutKeywordFolder(files)).toThrow(/101 word folders; a keyword data set has 2 to 100 classes/);
  });

  it('splits by speaker, so that no held-out speaker is heard in training; by clip for one speaker', () => {
    const clips = Array.from({ length: 200 }, (_, k) => ({ path: `w${k % 4}/s${k % 20}_nohash_${k}.wav`, word: `w${k % 4}`, speaker: `s${k % 20}` }));
    const splits = splitKeywordClips(clips, null);
    const speakersOf = (split: string) => new Set(clips.filter((_, k) => splits[k] === split).map((c) => c.speaker));
    expect([speakersOf('validation').size, speakersOf('test').size, speakersOf('train').size]).toEqual([2, 2, 16]);
    for (const speaker of speakersOf('test')) expect(speakersOf('train').has(speaker)).toBe(false);
    expect(splitKeywordClips(clips, null)).toEqual(splits);
    const mine = clips.map((c) => ({ ...c, speaker: 'you' }));
    const byClip = splitKeywordClips(mine, null);
    expect(byClip.filter((s) => s === 'validation').length).toBe(40);
    expect(byClip.includes('test')).toBe(false);
  });
});

describe('keyword data sets', () => {
  it('loads a Speech Commands zip: lists honoured, _silence_ from the noise, augmented training copies, features per word', async () => {
    const folder = toneFolder(['yes', 'no', '_unknown_'], 6, 'speech_commands/');
    const encoder = new TextEncoder();
    folder['speech_commands/validation_list.txt'] = encoder.encode('yes/speaker4_nohash_0.wav\nno/speaker4_nohash_0.wav\n_unknown_/speaker4_nohash_0.wav\n');
    folder['speech_commands/testing_list.txt'] = encoder.encode('yes/speaker5_nohash_0.wav\nno/speaker5_nohash_0.wav\n_unknown_/speaker5_nohash_0.wav\n');
    const progress: [number, number][] = [];
    const dataset = await loadKeywordDataset({ kind: 'zip', name: 'sc.zip', bytes: zipSync(folder) }, { onProgress: (done, total) => progress.push([done, total]) });
    const { keywords: report } = dataset;
    expect(dataset.classNames).toEqual(['_silence_', '_unknown_', 'no', 'yes']);
    expect(report.counts).toEqual([[4, 1, 1], [4, 1, 1], [4, 1, 1], [4, 1, 1]]);
    expect(dataset.train.count).toBe(16 * (1 + AUGMENT.copies));
    expect([dataset.validation.count, dataset.test!.count, dataset.train.rows, dataset.train.cols]).toEqual([4, 4, MEL_BANDS, FEATURE_FRAMES]);
    expect(report.backgroundSeconds).toBe(3);
    expect(report.skipped).toEqual([]);
    expect(progress.length).toBe(1 + 2 + 18);
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]);
    // Row 0 is the highest band: the 400 Hz "yes" is loudest in a lower row than the 1,200 Hz "no".
    const bandOf = (set: typeof dataset.validation, word: string) => loudestBand(set.pixels.subarray(set.labels.indexOf(dataset.classNames.indexOf(word)) * 784).subarray(0, 784));
    expect(bandOf(dataset.validation, 'yes')).toBeGreaterThan(bandOf(dataset.validation, 'no'));
    expect(report.sampleCounts).toEqual([4, 4, 4, 4]);
    expect(report.samples.length).toBe(16 * 784);
  });

  it('is the same from a folder\'s files as from the zip, and the same on every load', async () => {
    const folder = toneFolder(['yes', 'no'], 6);
    const a = await loadKeywordDataset({ kind: 'files', name: 'picked', files: asFiles(folder) });
    const b = await loadKeywordDataset({ kind: 'zip', name: 'picked', bytes: zipSync(folder) });
    expect(a).toEqual(b);
    // Six speakers without lists: one for validation, one for test.
    expect(a.keywords.counts).toEqual([[4, 1, 1], [4, 1, 1], [4, 1, 1]]);
  });

  it('converts 8-bit, 24-bit, float, stereo and 44.1 kHz clips, and skips non-WAV and truncated files by name', async () => {
    const folder = toneFolder(['yes', 'no'], 5);
    folder['yes/u8_nohash_0.wav'] = wavFile(toneWord('yes', 7), 16000, 'u8');
    folder['yes/s24_nohash_0.wav'] = wavFile(toneWord('yes', 8), 16000, 's24');
    folder['no/f32_nohash_0.wav'] = wavFile(toneWord('no', 7), 16000, 'f32', 2);
    folder['no/cd_nohash_0.wav'] = wavFile(toneWord('no', 8, 44100), 44100);
    folder['no/fake_nohash_0.wav'] = new TextEncoder().encode('not a wav at all');
    folder['yes/cut_nohash_0.wav'] = wavFile(toneWord('yes', 9), 16000).subarray(0, 1000);
    const dataset = await loadKeywordDataset({ kind: 'files', name: 'mixed', files: asFiles(folder) });
    const counts = dataset.keywords.counts.map(([train, validation, test]) => train + validation + test);
    // _silence_ first (as many per split as the mean word), then no and yes: five clips each, two more converted.
    expect(counts.slice(1)).toEqual([7, 7]);
    expect(dataset.keywords.skipped.length).toBe(2);
    expect(dataset.keywords.skipped[0]).toMatch(/^"no\/fake_nohash_0\.wav" could not be read as a WAV file/);
    expect(dataset.keywords.skipped[1]).toMatch(/^"yes\/cut_nohash_0\.wav" could not be read as a WAV file/);
    expect(dataset.keywords.warnings).toContain('1 file(s) at 44100 Hz were resampled to 16000 Hz.');
    expect(dataset.keywords.warnings).toContain('3 file(s) not 16-bit mono PCM were converted (channels averaged).');
  });

  it('refuses one class, nothing readable and too much memory, with messages', async () => {
    const one = toneFolder(['yes'], 4);
    delete one['_background_noise_/white.wav'];
    await expect(loadKeywordDataset({ kind: 'files', name: 'one', files: asFiles(one) })).rejects.toThrow(/only one class \("yes"\)/);
    const junk = { 'yes/a.wav': new Uint8Array([1, 2, 3]), 'no/b.wav': new Uint8Array([4, 5]) };
    await expect(loadKeywordDataset({ kind: 'files', name: 'junk', files: asFiles(junk) })).rejects.toThrow(/no word folder with readable clips.*"yes\/a\.wav"/);
    expect(() => checkKeywordMemory(900 * 2 ** 20, 100_000)).toThrow(ImageFolderError);
    expect(() => checkKeywordMemory(900 * 2 ** 20, 100_000)).toThrow(/100000 clips would need about \d+ MiB of memory, over the 1024 MiB limit/);
    expect(() => checkKeywordMemory(10 * 2 ** 20, 1000)).not.toThrow();
  });

  it('stops between files when cancelled', async () => {
    let reads = 0;
    const files = asFiles(toneFolder(['yes', 'no'], 4)).map((f) => ({ ...f, read: async () => (reads++, f.read()) }));
    await expect(loadKeywordDataset({ kind: 'files', name: 'x', files }, { cancelled: () => reads >= 3 })).rejects.toThrow(/cancelled/);
    expect(reads).toBe(3);
  });

  it('builds a data set from recorded clips: split by clip, _silence_ from the room noise, a warning without _unknown_', () => {
    const clips: KeywordClip[] = ['yes', 'no'].flatMap((word) =>
      Array.from({ length: 10 }, (_, k) => ({ word, path: `${word}/${k}`, speaker: 'you', pcm: Int16Array.from(toneWord(word, k), (s) => Math.round(s * 32767)) })),
    );
    const room = Int16Array.from(noiseSamples(32000), (s) => Math.round(s * 32767));
    const dataset = keywordDatasetFromClips(clips, [room], 'recorded');
    expect(dataset.classNames).toEqual(['_silence_', 'no', 'yes']);
    expect(dataset.keywords.counts).toEqual([[8, 2, 0], [8, 2, 0], [8, 2, 0]]);
    expect(dataset.test).toBeNull();
    expect(dataset.keywords.warnings[0]).toMatch(/no _unknown_ class/);
    // Each validation example keeps its sound, in order: the page plays a mistake from it.
    expect(dataset.validationAudio).toHaveLength(dataset.validation.count);
    dataset.validationAudio!.forEach((pcm, i) => expect(clipFeatures(pcm)).toEqual(dataset.validation.pixels.subarray(i * 784, (i + 1) * 784)));
    expect(() => keywordDatasetFromClips(clips.filter((c) => c.word === 'yes'), [], 'one')).toThrow(/only one class/);
  });

  it('augments by a bounded time shift and gain (and noise where there is any)', () => {
    const pcm = Int16Array.from(toneWord('no', 1), (s) => Math.round(s * 20000));
    const rng = createRng(5);
    for (let trial = 0; trial < 5; trial++) {
      const out = augmentClip(pcm, [], rng);
      expect(out.length).toBe(CLIP_SAMPLES);
      const first = (x: Int16Array) => x.findIndex((s) => s !== 0);
      const shift = first(out) - first(pcm);
      expect(Math.abs(shift)).toBeLessThanOrEqual(AUGMENT.shiftSamples + 1);
      const peak = (x: Int16Array) => x.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
      const gainDb = 20 * Math.log10(peak(out) / peak(pcm));
      expect(Math.abs(gainDb)).toBeLessThanOrEqual(AUGMENT.gainDb + 0.1);
    }
    const noisy = augmentClip(new Int16Array(CLIP_SAMPLES), [Int16Array.from(noiseSamples(20000), (s) => Math.round(s * 32767))], createRng(1));
    expect(noisy.length).toBe(CLIP_SAMPLES);
  });
});
