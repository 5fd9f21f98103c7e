/**
 * An image-folder data set, loaded end to end: a zip or a list of files -> layout and memory check
 * (imageFolder.ts) -> each image read, its header checked, decoded by the caller's decoder (createImageBitmap in
 * the worker, the PNG codec in Node) and converted (imageConversion.ts) -> duplicates, split, counts -> the
 * SplitDataset the trainer takes and the report the page shows. Pure but for the injected decoder; cancellable
 * between images. The inversion is decided once for the whole set (by the majority of the images' borders
 * under 'auto'), so every image of a class is treated alike.
 */
import type { SplitDataset, ImageSet } from './dataset';
import { channelsOf, convertImage, invertInPlace, borderIsLight, hasColour, type InputConversion } from './imageConversion';
import { IMAGE_LIMITS, readImageHeader, type ImageHeader } from './imageHeader';
import {
  checkLoadBytes,
  digestOf,
  estimateLoadBytes,
  finishImageFolder,
  ImageFolderError,
  layoutImageFolder,
  readZipImageFolder,
  type FolderFile,
  type FolderLayout,
  type ImageFolderPlan,
} from './imageFolder';

/** Share of a set's images with colour above which a grey load says that RGB would keep it. */
export const COLOUR_SHARE = 0.1;

/** The report's hint for a set loaded as grey whose images are in colour. */
export const COLOUR_HINT = "These images are in colour; Colour: RGB keeps it (3× the first layer's inputs).";

/** Training images per class shown in the page's sample grid. */
export const SAMPLES_PER_CLASS = 6;

export interface OwnDataReport {
  /** The folder's or archive's name. */
  name: string;
  classNames: string[];
  /** Per class: [train, validation]. */
  counts: [number, number][];
  skipped: string[];
  warnings: string[];
  splitFolders: boolean;
  conversion: InputConversion;
  /** Whether the images were inverted, and what the border detection said (shown next to the override). */
  inverted: boolean;
  lightBackground: boolean;
  /** Up to SAMPLES_PER_CLASS converted training images per class, class after class: (n, side, side, channels). */
  samples: Uint8Array;
  /** How many of `samples` belong to each class. */
  sampleCounts: number[];
}

export interface RgbaImage {
  width: number;
  height: number;
  /** (height, width, 4). */
  rgba: ArrayLike<number>;
}

/** Decodes one image's bytes; throws (anything) when the bytes do not decode, which skips the file by name. */
export type DecodeImage = (bytes: Uint8Array, header: ImageHeader) => Promise<RgbaImage>;

export type ImageFolderInput =
  | { kind: 'zip'; name: string; bytes: Uint8Array }
  | { kind: 'files'; name: string; files: { path: string; size: number; read(): Promise<Uint8Array> }[] };

export interface LoadOptions {
  conversion: InputConversion;
  decode: DecodeImage;
  /** Called after each image: bytes of the image files done, and in all (as a download's progress reads). */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Checked between images: true stops the load with an ImageFolderError. */
  cancelled?: () => boolean;
}

/** The data set the trainer takes, with the report the page shows. */
export type OwnDataset = SplitDataset & { report: OwnDataReport };

