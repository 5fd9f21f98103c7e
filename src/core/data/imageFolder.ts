/**
 * The image-folder data set model: the layout PyTorch's ImageFolder and Keras's image_dataset_from_directory read
 * (one folder per class, images inside, at any depth), with optional top-level train/ and test/ (or val/,
 * validation/) folders; otherwise a seeded split stratified by class holds out validation images.
 *
 * Three pure steps, so that the worker can read and decode files between them:
 *   layoutImageFolder(files)         paths only: classes, which files are candidates, which are skipped and why;
 *   estimateLoadBytes(...)           the memory loading will need, refused beyond MEMORY_LIMIT_BYTES;
 *   finishImageFolder(layout, kept)  after reading/decoding: duplicates, the split, counts and warnings.
 * readZipImageFolder does the reading for a zip (headers only, no decoding) and is what the fuzz test drives.
 * Whole-set refusals are ImageFolderError (or ZipError from the archive); per-file problems are skipped with a
 * message naming the file and the rest loads.
 */
import { readImageHeader, type ImageHeader } from './imageHeader';
import { channelsOf, type InputConversion } from './imageConversion';
import { createRng, permutation } from './rng';
import { checkTotalSize, entryProblem, formatMiB, listZip, readZipEntry, type ZipEntry } from './zipReader';

export class ImageFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageFolderError';
  }
}

export const MIN_CLASSES = 2;
export const MAX_CLASSES = 100;
export const MAX_CLASS_NAME_LENGTH = 64;
/** Loading is refused when its estimate (source bytes + converted images + training tensors + decoding) is above. */
export const MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024;
/** Share of each class held out for validation when the folder has no test/ or val/ folder. */
export const VALIDATION_FRACTION = 0.2;
export const SPLIT_SEED = 1234;
const TINY_CLASS = 10;
const UNBALANCED_RATIO = 3;

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'jfif', 'webp', 'bmp', 'gif'] as const;
const ARCHIVE_EXTENSIONS = ['zip', 'tar', 'gz', 'tgz', 'bz2', 'xz', '7z', 'rar'];
const SYSTEM_FILES = new Set(['thumbs.db', 'desktop.ini']);
const TRAIN_FOLDERS = new Set(['train', 'training']);
const HELD_OUT_FOLDERS = new Set(['test', 'val', 'valid', 'validation']);

export interface FolderFile {
  /** Path inside the folder or archive, '/'-separated ('\' is read as '/'). */
  path: string;
  /** Indices of the '/'-separated parts of `path` that were not valid UTF-8 (shown as \xNN); absent: none. */
  invalidSegments?: readonly number[];
  size: number;
}

export type Split = 'train' | 'validation';

export interface Candidate {
  /** Index into the files given to layoutImageFolder. */
  file: number;
  path: string;
  classIndex: number;
  /** The split a train/ or test/ folder fixes; null where the seeded split decides. */
  fixedSplit: Split | null;
}

export interface FolderLayout {
  classNames: string[];
  candidates: Candidate[];
  /** Messages for the files and folders left out, each naming it. */
  skipped: string[];
  /** True when the folder had train/ and test/ (or val/) folders. */
  splitFolders: boolean;
  /** Hidden and system files (.DS_Store, __MACOSX, Thumbs.db) left out without a message each. */
  ignoredCount: number;
}

/** A candidate that was read (and, in the worker, decoded), with a digest of its bytes to find duplicates. */
export interface KeptImage {
  candidate: number;
  digest: string;
}

export interface PlannedImage {
  candidate: number;
  classIndex: number;
  split: Split;
}

