/**
 * In-memory image classification datasets (N images of rows×cols uint8 pixels, labels 0..classes−1, and the
 * class names), built from IDX files (MNIST and Fashion-MNIST: ten classes) or from an image folder
 * (imageFolder.ts, 2 to 100 classes), and the deterministic train/validation split.
 */
import { IdxError, parseIdx } from './idx';
import { createRng, permutation } from './rng';
import type { OwnDataReport } from './ownDataset';
import type { KeywordDataReport } from '../audio/keywordDataset';
import type { MapShape } from '../model/layers';

/**
 * 'own': images the user loaded from a folder or zip, or drew in collect mode; 'keywords': spoken words (a Speech
 * Commands zip or folder, or clips recorded in the page) as 28×28 log-mel features (core/audio). The data of both
 * stay in the page.
 */
export type DatasetId = 'mnist-10k' | 'mnist' | 'fashion-mnist' | 'own' | 'keywords';

export const DATASET_LABELS: Record<DatasetId, string> = {
  'mnist-10k': 'MNIST 10k subset, offline',
  mnist: 'MNIST (60k train / 10k test)',
  'fashion-mnist': 'Fashion-MNIST (60k train / 10k test)',
  own: 'Your own images',
  keywords: 'Keywords (your recordings or a Speech Commands zip)',
};

export const DATASET_IDS = Object.keys(DATASET_LABELS) as DatasetId[];

/** Classes of the IDX data sets: their labels are 0..9. */
export const IDX_CLASS_COUNT = 10;
export const DIGIT_CLASS_NAMES: readonly string[] = Array.from({ length: IDX_CLASS_COUNT }, (_, digit) => String(digit));
export const FASHION_CLASS_NAMES: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Whether the data set is the user's (images or keywords): its classes are its own, and a link cannot carry it. */
export function isUserDataset(id: DatasetId): id is 'own' | 'keywords' {
  return id === 'own' || id === 'keywords';
}

/** The class names of a built-in data set (own data sets carry theirs). */
export function builtInClassNames(id: DatasetId): readonly string[] {
  return id === 'fashion-mnist' ? FASHION_CLASS_NAMES : DIGIT_CLASS_NAMES;
}

export interface ImageSet {
  count: number;
  rows: number;
  cols: number;
  /** Values per pixel: 3 for an RGB image folder, else 1 (absent: 1, as MNIST and keyword sets). */
  channels?: number;
  /** (count, rows, cols, channels) row-major, channel fastest, 0 = background. */
  pixels: Uint8Array;
  /** count labels in [0, classes). */
  labels: Uint8Array;
}

export interface SplitDataset {
  train: ImageSet;
  validation: ImageSet;
  /** The separate test set where the dataset has one (full MNIST), else null. */
  test: ImageSet | null;
  /** One name per class, in label order: its length is the model's number of outputs. */
  classNames: readonly string[];
  /** For an image-folder data set: what was loaded and how (ownDataset.ts); absent for the IDX ones. */
  report?: OwnDataReport;
  /**
   * For a keyword data set: each validation example's 1 s of 16 kHz PCM, in the order of `validation`, so that the
   * page can play what the model got wrong (the features alone cannot be turned back into sound).
   */
  validationAudio?: readonly Int16Array[];
  /**
   * For a keyword data set (core/audio/keywordDataset.ts): what was loaded; its images are log-mel features of the
   * front end core/audio/frontEnd.ts FRONT_END. Absent for the others.
   */
  keywords?: KeywordDataReport;
}

/** The four standard file names of an MNIST-style dataset, in the order the loaders take them. */
export function imageSetFromIdx(imageBytes: Uint8Array, labelBytes: Uint8Array, name: string): ImageSet {
  const images = parseIdx(imageBytes, `${name} images`);
  const labels = parseIdx(labelBytes, `${name} labels`);
  if (images.dims.length !== 3) {
    throw new IdxError(`${name} images: expected 3 dimensions (count×rows×cols), found ${images.dims.length}.`);
  }
  if (labels.dims.length !== 1) {
    throw new IdxError(`${name} labels: expected 1 dimension, found ${labels.dims.length}.`);
  }
  const [count, rows, cols] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new IdxError(`${name}: ${count} images but ${labels.dims[0]} labels; the files do not belong together.`);
  }
  if (count === 0) throw new IdxError(`${name}: the files hold no images.`);
  for (let i = 0; i < count; i++) {
    if (labels.data[i]! >= IDX_CLASS_COUNT) {
      throw new IdxError(`${name} labels: label ${labels.data[i]} at index ${i} is out of range 0..9.`);
    }
  }
  return { count, rows, cols, pixels: images.data, labels: labels.data };
}

