/**
 * Mutation fuzzing of the IDX parser and the image-set loader: 1,200 mutated copies of a valid image/label pair
 * (truncations, bit flips, random header edits, byte insertions, mutated gzip streams). Each must end in an
 * IdxError with a message, or in a load that is faithful to the mutated bytes (re-encoding gives them back) and
 * consistent (counts match, labels in 0..9). Nothing may throw anything else or take long.
 */
import { gunzipSync, gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { imageSetFromIdx } from './dataset';
import { encodeIdx, IdxError } from './idx';
import { createRng, type Rng } from './rng';

const COUNT = 12;
const validImages = encodeIdx([COUNT, 28, 28], Uint8Array.from({ length: COUNT * 784 }, (_, i) => (i * 37) % 256));
const validLabels = encodeIdx([COUNT], Uint8Array.from({ length: COUNT }, (_, i) => i % 10));

type Mutation = (bytes: Uint8Array, rng: Rng) => Uint8Array;

const MUTATIONS: Record<string, Mutation> = {
  truncate: (bytes, rng) => bytes.slice(0, rng.int(bytes.length)),
  flipBits: (bytes, rng) => {
    const copy = bytes.slice();
    for (let n = 1 + rng.int(4); n > 0; n--) copy[rng.int(copy.length)]! ^= 1 << rng.int(8);
    return copy;
  },
  editHeader: (bytes, rng) => {
    const copy = bytes.slice();
    for (let n = 1 + rng.int(3); n > 0; n--) copy[rng.int(Math.min(16, copy.length))] = rng.int(256);
    return copy;
  },
  hugeDimension: (bytes, rng) => {
    const copy = bytes.slice();
    const view = new DataView(copy.buffer);
    view.setUint32(4 + 4 * rng.int(copy[3]!), [0xffffffff, 0x7fffffff, 0, 1 + rng.int(100_000)][rng.int(4)]!);
    return copy;
  },
  insertBytes: (bytes, rng) => {
    const at = rng.int(bytes.length);
    return Uint8Array.from([...bytes.subarray(0, at), ...Array.from({ length: 1 + rng.int(8) }, () => rng.int(256)), ...bytes.subarray(at)]);
  },
  mutateGzip: (bytes, rng) => {
    const zipped = gzipSync(bytes).slice();
    zipped[10 + rng.int(zipped.length - 10)]! ^= 1 << rng.int(8);
    return rng.next() < 0.5 ? zipped : zipped.slice(0, rng.int(zipped.length));
  },
};

function plain(bytes: Uint8Array): Uint8Array {
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

describe('IDX mutation fuzzing', () => {
  it('1,200 mutated files: a clear IdxError or a faithful, consistent load; never another error', () => {
    const rng = createRng(20261127);
    const names = Object.keys(MUTATIONS);
    const outcomes = { rejected: 0, loaded: 0 };
    for (let i = 0; i < 1200; i++) {
      const name = names[i % names.length]!;
      const mutateImages = rng.next() < 0.6;
      const images = mutateImages ? MUTATIONS[name]!(validImages, rng) : validImages;
      const labels = mutateImages ? validLabels : MUTATIONS[name]!(validLabels, rng);
      const started = performance.now();
      try {
        const set = imageSetFromIdx(images, labels, `fuzz ${i} (${name})`);
        outcomes.loaded++;
        expect(set.pixels.length).toBe(set.count * set.rows * set.cols);
        expect(set.labels.length).toBe(set.count);
        expect(set.labels.every((label) => label < 10)).toBe(true);
        // Faithful: what was loaded is exactly what the (mutated) bytes say.
        expect(Buffer.from(encodeIdx([set.count, set.rows, set.cols], set.pixels)).equals(Buffer.from(plain(images)))).toBe(true);
        expect(Buffer.from(encodeIdx([set.count], set.labels)).equals(Buffer.from(plain(labels)))).toBe(true);
      } catch (error) {
        if (!(error instanceof IdxError)) throw new Error(`case ${i} (${name}) threw ${String(error)}`, { cause: error });
        expect(error.message.length).toBeGreaterThan(10);
        outcomes.rejected++;
      }
      expect(performance.now() - started).toBeLessThan(2000);
    }
    console.log(`IDX fuzz: ${outcomes.rejected} rejected with a message, ${outcomes.loaded} loaded faithfully`);
    expect(outcomes.rejected).toBeGreaterThan(500);
  });
});
