/**
 * The layout of a keyword data set, from paths alone: Google Speech Commands' (one folder per word of WAV clips,
 * `_background_noise_/` holding noise that is not a class, `validation_list.txt` and `testing_list.txt` naming the
 * held-out clips), anywhere under one common top folder. Classes: the word folders, plus `_silence_` (made from the
 * background noise where there is noise, and holding the clips of a `_silence_/` folder where there is one) and
 * `_unknown_` (where a folder of that name exists). Without the
 * two lists the clips are split by speaker (the file name's part before `_nohash_`) with a seeded permutation, so a
 * held-out speaker is never heard in training; with fewer than MIN_SPEAKERS speakers (one person's recordings) each
 * class is split by clip instead. Pure: the loader (keywordDataset.ts) reads and decodes between the steps.
 */
import { ImageFolderError, MAX_CLASSES, MAX_CLASS_NAME_LENGTH, MIN_CLASSES, SPLIT_SEED } from '../data/imageFolder';
import { createRng, permutation } from '../data/rng';

export const SILENCE_CLASS = '_silence_';
export const UNKNOWN_CLASS = '_unknown_';
export const NOISE_FOLDER = '_background_noise_';
export const VALIDATION_LIST = 'validation_list.txt';
export const TESTING_LIST = 'testing_list.txt';
/** Share of the speakers (or of each class's clips) held out for validation, and again for test. */
export const HELD_OUT_FRACTION = 0.1;
/** Fewer speakers than this are split by clip: holding out a whole speaker would leave nothing to train on. */
export const MIN_SPEAKERS = 5;

export type KeywordSplit = 'train' | 'validation' | 'test';

export interface KeywordFile {
  /** Path inside the folder or archive, '/'-separated. */
  path: string;
  size: number;
}

export interface KeywordCandidate {
  /** Index into the files given to layoutKeywordFolder. */
  file: number;
  /** The path below the data set's top folder (as the split lists name it). */
  path: string;
  word: string;
  speaker: string;
}

export interface KeywordLayout {
  /** Word folders in order (`_silence_` and `_unknown_` first where they exist; see classOrder). */
  words: string[];
  clips: KeywordCandidate[];
  /** Indices into the files of the background noise WAVs. */
  noise: number[];
  /** Indices into the files of validation_list.txt and testing_list.txt, where present. */
  validationList: number | null;
  testingList: number | null;
  skipped: string[];
  /** Hidden and system files, and documents beside the folders (README, LICENSE), left out without a message. */
  ignoredCount: number;
}

/** The speaker of a Speech Commands file name: the part before `_nohash_`, else the name without extension. */
export function speakerOfPath(path: string): string {
  const name = path.split('/').at(-1)!;
  const cut = name.indexOf('_nohash_');
  return cut > 0 ? name.slice(0, cut) : name.replace(/\.[^.]*$/, '');
}

function isWav(name: string): boolean {
  return name.toLowerCase().endsWith('.wav');
}

/** The common top folders every WAV's path starts with, which the Speech Commands archive may or may not have. */
function commonTop(paths: readonly string[][]): number {
  const folders = paths.filter((segments) => segments.length > 1 && isWav(segments.at(-1)!));
  if (folders.length === 0) return 0;
  let depth = 0;
  for (;;) {
    const first = folders[0]![depth];
    if (first === undefined || first === NOISE_FOLDER || !folders.every((segments) => segments.length > depth + 2 && segments[depth] === first)) return depth;
    depth++;
  }
}

/**
 * Classes, clips, noise and lists from the paths. Throws ImageFolderError for more than MAX_CLASSES classes; the
 * minimum is checked once the clips are read (keywordDataset.ts), after unreadable ones are gone.
 */