/** Copies the listed examples into a new ImageSet (indices into `set`). */
function selectExamples(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = imageValues(set);
  const pixels = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const source = indices[i]!;
    pixels.set(set.pixels.subarray(source * size, (source + 1) * size), i * size);
    labels[i] = set.labels[source]!;
  }
  return { count: indices.length, rows: set.rows, cols: set.cols, channels: channelsOfSet(set), pixels, labels };
}

/**
 * Up to `count` indices into `labels`, spread over the classes: round after round, each label in ascending order
 * gives its next image (in the set's order), so a set ordered by class (own images) still shows every class.
 * Deterministic; a class with fewer images drops out of the later rounds.
 */
export function spreadOverClasses(labels: ArrayLike<number>, count: number): number[] {
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byLabel.get(labels[i]!);
    if (list) list.push(i);
    else byLabel.set(labels[i]!, [i]);
  }
  const lists = [...byLabel.entries()].sort(([a], [b]) => a - b).map(([, list]) => list);
  const picked: number[] = [];
  for (let round = 0; picked.length < Math.min(count, labels.length); round++) {
    for (const list of lists) {
      if (round < list.length && picked.length < count) picked.push(list[round]!);
    }
  }
  return picked;
}

/** `count` images of `set` spread over its classes (spreadOverClasses): (count, rows, cols, channels) with their labels. */
export function spreadSample(set: ImageSet, count: number): { pixels: Uint8Array; labels: Uint8Array; count: number } {
  const picked = selectExamples(set, spreadOverClasses(set.labels.subarray(0, set.count), count));
  return { pixels: picked.pixels, labels: picked.labels, count: picked.count };
}

/** Values per pixel of a set's images: 1 unless it says otherwise. */
export function channelsOfSet(set: Pick<ImageSet, 'channels'>): number {
  return set.channels ?? 1;
}

/** Values of one image of the set: rows · cols · channels. */
export function imageValues(set: Pick<ImageSet, 'rows' | 'cols' | 'channels'>): number {
  return set.rows * set.cols * channelsOfSet(set);
}

/** A set's images as the map a network's first layer would take at full resolution. */
export function imageShapeOfSet(set: Pick<ImageSet, 'rows' | 'cols' | 'channels'>): MapShape {
  return { height: set.rows, width: set.cols, channels: channelsOfSet(set) };
}

/**
 * Holds out `validationCount` examples of `set` for validation, chosen by a seeded permutation, so the split is
 * the same on every machine and every load. The train part keeps the permuted order.
 */
export function splitTrainValidation(
  set: ImageSet,
  validationCount: number,
  seed: number,
): { train: ImageSet; validation: ImageSet } {
  if (validationCount <= 0 || validationCount >= set.count) {
    throw new RangeError(`validation count ${validationCount} must be between 1 and ${set.count - 1}`);
  }
  const order = permutation(set.count, createRng(seed));
  return {
    train: selectExamples(set, order.subarray(0, set.count - validationCount)),
    validation: selectExamples(set, order.subarray(set.count - validationCount)),
  };
}

/** Seed of the dataset split; fixed so that validation figures are comparable between runs and sessions. */
const SPLIT_SEED = 1234;

/** The embedded 10k subset: 9,000 train / 1,000 validation, no test set. */
export function splitEmbedded(all: ImageSet): SplitDataset {
  return { ...splitTrainValidation(all, 1000, SPLIT_SEED), test: null, classNames: DIGIT_CLASS_NAMES };
}

/** A full dataset: 5,000 of the 60,000 training images held out for validation; the 10,000 test images apart. */
export function splitFull(trainAll: ImageSet, test: ImageSet, classNames: readonly string[] = DIGIT_CLASS_NAMES): SplitDataset {
  if (trainAll.rows !== test.rows || trainAll.cols !== test.cols) {
    throw new IdxError(
      `train images are ${trainAll.rows}×${trainAll.cols} but test images ${test.rows}×${test.cols}.`,
    );
  }
  return { ...splitTrainValidation(trainAll, 5000, SPLIT_SEED), test, classNames };
}
