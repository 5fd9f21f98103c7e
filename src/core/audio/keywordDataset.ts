/**
 * A keyword data set, loaded end to end: a zip or a folder's files in the Speech Commands layout (keywordLayout.ts),
 * or clips recorded in the page -> each WAV parsed (wav.ts: any PCM width, float, any channels), resampled to
 * 16 kHz and cut to its loudest second (resample.ts) -> 28×28 log-mel features (frontEnd.ts `clipFeatures`, the
 * integer front end every path shares) -> the SplitDataset the trainer takes, whose "images" are the features
 * (row = mel band, column = frame), and the report the page shows.
 *
 * Augmentation happens here, once, on the waveform, because noise and gain do not commute with the log-mel map:
 * each training clip gets AUGMENT.copies extra examples, each shifted in time (±AUGMENT.shiftSamples, zero fill),
 * scaled by a gain (±AUGMENT.gainDb) and, where there is background noise, mixed with a random stretch of it at an
 * SNR drawn from AUGMENT.snrDb. Validation and test features are of the clips as they are. `_silence_` examples are
 * random 1 s stretches of the background noise at random levels, as many per split as the mean word has.
 * All draws come from one seeded RNG, in path order, so a load is the same on every machine.
 *
 * Not here: the integer front end itself (frontEnd.ts), decoding per format (wav.ts).
 */
import type { ImageSet, SplitDataset } from '../data/dataset';
import { ImageFolderError, MAX_CLASSES, MEMORY_LIMIT_BYTES, MIN_CLASSES, SPLIT_SEED } from '../data/imageFolder';
import { SAMPLES_PER_CLASS, type ImageFolderInput } from '../data/ownDataset';
import { createRng, type Rng } from '../data/rng';
import { decodeUtf8Strict } from '../data/utf8';
import { checkTotalSize, entryProblem, formatMiB, listZip, readZipEntry } from '../data/zipReader';
import { CLIP_SAMPLES, FEATURE_FRAMES, MEL_BANDS, SAMPLE_RATE, clipFeatures } from './frontEnd';
import {
  HELD_OUT_FRACTION,
  SILENCE_CLASS,
  TESTING_LIST,
  UNKNOWN_CLASS,
  VALIDATION_LIST,
  classOrder,
  layoutKeywordFolder,
  parseSplitList,
  splitKeywordClips,
  type KeywordFile,
  type KeywordSplit,
} from './keywordLayout';
import { loudestSecond, resample, toPcm16 } from './resample';
import { parseWav } from './wav';

/** One spoken clip: 1 s of 16 kHz mono PCM and where it came from. */
export interface KeywordClip {
  word: string;
  /** CLIP_SAMPLES samples. */
  pcm: Int16Array;
  path: string;
  speaker: string;
}

export interface KeywordDataReport {
  /** The folder's, archive's or recording set's name. */
  name: string;
  classNames: string[];
  /** Per class: [train, validation, test] clips (training clips before their augmented copies). */
  counts: [number, number, number][];
  skipped: string[];
  warnings: string[];
  /** Seconds of background noise (for `_silence_` and augmentation). */
  backgroundSeconds: number;
  /** Augmented copies made of each training clip. */
  augmentedCopies: number;
  /** Up to SAMPLES_PER_CLASS training features per class, class after class: (n, MEL_BANDS, FEATURE_FRAMES). */
  samples: Uint8Array;
  /** How many of `samples` belong to each class. */
  sampleCounts: number[];
}

export type KeywordDataset = SplitDataset & { keywords: KeywordDataReport };

export interface KeywordLoadOptions {
  /** Called after each file: bytes done, and in all. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Checked between files: true stops the load with an ImageFolderError. */
  cancelled?: () => boolean;
  seed?: number;
}

/** The waveform augmentation of training clips (see the file header). */
export const AUGMENT = {
  copies: 2,
  /** ±100 ms. */
  shiftSamples: 1600,
  gainDb: 6,
  snrDb: [0, 20] as const,
  /** Share of the copies mixed with noise (where there is any). */
  noiseShare: 0.8,
} as const;

const FEATURE_BYTES = MEL_BANDS * FEATURE_FRAMES;
/** Bytes per example in memory: the uint8 features and the float32 tensor training builds from them. */
const BYTES_PER_EXAMPLE = FEATURE_BYTES * 5;

/**
 * Whether a load fits MEMORY_LIMIT_BYTES, throwing when not: the source bytes held at once (the archive, or the
 * largest file of a folder, read one at a time) + each clip's features and its copies, as uint8 and float32 + the
 * validation clips' PCM kept for playing mistakes (a split list may hold out more than the seeded split's share:
 * counted at twice that share).
 */
