import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { imageSetFromIdx, splitEmbedded, splitTrainValidation } from './dataset';
import { encodeIdx, IdxError, parseIdx } from './idx';
import { assignIdxRoles, idxRoleOf } from './idxFiles';

const images = (count: number, fill = 7) => encodeIdx([count, 2, 2], new Uint8Array(count * 4).fill(fill));
const labels = (values: number[]) => encodeIdx([values.length], Uint8Array.from(values));

describe('parseIdx', () => {
  it('reads raw and gzip-compressed files alike', () => {
    const raw = images(3);
    expect(parseIdx(raw).dims).toEqual([3, 2, 2]);
    const unzipped = parseIdx(gzipSync(raw));
    expect(unzipped.dims).toEqual([3, 2, 2]);
    expect(Array.from(unzipped.data)).toEqual(new Array(12).fill(7));
  });

  it.each([
    ['wrong magic', Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0]), /wrong magic/],
    ['unsupported type', Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 0]), /not supported/],
    ['too short', Uint8Array.from([0, 0]), /too short/],
    ['truncated header', Uint8Array.from([0, 0, 8, 3, 0, 0]), /truncated inside the header/],
    ['truncated data', images(3).subarray(0, 20), /truncated/],
    ['extra data', Uint8Array.from([...images(1), 9, 9]), /longer than its header/],
    ['corrupt gzip', Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), /gzip/],
  ])('rejects %s with a clear IdxError', (_name, bytes, message) => {
    expect(() => parseIdx(bytes, 'test')).toThrow(IdxError);
    expect(() => parseIdx(bytes, 'test')).toThrow(message);
  });

  it('rejects a header whose dimensions claim more data than exists, without allocating it', () => {
    const hostile = encodeIdx([4_000_000_000, 1], new Uint8Array(0));
    expect(() => parseIdx(hostile)).toThrow(/truncated/);
  });
});

describe('imageSetFromIdx', () => {
  it('pairs images and labels', () => {
    const set = imageSetFromIdx(images(3), labels([0, 9, 4]), 'x');
    expect(set).toMatchObject({ count: 3, rows: 2, cols: 2 });
    expect(Array.from(set.labels)).toEqual([0, 9, 4]);
  });

  it('rejects labels out of range, count mismatches and wrong ranks', () => {
    expect(() => imageSetFromIdx(images(2), labels([0, 10]), 'x')).toThrow(/out of range/);
    expect(() => imageSetFromIdx(images(2), labels([0]), 'x')).toThrow(/2 images but 1 labels/);
    expect(() => imageSetFromIdx(labels([1, 2]), labels([1, 2]), 'x')).toThrow(/3 dimensions/);
    expect(() => imageSetFromIdx(images(0), labels([]), 'x')).toThrow(/no images/);
  });
});

describe('splits', () => {
  const count = 50;
  const set = imageSetFromIdx(
    encodeIdx([count, 1, 1], Uint8Array.from({ length: count }, (_, i) => i)),
    labels(Array.from({ length: count }, (_, i) => i % 10)),
    'x',
  );

  it('is deterministic, disjoint and complete', () => {
    const a = splitTrainValidation(set, 10, 1);
    const b = splitTrainValidation(set, 10, 1);
    expect(Array.from(a.validation.pixels)).toEqual(Array.from(b.validation.pixels));
    const all = [...a.train.pixels, ...a.validation.pixels].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: count }, (_, i) => i));
    // pixel i carries label i % 10: the copy keeps each image with its label.
    a.train.pixels.forEach((pixel, i) => expect(a.train.labels[i]).toBe(pixel % 10));
  });

  it('embedded split is 9,000 / 1,000 for 10,000 images', () => {
    const big = imageSetFromIdx(encodeIdx([10000, 1, 1], new Uint8Array(10000)), labels(new Array(10000).fill(3)), 'x');
    const split = splitEmbedded(big);
    expect([split.train.count, split.validation.count, split.test]).toEqual([9000, 1000, null]);
  });
});

describe('IDX file roles', () => {
  it('recognises the usual names, with or without .gz', () => {
    expect(idxRoleOf('train-images-idx3-ubyte.gz')).toBe('trainImages');
    expect(idxRoleOf('t10k-labels.idx1-ubyte')).toBe('testLabels');
    expect(idxRoleOf('README')).toBeNull();
    expect(() => assignIdxRoles(['train-images-idx3-ubyte'])).toThrow(/Missing/);
  });
});
