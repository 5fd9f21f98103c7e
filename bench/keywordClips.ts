/**
 * Keyword folders in Node for `bench:mcu` (the browser loads them in the worker): the data set as the page loads it
 * (core/audio/keywordDataset.ts), and the held-out clips' PCM itself, which the C detector takes where the network
 * takes features. The clips are decoded and cut exactly as the loader does (parseWav, resample to 16 kHz, toPcm16,
 * loudestSecond), so clipFeatures of a clip here is the feature image the loader made of it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { SAMPLE_RATE } from '../src/core/audio/frontEnd';
import { loadKeywordDataset, type KeywordDataset } from '../src/core/audio/keywordDataset';
import { classOrder, layoutKeywordFolder, NOISE_FOLDER, parseSplitList, splitKeywordClips, type KeywordSplit } from '../src/core/audio/keywordLayout';
import { loudestSecond, resample, toPcm16 } from '../src/core/audio/resample';
import { parseWav } from '../src/core/audio/wav';
import { SPLIT_SEED } from '../src/core/data/imageFolder';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A folder in the Speech Commands layout: a `_background_noise_` folder or a word folder of WAVs. */
export function isKeywordFolder(dir: string): boolean {
  const entries = readdirSync(dir);
  if (entries.includes(NOISE_FOLDER)) return true;
  return entries.some((name) => statSync(join(dir, name)).isDirectory() && readdirSync(join(dir, name)).some((file) => /\.wav$/i.test(file)));
}

const folderFiles = (dir: string) =>
  filesUnder(dir).map((path) => ({
    path: relative(dir, path).split('\\').join('/'),
    size: statSync(path).size,
    read: async () => new Uint8Array(readFileSync(path)),
  }));

export function loadKeywordFolder(dir: string): Promise<KeywordDataset> {
  return loadKeywordDataset({ kind: 'files', name: basename(dir), files: folderFiles(dir) });
}

export interface HeldOutClips {
  split: KeywordSplit;
  /** (count, 16000) PCM, the clips of the split in the loader's order (path order). */
  pcm: Int16Array;
  labels: Uint8Array;
  paths: string[];
  count: number;
}

/**
 * The word clips of the test split (validation where the folder holds no test clips), as 1 s of 16 kHz PCM each;
 * `_silence_` examples, which the loader cuts from the background noise at random, are not clips and not here.
 */
export function heldOutClips(dir: string, classNames: readonly string[]): HeldOutClips {
  const files = folderFiles(dir);
  const layout = layoutKeywordFolder(files);
  const text = (index: number | null): string => (index === null ? '' : readFileSync(join(dir, files[index]!.path), 'utf8'));
  const lists = layout.validationList !== null || layout.testingList !== null ? { validation: parseSplitList(text(layout.validationList)), test: parseSplitList(text(layout.testingList)) } : null;
  const clips = [...layout.clips].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const splits = splitKeywordClips(clips, lists, SPLIT_SEED);
  const split: KeywordSplit = splits.includes('test') ? 'test' : 'validation';
  if (classOrder(layout.words, layout.noise.length > 0).join() !== classNames.join()) throw new Error('the folder’s classes differ from the loaded data set’s');
  const chosen = clips.filter((_, k) => splits[k] === split);
  const pcm = new Int16Array(chosen.length * SAMPLE_RATE);
  const labels = new Uint8Array(chosen.length);
  chosen.forEach((clip, i) => {
    const file = files[clip.file]!;
    const wav = parseWav(new Uint8Array(readFileSync(join(dir, file.path))), file.path);
    const samples = toPcm16(wav.sampleRate === SAMPLE_RATE ? wav.mono : resample(wav.mono, wav.sampleRate, SAMPLE_RATE));
    pcm.set(loudestSecond(samples), i * SAMPLE_RATE);
    labels[i] = classNames.indexOf(clip.word);
  });
  return { split, pcm, labels, paths: chosen.map((clip) => clip.path), count: chosen.length };
}
