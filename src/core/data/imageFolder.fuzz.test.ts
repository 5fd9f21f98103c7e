/**
 * Mutation fuzzing of the zip image-folder loader: 1,200 archives made from a valid folder of PNGs by byte-level
 * mutations (truncation, bit flips, central-directory edits of sizes, offsets, CRCs and names, inserted bytes)
 * and by structural ones (path traversal names, nested archives, zip bombs, non-images, empty and truncated
 * images, a huge declared image, one class, 101 classes, names not UTF-8 or too long or differing in case).
 * Each must end in a ZipError or ImageFolderError with a message, or in a load that is faithful (every kept image
 * is byte for byte what fflate reads for that entry, and sits in the class its folder names) and consistent.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONVERSION } from './imageConversion';
import { IMAGE_LIMITS } from './imageHeader';
import { digestOf, finishImageFolder, ImageFolderError, MAX_CLASSES, MIN_CLASSES, readZipImageFolder } from './imageFolder';
import { encodePng } from './png';
import { createRng, type Rng } from './rng';
import { ZipError } from './zipReader';

const CLASSES = ['circle', 'square', 'triangle'];
const png = (seed: number): Uint8Array => encodePng(Uint8Array.from({ length: 36 }, (_, i) => (seed * 41 + i * 11) % 256), 6, 6, 1);

function validFiles(): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  CLASSES.forEach((name, c) => {
    for (let i = 0; i < 4; i++) files[`shapes/${name}/${i}.png`] = png(c * 10 + i);
  });
  return files;
}

type Structural = (files: Record<string, Uint8Array>, rng: Rng) => void;
const pick = <T>(items: readonly T[], rng: Rng): T => items[rng.int(items.length)]!;

const STRUCTURAL: Record<string, Structural> = {
  traversal: (f, rng) => (f[pick(['../../etc/x.png', '/abs/circle/x.png', 'shapes/../../x.png', 'C:/w/x.png', 'shapes\\..\\..\\x.png'], rng)] = png(99)),
  nested: (f) => (f['shapes/circle/more.zip'] = zipSync({ 'a/1.png': png(98) })),
  bomb: (f, rng) => (f[`shapes/square/bomb${rng.int(9)}.png`] = new Uint8Array((2 + rng.int(3)) * 1024 * 1024)),
  notImage: (f, rng) => (f[pick(['shapes/circle/notes.txt', 'shapes/circle/fake.png', 'shapes/x.png'], rng)] = new TextEncoder().encode('not an image')),
  empty: (f) => (f['shapes/triangle/empty.png'] = new Uint8Array(0)),
  truncatedImage: (f, rng) => (f['shapes/triangle/cut.png'] = png(97).slice(0, rng.int(30))),
  hugeImage: (f) => {
    const huge = png(96);
    new DataView(huge.buffer).setUint32(16, 20_000);
    new DataView(huge.buffer).setUint32(20, 20_000);
    f['shapes/square/huge.png'] = huge;
  },
  oneClass: (f) => {
    for (const name of Object.keys(f)) if (!name.startsWith('shapes/circle/')) delete f[name];
  },
  manyClasses: (f) => {
    for (let c = 0; c <= MAX_CLASSES; c++) f[`shapes/c${c}/1.png`] = png(c);
  },
  longName: (f) => (f[`shapes/${'long'.repeat(20)}/1.png`] = png(95)),
  caseDuplicate: (f) => (f['shapes/Circle/9.png'] = png(94)),
  duplicate: (f) => (f['shapes/square/copy.png'] = png(0)),
};

type ByteMutation = (zip: Uint8Array, rng: Rng) => Uint8Array;

/** Offsets of the central directory headers. */
function centralHeaders(zip: Uint8Array): number[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const at: number[] = [];
  for (let i = 0; i + 4 <= zip.length; i++) if (view.getUint32(i, true) === 0x02014b50) at.push(i);
  return at;
}