export interface ImageFolderPlan {
  classNames: string[];
  /** Per class: [train, validation] counts. */
  counts: [number, number][];
  images: PlannedImage[];
  skipped: string[];
  warnings: string[];
  splitFolders: boolean;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

function isIgnored(segments: readonly string[]): boolean {
  return segments.some((s) => s.startsWith('.') || s === '__MACOSX') || SYSTEM_FILES.has(segments.at(-1)!.toLowerCase());
}

/** Why a class folder's name cannot be used, or null. */
function classNameProblem(name: string, isUtf8: boolean): string | null {
  if (!isUtf8) return `Class folder "${name}" has a name that is not valid UTF-8; rename it`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return `Class folder "${name}" has control characters in its name; rename it`;
  if ([...name].length > MAX_CLASS_NAME_LENGTH) {
    return `Class folder "${name.slice(0, 40)}…" has a name of ${[...name].length} characters (the limit is ${MAX_CLASS_NAME_LENGTH}); rename it`;
  }
  return null;
}

/**
 * Classes and candidate images from the paths alone. Throws ImageFolderError for class folders whose names differ
 * only in case, and for more than MAX_CLASSES classes; the minimum is checked by finishImageFolder, after files
 * that cannot be read are gone.
 */
export function layoutImageFolder(files: readonly FolderFile[]): FolderLayout {
  const skipped: string[] = [];
  let ignoredCount = 0;
  const usable: { file: number; segments: string[]; utf8: boolean[]; path: string }[] = [];
  files.forEach((file, index) => {
    const invalid = file.invalidSegments ?? [];
    const path = invalid.length === 0 ? file.path.replace(/\\/g, '/') : file.path;
    if (path === '') {
      skipped.push(`An entry with an empty name (entry ${index + 1}) was skipped.`);
      return;
    }
    if (path.endsWith('/')) return;
    const segments = path.split('/');
    if (path.startsWith('/') || /^[a-zA-Z]:/.test(path) || segments.some((s) => s === '..' || s === '.' || s === '')) {
      skipped.push(`"${file.path}" has an unsafe or absolute path; skipped.`);
      return;
    }
    if (isIgnored(segments)) {
      ignoredCount++;
      return;
    }
    const extension = extensionOf(segments.at(-1)!);
    if (ARCHIVE_EXTENSIONS.includes(extension)) {
      skipped.push(`"${path}" is an archive inside the archive; it was not opened (unpack it into the folder).`);
      return;
    }
    if (!(IMAGE_EXTENSIONS as readonly string[]).includes(extension)) {
      skipped.push(`"${path}" is not an image (by its name); skipped.`);
      return;
    }
    if (file.size === 0) {
      skipped.push(`"${path}" is empty (0 bytes); skipped.`);
      return;
    }
    if (invalid.includes(segments.length - 1)) {
      skipped.push(`"${path}" has a file name that is not valid UTF-8; skipped.`);
      return;
    }
    usable.push({ file: index, segments, utf8: segments.map((_, k) => !invalid.includes(k)), path });
  });

  // A folder that wraps everything (a zip of "shapes/…", or the folder a directory picker names) is not a class.
  while (
    usable.length > 0 &&
    usable.every((u) => u.segments.length >= 3 && u.segments[0] === usable[0]!.segments[0]) &&
    !TRAIN_FOLDERS.has(usable[0]!.segments[0]!.toLowerCase())
  ) {
    for (const u of usable) {
      u.segments = u.segments.slice(1);
      u.utf8 = u.utf8.slice(1);
    }
  }
  const tops = new Set(usable.filter((u) => u.segments.length >= 3).map((u) => u.segments[0]!.toLowerCase()));
  const splitFolders = [...tops].some((t) => TRAIN_FOLDERS.has(t)) && [...tops].some((t) => HELD_OUT_FOLDERS.has(t));

  // Class folders: name -> first spelling seen; lower-case name -> spelling, to find names differing only in case.
  const trainClasses: string[] = [];
  const byLowerCase = new Map<string, string>();
  const badFolders = new Map<string, { message: string; count: number }>();
  const entries: { u: (typeof usable)[number]; className: string; fixedSplit: Split | null }[] = [];
  for (const u of usable) {
    let fixedSplit: Split | null = null;
    let rest = u.segments;
    let restUtf8 = u.utf8;
    if (splitFolders) {
      const top = rest[0]!.toLowerCase();
      if (rest.length < 3 || (!TRAIN_FOLDERS.has(top) && !HELD_OUT_FOLDERS.has(top))) {
        skipped.push(`"${u.path}" is outside the train/ and test/ folders; skipped.`);
        continue;
      }
      fixedSplit = TRAIN_FOLDERS.has(top) ? 'train' : 'validation';
      rest = rest.slice(1);
      restUtf8 = restUtf8.slice(1);
    }
    if (rest.length < 2) {
      skipped.push(`"${u.path}" is not inside a class folder; skipped.`);
      continue;
    }
    const className = rest[0]!;
    const problem = classNameProblem(className, restUtf8[0]!);
    if (problem !== null) {
      const bad = badFolders.get(className) ?? { message: problem, count: 0 };
      bad.count++;
      badFolders.set(className, bad);
      continue;
    }
    const lower = className.toLowerCase();
    const seen = byLowerCase.get(lower);
    if (seen !== undefined && seen !== className) {
      throw new ImageFolderError(
        `Class folders "${seen}" and "${className}" differ only in case; rename or merge one of them.`,
      );
    }
    byLowerCase.set(lower, className);
    if (fixedSplit !== 'validation' && !trainClasses.includes(className)) trainClasses.push(className);
    entries.push({ u, className, fixedSplit });
  }
  for (const [, bad] of badFolders) skipped.push(`${bad.message}; its ${bad.count} file(s) were skipped.`);
  trainClasses.sort(compareNames);
  if (trainClasses.length > MAX_CLASSES) {
    throw new ImageFolderError(`${trainClasses.length} class folders; the limit is ${MAX_CLASSES}.`);
  }
  const candidates: Candidate[] = [];
  for (const { u, className, fixedSplit } of entries) {
    const classIndex = trainClasses.indexOf(className);
    if (classIndex < 0) {
      skipped.push(`"${u.path}": class "${className}" has no training folder; skipped.`);
      continue;
    }
    candidates.push({ file: u.file, path: u.path, classIndex, fixedSplit });
  }
  candidates.sort((a, b) => compareNames(a.path, b.path));
  return { classNames: trainClasses, candidates, skipped, splitFolders, ignoredCount };
}

/** Byte order of UTF-16 code units: the same on every machine and locale, unlike localeCompare. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Bytes loading will hold at its peak: the source (archive or files), the converted images as uint8 and as the
 * float32 tensors training uses, and one image of the largest allowed size being decoded (bitmap + RGBA copy).
 */
export function estimateLoadBytes(sourceBytes: number, imageCount: number, conversion: InputConversion, maxImagePixels: number): number {
  const imageBytes = conversion.side * conversion.side * channelsOf(conversion.color);
  return sourceBytes + imageCount * imageBytes * 5 + maxImagePixels * 4 * 2;
}

/** Throws ImageFolderError with the estimate when it is over MEMORY_LIMIT_BYTES. */
export function checkLoadBytes(estimate: number): void {
  if (estimate > MEMORY_LIMIT_BYTES) {
    throw new ImageFolderError(
      `Loading these images would need about ${formatMiB(estimate)} of memory, over the ${formatMiB(MEMORY_LIMIT_BYTES)} limit; ` +
        'use fewer or smaller images.',
    );
  }
}

/**
 * The data set from the candidates that were read: exact duplicates (same digest) are skipped after their first
 * occurrence, classes left empty are dropped with a warning, and each class is split into train and validation
 * (by its folders, or by a seeded permutation holding out VALIDATION_FRACTION, at least one image).
 */
export function finishImageFolder(layout: FolderLayout, kept: readonly KeptImage[], extraSkipped: readonly string[] = [], seed = SPLIT_SEED): ImageFolderPlan {
  const skipped = [...layout.skipped, ...extraSkipped];
  const warnings: string[] = [];
  const firstByDigest = new Map<string, Candidate>();
  const perClass: Candidate[][] = layout.classNames.map(() => []);
  const ordered = [...kept].sort((a, b) => compareNames(layout.candidates[a.candidate]!.path, layout.candidates[b.candidate]!.path));
  const indexOf = new Map<Candidate, number>();
  for (const { candidate, digest } of ordered) {
    const c = layout.candidates[candidate]!;
    const first = firstByDigest.get(digest);
    if (first !== undefined) {
      skipped.push(`"${c.path}" is a duplicate of "${first.path}"; skipped.`);
      continue;
    }
    firstByDigest.set(digest, c);
    perClass[c.classIndex]!.push(c);
    indexOf.set(c, candidate);
  }
  const classNames: string[] = [];
  const counts: [number, number][] = [];
  const images: PlannedImage[] = [];
  const rng = createRng(seed);
  layout.classNames.forEach((name, oldIndex) => {
    const members = perClass[oldIndex]!;
    const train = members.filter((c) => c.fixedSplit !== 'validation');
    if (train.length === 0) {
      if (members.length > 0 || layout.candidates.some((c) => c.classIndex === oldIndex)) {
        warnings.push(`Class "${name}" has no training image that could be read; it was left out.`);
      }
      return;
    }
    const classIndex = classNames.length;
    classNames.push(name);
    let split: Split[];
    if (layout.splitFolders) {
      split = members.map((c) => c.fixedSplit ?? 'train');
    } else {
      const held = members.length < 2 ? 0 : Math.max(1, Math.round(members.length * VALIDATION_FRACTION));
      const order = permutation(members.length, rng);
      split = new Array<Split>(members.length).fill('train');
      for (let k = 0; k < held; k++) split[order[k]!] = 'validation';
    }
    const count: [number, number] = [0, 0];
    members.forEach((c, k) => {
      images.push({ candidate: indexOf.get(c)!, classIndex, split: split[k]! });
      count[split[k] === 'train' ? 0 : 1]++;
    });
    counts.push(count);
    if (count[1] === 0) warnings.push(`Class "${name}" has no validation image.`);
  });
  if (classNames.length < MIN_CLASSES) {
    const found = classNames.length === 0 ? 'no class folder with readable images' : `only one class ("${classNames[0]}")`;
    throw new ImageFolderError(
      `Found ${found}; a data set needs ${MIN_CLASSES} to ${MAX_CLASSES} class folders, each holding images.` +
        (skipped.length > 0 ? ` ${skipped.length} file(s) were skipped: ${skipped.slice(0, 3).join(' ')}` : ''),
    );
  }
  const totals = counts.map(([t, v]) => t + v);
  classNames.forEach((name, k) => {
    if (totals[k]! < TINY_CLASS) warnings.push(`Class "${name}" has only ${totals[k]} image(s); ${TINY_CLASS} or more train better.`);
  });
  const largest = Math.max(...totals);
  const smallest = Math.min(...totals);
  if (largest > UNBALANCED_RATIO * smallest) {
    warnings.push(`The classes are unbalanced: from ${smallest} to ${largest} images.`);
  }
  if (layout.ignoredCount > 0) warnings.push(`${layout.ignoredCount} hidden or system file(s) were ignored.`);
  return { classNames, counts, images, skipped, warnings, splitFolders: layout.splitFolders };
}

/** FNV-1a (32-bit) and the length: enough to find exact duplicate files among at most 100,000. */
export function digestOf(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return `${(h >>> 0).toString(16)}:${bytes.length}`;
}

export interface ZipImageFolder {
  layout: FolderLayout;
  /** Per candidate: its bytes and header, or null where it was skipped (the message is in `skipped`). */
  files: ({ bytes: Uint8Array; header: ImageHeader } | null)[];
  skipped: string[];
}

/**
 * Reads a zip of an image folder: lists it, lays it out, checks the memory estimate and the archive limits, then
 * reads each candidate and checks its image header. Decoding the pixels is left to the caller.
 */
export function readZipImageFolder(zip: Uint8Array, conversion: InputConversion, maxImagePixels: number): ZipImageFolder {
  const entries = listZip(zip);
  const files: FolderFile[] = entries.filter((e) => !e.isDirectory).map((e) => ({ path: e.path, invalidSegments: e.invalidSegments, size: e.size }));
  const byFile = entries.filter((e) => !e.isDirectory);
  const layout = layoutImageFolder(files);
  checkLoadBytes(estimateLoadBytes(zip.length, layout.candidates.length, conversion, maxImagePixels));
  const skipped: string[] = [];
  const readable: (ZipEntry | null)[] = layout.candidates.map((c) => {
    const entry = byFile[c.file]!;
    const problem = entryProblem(entry);
    if (problem !== null) skipped.push(problem);
    return problem === null ? entry : null;
  });
  checkTotalSize(readable.filter((e): e is ZipEntry => e !== null));
  const out = readable.map((entry, k) => {
    if (entry === null) return null;
    const bytes = readZipEntry(zip, entry);
    if (typeof bytes === 'string') {
      skipped.push(bytes);
      return null;
    }
    const header = readImageHeader(bytes);
    if (typeof header === 'string') {
      skipped.push(`"${layout.candidates[k]!.path}" ${header}; skipped.`);
      return null;
    }
    return { bytes, header };
  });
  return { layout, files: out, skipped };
}