export function layoutKeywordFolder(files: readonly KeywordFile[]): KeywordLayout {
  const skipped: string[] = [];
  let ignoredCount = 0;
  const segmentsOf = files.map((file) => file.path.replace(/\\/g, '/').split('/'));
  const top = commonTop(segmentsOf.filter((segments) => !segments.some((s) => s.startsWith('.') || s === '__MACOSX')));
  const layout: KeywordLayout = { words: [], clips: [], noise: [], validationList: null, testingList: null, skipped, ignoredCount: 0 };
  const words = new Set<string>();
  files.forEach((file, index) => {
    const full = segmentsOf[index]!;
    if (file.path.endsWith('/')) return;
    if (file.path.startsWith('/') || /^[a-zA-Z]:/.test(file.path) || full.some((s) => s === '..' || s === '.' || s === '')) {
      skipped.push(`"${file.path}" has an unsafe or absolute path; skipped.`);
      return;
    }
    if (full.some((s) => s.startsWith('.') || s === '__MACOSX') || /^(thumbs\.db|desktop\.ini)$/i.test(full.at(-1)!)) {
      ignoredCount++;
      return;
    }
    const segments = full.slice(top);
    const path = segments.join('/');
    if (segments.length === 1) {
      if (path === VALIDATION_LIST) layout.validationList = index;
      else if (path === TESTING_LIST) layout.testingList = index;
      else if (isWav(path)) skipped.push(`"${file.path}" is not in a word folder; skipped.`);
      else ignoredCount++;
      return;
    }
    if (!isWav(path)) {
      skipped.push(`"${file.path}" is not a WAV file (by its name); skipped.`);
      return;
    }
    if (file.size === 0) {
      skipped.push(`"${file.path}" is empty; skipped.`);
      return;
    }
    const word = segments[0]!;
    if (word === NOISE_FOLDER) {
      layout.noise.push(index);
      return;
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(word) || [...word].length > MAX_CLASS_NAME_LENGTH) {
      skipped.push(`"${file.path}": the word folder's name has control characters or is over ${MAX_CLASS_NAME_LENGTH} characters; skipped.`);
      return;
    }
    words.add(word);
    layout.clips.push({ file: index, path, word, speaker: speakerOfPath(path) });
  });
  layout.words = classOrder(words, false);
  const classCount = classOrder(words, layout.noise.length > 0).length;
  if (classCount > MAX_CLASSES) {
    throw new ImageFolderError(`Found ${classCount} word folders; a keyword data set has ${MIN_CLASSES} to ${MAX_CLASSES} classes.`);
  }
  layout.ignoredCount = ignoredCount;
  return layout;
}

/** The classes in label order: `_silence_` (where there is noise or a folder), `_unknown_`, then the words sorted. */
export function classOrder(words: Iterable<string>, withNoise: boolean): string[] {
  const all = new Set(words);
  if (withNoise) all.add(SILENCE_CLASS);
  const special = [SILENCE_CLASS, UNKNOWN_CLASS].filter((w) => all.has(w));
  const rest = [...all].filter((w) => w !== SILENCE_CLASS && w !== UNKNOWN_CLASS).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...special, ...rest];
}

/** The paths a split list names (one per line, '/'-separated, as in Speech Commands). */
export function parseSplitList(text: string): Set<string> {
  return new Set(
    text
      .split(/\r?\n/)
      .map((line) => line.trim().replace(/\\/g, '/'))
      .filter((line) => line !== ''),
  );
}

/**
 * Each clip's split: by the lists where there are any; else by speaker (a seeded permutation of the speakers holds
 * out HELD_OUT_FRACTION, at least one, for validation and as many for test); with fewer than MIN_SPEAKERS speakers,
 * each word's clips are split by a seeded permutation (validation only: too few to hold out a test set too).
 */
export function splitKeywordClips(
  clips: readonly Pick<KeywordCandidate, 'path' | 'word' | 'speaker'>[],
  lists: { validation: Set<string>; test: Set<string> } | null,
  seed = SPLIT_SEED,
): KeywordSplit[] {
  if (lists !== null) return clips.map((clip) => (lists.test.has(clip.path) ? 'test' : lists.validation.has(clip.path) ? 'validation' : 'train'));
  const speakers = [...new Set(clips.map((clip) => clip.speaker))].sort();
  const rng = createRng(seed);
  if (speakers.length >= MIN_SPEAKERS) {
    const held = Math.max(1, Math.round(speakers.length * HELD_OUT_FRACTION));
    const order = permutation(speakers.length, rng);
    const splitOf = new Map<string, KeywordSplit>(speakers.map((speaker) => [speaker, 'train']));
    for (let k = 0; k < held; k++) splitOf.set(speakers[order[k]!]!, 'validation');
    for (let k = held; k < 2 * held; k++) splitOf.set(speakers[order[k]!]!, 'test');
    return clips.map((clip) => splitOf.get(clip.speaker)!);
  }
  const splits = new Array<KeywordSplit>(clips.length).fill('train');
  const words = [...new Set(clips.map((clip) => clip.word))];
  for (const word of words) {
    const members = clips.flatMap((clip, k) => (clip.word === word ? [k] : []));
    const held = members.length < 2 ? 0 : Math.max(1, Math.round(members.length * 2 * HELD_OUT_FRACTION));
    const order = permutation(members.length, rng);
    for (let k = 0; k < held; k++) splits[members[order[k]!]!] = 'validation';
  }
  return splits;
}
