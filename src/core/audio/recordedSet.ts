/**
 * Keywords recorded in the page: named words of 1 s clips (16 kHz 16-bit mono) and recordings of room noise. The
 * set downloads as a zip in the layout of Google's Speech Commands (`<word>/recorded_nohash_<n>.wav`, room noise
 * under `_background_noise_/`), which the keywords input loads back (keywordDataset.ts). All clips are one speaker's
 * (`recorded`), so the loader splits them by clip, as it splits clips trained on in the page. Pure: the microphone
 * and IndexedDB are the page's.
 */
import { zipSync } from 'fflate';
import { CLIP_SAMPLES } from './frontEnd';
import { encodeWav16 } from './wav';

/** Clips a word needs before the set can train (the validation split takes some of them). */
export const MIN_CLIPS_PER_WORD = 10;
/** The Speech Commands names for "no word" and "some other word"; silence is made from the room noise. */
export const SILENCE = '_silence_';
export const UNKNOWN = '_unknown_';
export const BACKGROUND_FOLDER = '_background_noise_';
export const MAX_WORDS = 32;
export const MAX_WORD_LENGTH = 32;

export interface RecordedWord {
  name: string;
  /** 1 s clips, CLIP_SAMPLES each, in the order recorded. */
  clips: Int16Array[];
}

export interface RecordedSet {
  words: RecordedWord[];
  /** Recordings of the room (any length), for `_silence_` and noise augmentation. */
  background: Int16Array[];
}

export const EMPTY_RECORDED_SET: RecordedSet = { words: [], background: [] };

/** Why `name` cannot be added beside `existing`, or null when it can. */
export function wordNameProblem(name: string, existing: readonly RecordedWord[]): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Give the word a name.';
  if (trimmed === BACKGROUND_FOLDER) return `${BACKGROUND_FOLDER} is room noise, not a word: use "record room noise".`;
  if ([...trimmed].length > MAX_WORD_LENGTH) return `A word has at most ${MAX_WORD_LENGTH} characters.`;
  // eslint-disable-next-line no-control-regex
  if (/[/\\\u0000-\u001f\u007f]/.test(trimmed) || trimmed.startsWith('.')) return 'A word cannot hold / or \\, control characters, or start with a dot (it becomes a folder name).';
  if (existing.some((w) => w.name.toLowerCase() === trimmed.toLowerCase())) return `There is a word "${trimmed}" already (names are compared ignoring case).`;
  if (existing.length >= MAX_WORDS) return `At most ${MAX_WORDS} words.`;
  return null;
}

/** Why the set cannot train yet, or null when it can. `_silence_` needs room noise, not clips of its own. */
export function recordedReadinessProblem(set: RecordedSet): string | null {
  const words = set.words.filter((w) => w.name !== SILENCE || w.clips.length > 0);
  const classes = words.length + (set.background.length > 0 && !words.some((w) => w.name === SILENCE) ? 1 : 0);
  if (classes < 2) return 'Record at least two words (room noise counts as the word _silence_).';
  const short = words.filter((w) => w.clips.length < MIN_CLIPS_PER_WORD);
  if (short.length > 0) return `Each word needs ${MIN_CLIPS_PER_WORD} clips: ${short.map((w) => `"${w.name}" has ${w.clips.length}`).join(', ')}.`;
  return null;
}

/** A fixed timestamp, so the same clips give the same zip bytes. */
const ZIP_TIME = new Date(Date.UTC(2026, 0, 1));

/** The speaker of every recorded clip (the file name's part before `_nohash_`). */
export const RECORDED_SPEAKER = 'recorded';

/** The n-th clip's file name in its word's folder. */
export function clipFileName(clip: number): string {
  return `${RECORDED_SPEAKER}_nohash_${clip}.wav`;
}

/** The set as a Speech Commands zip: `<word>/recorded_nohash_<n>.wav` and `_background_noise_/room_<n>.wav`. */
export function recordedSetZip(set: RecordedSet): Uint8Array {
  const entries: Record<string, [Uint8Array, { mtime: Date; level: 0 | 6 }]> = {};
  for (const word of set.words) word.clips.forEach((pcm, c) => (entries[`${word.name}/${clipFileName(c)}`] = [encodeWav16(pcm), { mtime: ZIP_TIME, level: 6 }]));
  set.background.forEach((pcm, i) => (entries[`${BACKGROUND_FOLDER}/room_${i + 1}.wav`] = [encodeWav16(pcm), { mtime: ZIP_TIME, level: 6 }]));
  return zipSync(entries);
}

/** Whether a clip has the length of one Speech Commands clip. */
export function isWholeClip(pcm: Int16Array): boolean {
  return pcm.length === CLIP_SAMPLES;
}