/** Loads and converts an image folder; throws ImageFolderError or ZipError when it is refused as a whole. */
export async function loadOwnDataset(input: ImageFolderInput, options: LoadOptions): Promise<OwnDataset> {
  const { conversion } = options;
  let layout: FolderLayout;
  const extraSkipped: string[] = [];
  // Per candidate: a reader of its bytes and header, or null where it was skipped already.
  let readers: ((() => Promise<{ bytes: Uint8Array; header: ImageHeader } | null>) | null)[];
  // Per candidate: its size in bytes, for the progress.
  let sizes: number[];
  if (input.kind === 'zip') {
    const read = readZipImageFolder(input.bytes, conversion, IMAGE_LIMITS.maxPixels);
    layout = read.layout;
    extraSkipped.push(...read.skipped);
    readers = read.files.map((file) => (file === null ? null : async () => file));
    sizes = read.files.map((file) => file?.bytes.length ?? 0);
  } else {
    const files: FolderFile[] = input.files.map((f) => ({ path: f.path, size: f.size }));
    layout = layoutImageFolder(files);
    const totalBytes = input.files.reduce((sum, f) => sum + f.size, 0);
    checkLoadBytes(estimateLoadBytes(totalBytes, layout.candidates.length, conversion, IMAGE_LIMITS.maxPixels));
    sizes = layout.candidates.map((candidate) => input.files[candidate.file]!.size);
    readers = layout.candidates.map((candidate) => async () => {
      const bytes = await input.files[candidate.file]!.read();
      const header = readImageHeader(bytes);
      if (typeof header === 'string') {
        extraSkipped.push(`"${candidate.path}" ${header}; skipped.`);
        return null;
      }
      return { bytes, header };
    });
  }
  const converted = new Map<number, Uint8Array>();
  const kept: { candidate: number; digest: string }[] = [];
  let lightBorders = 0;
  let colourImages = 0;
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  let doneBytes = 0;
  for (let k = 0; k < readers.length; k++) {
    if (options.cancelled?.()) throw new ImageFolderError('Loading was cancelled; the data set and model you had are unchanged.');
    const reader = readers[k];
    const file = reader ? await reader() : null;
    if (file !== null) {
      const path = layout.candidates[k]!.path;
      try {
        const image = await options.decode(file.bytes, file.header);
        if (image.width !== file.header.width || image.height !== file.header.height || image.rgba.length !== image.width * image.height * 4) {
          throw new Error(`decoded as ${image.width}×${image.height}, its header says ${file.header.width}×${file.header.height}`);
        }
        if (borderIsLight(image.rgba, image.width, image.height)) lightBorders++;
        if (conversion.color === 'grey' && hasColour(image.rgba, image.width, image.height)) colourImages++;
        converted.set(k, convertImage(image.rgba, image.width, image.height, conversion, false));
        kept.push({ candidate: k, digest: digestOf(file.bytes) });
      } catch (error) {
        extraSkipped.push(`"${path}" could not be decoded (${error instanceof Error ? error.message : String(error)}); skipped.`);
      }
    }
    doneBytes += sizes[k]!;
    options.onProgress?.(doneBytes, totalBytes);
  }
  const plan = finishImageFolder(layout, kept, extraSkipped);
  const lightBackground = kept.length > 0 && lightBorders * 2 > kept.length;
  const inverted = conversion.invert === 'auto' ? lightBackground : conversion.invert === 'yes';
  if (inverted) for (const pixels of converted.values()) invertInPlace(pixels);
  if (kept.length > 0 && colourImages > COLOUR_SHARE * kept.length) plan.warnings.push(COLOUR_HINT);
  return assemble(plan, converted, conversion, input.name, inverted, lightBackground);
}