export function checkKeywordMemory(heldBytes: number, clipCount: number): void {
  const validationAudioBytes = Math.ceil(clipCount * 2 * HELD_OUT_FRACTION) * CLIP_SAMPLES * 2;
  const estimate = heldBytes + clipCount * (2 + AUGMENT.copies) * BYTES_PER_EXAMPLE + CLIP_SAMPLES * 2 * 8 + validationAudioBytes;
  if (estimate > MEMORY_LIMIT_BYTES) {
    throw new ImageFolderError(
      `Loading these ${clipCount} clips would need about ${formatMiB(estimate)} of memory, over the ${formatMiB(MEMORY_LIMIT_BYTES)} limit; use fewer clips.`,
    );
  }
}

function rms(pcm: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}

/** A random CLIP_SAMPLES stretch of one of the noises (zero-padded where a noise is shorter). */
function noiseStretch(noises: readonly Int16Array[], rng: Rng): Int16Array {
  const noise = noises[rng.int(noises.length)]!;
  const start = rng.int(Math.max(1, noise.length - CLIP_SAMPLES + 1));
  const out = new Int16Array(CLIP_SAMPLES);
  out.set(noise.subarray(start, start + CLIP_SAMPLES));
  return out;
}

/** One augmented copy of a clip: time shift, gain, and (mostly) noise at a random SNR. */
export function augmentClip(pcm: Int16Array, noises: readonly Int16Array[], rng: Rng): Int16Array {
  const shift = rng.int(2 * AUGMENT.shiftSamples + 1) - AUGMENT.shiftSamples;
  const gain = 10 ** (((rng.next() * 2 - 1) * AUGMENT.gainDb) / 20);
  const mix = noises.length > 0 && rng.next() < AUGMENT.noiseShare;
  const noise = mix ? noiseStretch(noises, rng) : null;
  const snr = AUGMENT.snrDb[0] + rng.next() * (AUGMENT.snrDb[1] - AUGMENT.snrDb[0]);
  const noiseGain = noise ? (rms(pcm) / Math.max(1, rms(noise))) * 10 ** (-snr / 20) : 0;
  const out = new Int16Array(CLIP_SAMPLES);
  for (let i = 0; i < CLIP_SAMPLES; i++) {
    const source = i - shift;
    const speech = source >= 0 && source < pcm.length ? pcm[source]! : 0;
    const value = (speech + (noise ? noise[i]! * noiseGain : 0)) * gain;
    out[i] = Math.max(-32768, Math.min(32767, Math.round(value)));
  }
  return out;
}

/** A `_silence_` example: a stretch of noise at a level drawn (squared uniform) between silence and full. */
function silenceClip(noises: readonly Int16Array[], rng: Rng): Int16Array {
  const stretch = noiseStretch(noises, rng);
  const level = rng.next() ** 2;
  for (let i = 0; i < stretch.length; i++) stretch[i] = Math.round(stretch[i]! * level);
  return stretch;
}

/** Collects the features of each split as clips arrive; `finish` builds the data set. */
class FeatureCollector {
  private readonly features: Record<KeywordSplit, Uint8Array[]> = { train: [], validation: [], test: [] };
  private readonly labels: Record<KeywordSplit, number[]> = { train: [], validation: [], test: [] };
  private readonly validationAudio: Int16Array[] = [];
  readonly counts: [number, number, number][];

  constructor(
    readonly classNames: string[],
    private readonly noises: readonly Int16Array[],
    private readonly rng: Rng,
  ) {
    this.counts = classNames.map(() => [0, 0, 0]);
  }

  add(pcm: Int16Array, classIndex: number, split: KeywordSplit): void {
    this.features[split].push(clipFeatures(pcm));
    this.labels[split].push(classIndex);
    this.counts[classIndex]![split === 'train' ? 0 : split === 'validation' ? 1 : 2]++;
    if (split === 'validation') this.validationAudio.push(pcm);
    if (split !== 'train') return;
    for (let k = 0; k < AUGMENT.copies; k++) {
      this.features.train.push(clipFeatures(augmentClip(pcm, this.noises, this.rng)));
      this.labels.train.push(classIndex);
    }
  }

  /** As many `_silence_` examples per split as the mean word class has there. */
  addSilence(): void {
    const silence = this.classNames.indexOf(SILENCE_CLASS);
    if (silence < 0 || this.noises.length === 0) return;
    const words = this.counts.filter((_, c) => c !== silence);
    (['train', 'validation', 'test'] as const).forEach((split, s) => {
      const mean = words.reduce((sum, count) => sum + count[s]!, 0) / Math.max(1, words.length);
      const wanted = Math.round(mean) - this.counts[silence]![s]!;
      for (let k = 0; k < wanted; k++) this.add(silenceClip(this.noises, this.rng), silence, split);
    });
  }