const BYTES: Record<string, ByteMutation> = {
  truncate: (zip, rng) => zip.slice(0, rng.int(zip.length)),
  flipBits: (zip, rng) => {
    const copy = zip.slice();
    for (let n = 1 + rng.int(6); n > 0; n--) copy[rng.int(copy.length)]! ^= 1 << rng.int(8);
    return copy;
  },
  editDirectory: (zip, rng) => {
    const copy = zip.slice();
    const headers = centralHeaders(copy);
    if (headers.length === 0) return copy;
    const view = new DataView(copy.buffer);
    const at = pick(headers, rng);
    // compression method, CRC, compressed size, size, name length, local header offset.
    const field = pick([10, 16, 20, 24, 28, 42], rng);
    const value = pick([0, 1, 0xffff, 0xffffffff, rng.int(1 << 20), rng.int(copy.length)], rng);
    if (field === 10 || field === 28) view.setUint16(at + field, value & 0xffff, true);
    else view.setUint32(at + field, value >>> 0, true);
    return copy;
  },
  editName: (zip, rng) => {
    const copy = zip.slice();
    const headers = centralHeaders(copy);
    if (headers.length === 0) return copy;
    const at = pick(headers, rng);
    const length = new DataView(copy.buffer).getUint16(at + 28, true);
    copy[at + 46 + rng.int(Math.max(1, length))] = pick([0xff, 0xc0, 0x2f, 0x2e, 0x5c, 0x00, 0x80], rng);
    return copy;
  },
  insertBytes: (zip, rng) => {
    const at = rng.int(zip.length);
    return Uint8Array.from([...zip.subarray(0, at), ...Array.from({ length: 1 + rng.int(8) }, () => rng.int(256)), ...zip.subarray(at)]);
  },
};

/** What fflate reads for each entry, as an independent reference; null where fflate cannot read the archive. */
function reference(zip: Uint8Array): Record<string, Uint8Array> | null {
  try {
    return unzipSync(zip);
  } catch {
    return null;
  }
}

describe('image folder zip mutation fuzzing', () => {
  it('1,200 mutated archives: a clear refusal or a faithful, consistent load; never another error', () => {
    const rng = createRng(20261206);
    const structural = Object.keys(STRUCTURAL);
    const bytes = Object.keys(BYTES);
    const outcomes = { rejected: 0, loaded: 0, skippedFiles: 0 };
    for (let i = 0; i < 1200; i++) {
      const files = validFiles();
      const applied: string[] = [];
      for (let n = rng.int(3); n > 0 || applied.length === 0; n--) {
        const name = pick(structural, rng);
        STRUCTURAL[name]!(files, rng);
        applied.push(name);
        if (rng.next() < 0.5) break;
      }
      const entries: Zippable = {};
      for (const [name, data] of Object.entries(files)) entries[name] = [data, { level: rng.next() < 0.2 ? 0 : 6 }];
      let zip: Uint8Array = zipSync(entries);
      if (i % 3 !== 0) {
        const name = bytes[i % bytes.length]!;
        zip = BYTES[name]!(zip, rng);
        applied.push(name);
      }
      const label = `case ${i} (${applied.join(', ')})`;
      try {
        const read = readZipImageFolder(zip, DEFAULT_CONVERSION, IMAGE_LIMITS.maxPixels);
        const kept = read.files.flatMap((file, k) => (file === null ? [] : [{ candidate: k, digest: digestOf(file.bytes) }]));
        const plan = finishImageFolder(read.layout, kept, read.skipped);
        outcomes.loaded++;
        outcomes.skippedFiles += plan.skipped.length;
        expect(plan.classNames.length).toBeGreaterThanOrEqual(MIN_CLASSES);
        expect(plan.classNames.length).toBeLessThanOrEqual(MAX_CLASSES);
        expect(plan.counts.reduce((n, [t, v]) => n + t + v, 0)).toBe(plan.images.length);
        const truth = reference(zip);
        for (const image of plan.images) {
          const candidate = read.layout.candidates[image.candidate]!;
          const file = read.files[image.candidate]!;
          expect(candidate.path.split('/')).toContain(plan.classNames[image.classIndex]);
          if (truth !== null && truth[candidate.path] !== undefined) expect(Buffer.from(file.bytes).equals(Buffer.from(truth[candidate.path]!))).toBe(true);
        }
        for (const message of plan.skipped) expect(message).toMatch(/"[^"]+"|an empty name/);
      } catch (error) {
        if (!(error instanceof ZipError || error instanceof ImageFolderError)) throw new Error(`${label} threw ${String(error)}`, { cause: error });
        expect(error.message.length).toBeGreaterThan(10);
        outcomes.rejected++;
      }
    }
    console.log(`image folder fuzz: ${outcomes.rejected} refused with a message, ${outcomes.loaded} loaded (${outcomes.skippedFiles} files skipped by name)`);
    expect(outcomes.rejected).toBeGreaterThan(100);
    expect(outcomes.loaded).toBeGreaterThan(100);
  });
});