function assemble(plan: ImageFolderPlan, converted: Map<number, Uint8Array>, conversion: InputConversion, name: string, inverted: boolean, lightBackground: boolean): OwnDataset {
  const channels = channelsOf(conversion.color);
  const size = conversion.side * conversion.side * channels;
  const build = (split: 'train' | 'validation'): ImageSet => {
    const members = plan.images.filter((image) => image.split === split);
    const pixels = new Uint8Array(members.length * size);
    const labels = new Uint8Array(members.length);
    members.forEach((image, i) => {
      pixels.set(converted.get(image.candidate)!, i * size);
      labels[i] = image.classIndex;
    });
    return { count: members.length, rows: conversion.side, cols: conversion.side, channels, pixels, labels };
  };
  const train = build('train');
  const validation = build('validation');
  if (validation.count === 0) {
    throw new ImageFolderError('No image is left for validation: give each class at least two images (or a test/ or val/ folder).');
  }
  const sampleCounts = plan.classNames.map(() => 0);
  const samples: Uint8Array[] = [];
  plan.classNames.forEach((_, c) => {
    for (let i = 0; i < train.count && sampleCounts[c]! < SAMPLES_PER_CLASS; i++) {
      if (train.labels[i] !== c) continue;
      samples.push(train.pixels.subarray(i * size, (i + 1) * size));
      sampleCounts[c]!++;
    }
  });
  const sampleBytes = new Uint8Array(samples.length * size);
  samples.forEach((sample, i) => sampleBytes.set(sample, i * size));
  return {
    train,
    validation,
    test: null,
    classNames: plan.classNames,
    report: {
      name,
      classNames: plan.classNames,
      counts: plan.counts,
      skipped: plan.skipped,
      warnings: plan.warnings,
      splitFolders: plan.splitFolders,
      conversion,
      inverted,
      lightBackground,
      samples: sampleBytes,
      sampleCounts,
    },
  };
}

/**
 * A drawing from the page's canvas (light ink on a dark background, RGBA (height, width, 4)) as the data set's
 * images became input: the same conversion, and inverted only where the data set's ink ended up dark (a light
 * background left as it was, or a dark one inverted), so that a drawing looks like the training images.
 */
export function drawingInput(rgba: ArrayLike<number>, width: number, height: number, report: Pick<OwnDataReport, 'conversion' | 'inverted' | 'lightBackground'>): Uint8Array {
  return convertImage(rgba, width, height, report.conversion, report.lightBackground !== report.inverted);
}

/** A colour as [R, G, B], each 0..255. */
export type Rgb = readonly [number, number, number];

/** The background a drawing stands on to look like the set's photos: white where their borders were light, else black. */
export function drawingBackground(report: Pick<OwnDataReport, 'lightBackground'>): Rgb {
  return report.lightBackground ? [255, 255, 255] : [0, 0, 0];
}

/**
 * How much pen covers each pixel of a canvas painted with `pen` over `background` (anti-aliased edges blend the
 * two): 0..255, read along the channel where pen and background differ most. rgba: (height, width, 4) ->
 * (height, width). A pen the colour of the background leaves no coverage.
 */
export function inkCoverage(rgba: ArrayLike<number>, pen: Rgb, background: Rgb): Uint8Array {
  const spreads = pen.map((value, c) => value - background[c]!);
  const channel = spreads.reduce((best, spread, c) => (Math.abs(spread) > Math.abs(spreads[best]!) ? c : best), 0);
  const spread = spreads[channel]!;
  const coverage = new Uint8Array(rgba.length / 4);
  if (spread === 0) return coverage;
  for (let p = 0; p < coverage.length; p++) {
    coverage[p] = Math.min(255, Math.max(0, Math.round((255 * (rgba[4 * p + channel]! - background[channel]!)) / spread)));
  }
  return coverage;
}

/**
 * A drawing for an RGB run, made into the photo it stands for and converted exactly as the set's photos were:
 * strokes of `pen` (alpha = coverage / 255) over the set's background (drawingBackground), then convertImage with
 * the set's inversion. So a red drawing on a set of red shapes on white that was inverted becomes cyan on black,
 * as those photos did. coverage: (height, width) 0..255 -> (side, side, 3).
 */
export function colourDrawingInput(
  coverage: ArrayLike<number>,
  width: number,
  height: number,
  pen: Rgb,
  report: Pick<OwnDataReport, 'conversion' | 'inverted' | 'lightBackground'>,
): Uint8Array {
  const background = drawingBackground(report);
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const alpha = coverage[p]! / 255;
    for (let c = 0; c < 3; c++) rgba[4 * p + c] = Math.round(pen[c]! * alpha + background[c]! * (1 - alpha));
    rgba[4 * p + 3] = 255;
  }
  return convertImage(rgba, width, height, report.conversion, report.inverted);
}