  finish(name: string, skipped: string[], warnings: string[], backgroundSeconds: number): KeywordDataset {
    const set = (split: KeywordSplit): ImageSet => {
      const list = this.features[split];
      const pixels = new Uint8Array(list.length * FEATURE_BYTES);
      list.forEach((features, i) => pixels.set(features, i * FEATURE_BYTES));
      return { count: list.length, rows: MEL_BANDS, cols: FEATURE_FRAMES, pixels, labels: Uint8Array.from(this.labels[split]) };
    };
    const present = this.classNames.filter((_, c) => this.counts[c]![0] > 0);
    if (present.length < MIN_CLASSES) {
      const found = present.length === 0 ? 'no word folder with readable clips' : `only one class ("${present[0]}")`;
      throw new ImageFolderError(
        `Found ${found}; a keyword data set needs ${MIN_CLASSES} to ${MAX_CLASSES} classes with training clips.` +
          (skipped.length > 0 ? ` ${skipped.length} file(s) were skipped: ${skipped.slice(0, 3).join(' ')}` : ''),
      );
    }
    this.classNames.forEach((word, c) => {
      if (this.counts[c]![0] === 0) warnings.push(`Class "${word}" has no training clip.`);
    });
    const validation = set('validation');
    if (validation.count === 0) throw new ImageFolderError('No clip is left for validation: give each word at least two clips.');
    const train = set('train');
    const test = set('test');
    const sampleCounts = this.classNames.map(() => 0);
    const samples: Uint8Array[] = [];
    const stride = 1 + AUGMENT.copies;
    this.classNames.forEach((_, c) => {
      for (let i = 0; i < train.count && sampleCounts[c]! < SAMPLES_PER_CLASS; i += stride) {
        if (train.labels[i] !== c) continue;
        samples.push(this.features.train[i]!);
        sampleCounts[c]!++;
      }
    });
    const sampleBytes = new Uint8Array(samples.length * FEATURE_BYTES);
    samples.forEach((sample, i) => sampleBytes.set(sample, i * FEATURE_BYTES));
    return {
      train,
      validation,
      test: test.count > 0 ? test : null,
      classNames: this.classNames,
      validationAudio: this.validationAudio,
      keywords: {
        name,
        classNames: this.classNames,
        counts: this.counts,
        skipped,
        warnings,
        backgroundSeconds,
        augmentedCopies: AUGMENT.copies,
        samples: sampleBytes,
        sampleCounts,
      },
    };
  }
}

/** What decoding a WAV file had to change, for one summary warning per kind. */
interface Conversions {
  resampled: Map<number, number>;
  converted: number;
}

/** A WAV file's samples as 16 kHz mono PCM (whole length); WavError for a file that is not a readable WAV. */
function decodeWav(bytes: Uint8Array, name: string, conversions: Conversions): Int16Array {
  const wav = parseWav(bytes, name);
  if (wav.sampleRate !== SAMPLE_RATE) conversions.resampled.set(wav.sampleRate, (conversions.resampled.get(wav.sampleRate) ?? 0) + 1);
  if (wav.channels !== 1 || wav.bitsPerSample !== 16 || wav.encoding !== 'pcm') conversions.converted++;
  return toPcm16(wav.sampleRate === SAMPLE_RATE ? wav.mono : resample(wav.mono, wav.sampleRate, SAMPLE_RATE));
}

function conversionWarnings(conversions: Conversions): string[] {
  const warnings = [...conversions.resampled].map(([rate, count]) => `${count} file(s) at ${rate} Hz were resampled to ${SAMPLE_RATE} Hz.`);
  if (conversions.converted > 0) warnings.push(`${conversions.converted} file(s) not 16-bit mono PCM were converted (channels averaged).`);
  return warnings;
}

type FileReader = () => Promise<Uint8Array | string>;

/**
 * The input's files with a reader each (a string from the reader is a skip message naming the file), and the
 * source bytes held at once. A zip whose entries expand beyond the archive limits is refused (ZipError).
 */
function filesOf(input: ImageFolderInput): { files: KeywordFile[]; readers: FileReader[]; heldBytes: number } {
  if (input.kind === 'files') {
    return {
      files: input.files.map((f) => ({ path: f.path, size: f.size })),
      readers: input.files.map((f) => () => f.read()),
      heldBytes: input.files.reduce((largest, f) => Math.max(largest, f.size), 0),
    };
  }
  const entries = listZip(input.bytes).filter((entry) => !entry.isDirectory);
  checkTotalSize(entries);
  return {
    files: entries.map((entry) => ({ path: entry.path, size: entry.size })),
    readers: entries.map((entry) => async () => entryProblem(entry) ?? readZipEntry(input.bytes, entry)),
    heldBytes: input.bytes.length,
  };
}

/** Loads a keyword data set from a zip or a folder's files; throws ImageFolderError or ZipError when refused as a whole. */
export async function loadKeywordDataset(input: ImageFolderInput, options: KeywordLoadOptions = {}): Promise<KeywordDataset> {
  const { files, readers, heldBytes } = filesOf(input);
  const layout = layoutKeywordFolder(files);
  checkKeywordMemory(heldBytes, layout.clips.length);
  const skipped = [...layout.skipped];
  const conversions: Conversions = { resampled: new Map(), converted: 0 };
  const lists = [layout.validationList, layout.testingList].filter((k): k is number => k !== null);
  const totalBytes = [...layout.noise, ...lists, ...layout.clips.map((clip) => clip.file)].reduce((sum, k) => sum + files[k]!.size, 0);
  let doneBytes = 0;
  const read = async (k: number): Promise<Uint8Array | null> => {
    if (options.cancelled?.()) throw new ImageFolderError('Loading was cancelled; the data set and model you had are unchanged.');
    const bytes = await readers[k]!();
    doneBytes += files[k]!.size;
    options.onProgress?.(doneBytes, totalBytes);
    if (typeof bytes === 'string') skipped.push(bytes);
    return typeof bytes === 'string' ? null : bytes;
  };
  const decode = (bytes: Uint8Array, path: string): Int16Array | null => {
    try {
      return decodeWav(bytes, path, conversions);
    } catch (error) {
      skipped.push(`"${path}" could not be read as a WAV file (${error instanceof Error ? error.message : String(error)}); skipped.`);
      return null;
    }
  };
  const noises: Int16Array[] = [];
  for (const k of layout.noise) {
    const bytes = await read(k);
    const pcm = bytes && decode(bytes, files[k]!.path);
    if (pcm && pcm.length > 0) noises.push(pcm);
  }
  const listed = async (k: number | null) => (k === null ? null : await read(k));
  const validationList = await listed(layout.validationList);
  const testingList = await listed(layout.testingList);
  const listText = (bytes: Uint8Array | null, name: string): string => {
    if (bytes === null) return '';
    const text = decodeUtf8Strict(bytes);
    if (text === null) throw new ImageFolderError(`"${name}" is not UTF-8 text; it should list one clip path per line.`);
    return text;
  };
  const splitLists =
    validationList || testingList
      ? { validation: parseSplitList(listText(validationList, VALIDATION_LIST)), test: parseSplitList(listText(testingList, TESTING_LIST)) }
      : null;
  const clips = [...layout.clips].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const splits = splitKeywordClips(clips, splitLists, options.seed ?? SPLIT_SEED);
  const classNames = classOrder(layout.words, noises.length > 0);
  const collector = new FeatureCollector(classNames, noises, createRng(options.seed ?? SPLIT_SEED));
  for (let k = 0; k < clips.length; k++) {
    const clip = clips[k]!;
    const bytes = await read(clip.file);
    const pcm = bytes && decode(bytes, files[clip.file]!.path);
    if (pcm) collector.add(loudestSecond(pcm), classNames.indexOf(clip.word), splits[k]!);
  }
  collector.addSilence();
  const warnings = conversionWarnings(conversions);
  if (layout.ignoredCount > 0) warnings.push(`${layout.ignoredCount} hidden, system or document file(s) were ignored.`);
  return collector.finish(input.name, skipped, warnings, noises.reduce((sum, n) => sum + n.length, 0) / SAMPLE_RATE);
}

/**
 * A data set from clips already in memory (recorded in the page): the clips' words are the classes (with
 * `_silence_` where there is background noise), split by speaker or by clip as keywordLayout.ts says.
 */
export function keywordDatasetFromClips(clips: readonly KeywordClip[], background: readonly Int16Array[], name: string, seed = SPLIT_SEED): KeywordDataset {
  checkKeywordMemory(clips.length * CLIP_SAMPLES * 2, clips.length);
  const noises = background.filter((noise) => noise.length > 0);
  const classNames = classOrder(
    clips.map((clip) => clip.word),
    noises.length > 0,
  );
  if (classNames.length > MAX_CLASSES) throw new ImageFolderError(`The recordings have ${classNames.length} words; the limit is ${MAX_CLASSES}.`);
  const ordered = [...clips].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const splits = splitKeywordClips(ordered, null, seed);
  const collector = new FeatureCollector(classNames, noises, createRng(seed));
  const skipped: string[] = [];
  ordered.forEach((clip, k) => {
    if (clip.pcm.length === 0) skipped.push(`"${clip.path}" is empty; skipped.`);
    else collector.add(loudestSecond(clip.pcm), classNames.indexOf(clip.word), splits[k]!);
  });
  collector.addSilence();
  const warnings = classNames.includes(UNKNOWN_CLASS) || clips.length === 0 ? [] : [`There is no ${UNKNOWN_CLASS} class: every sound will be taken for one of the words.`];
  return collector.finish(name, skipped, warnings, noises.reduce((sum, n) => sum + n.length, 0) / SAMPLE_RATE);
}
