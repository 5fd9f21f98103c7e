import { describe, expect, it } from 'vitest';
import { createRng } from '../data/rng';
import { decodeBase3Trit, encodeBase3Byte, packedByteCount, packTritStream, unpackTritStream, type TritPacking } from './tritBytes';

describe('base-3 bytes (five trits, multiply-and-shift decoding)', () => {
  it('decodes every one of the 243 groups of five trits exactly', () => {
    const seen = new Set<number>();
    for (let v = 0; v < 243; v++) {
      const trits = [4, 3, 2, 1, 0].map((power) => (Math.floor(v / 3 ** power) % 3) - 1);
      const byte = encodeBase3Byte(trits);
      expect(byte).toBeGreaterThanOrEqual(0);
      expect(byte).toBeLessThanOrEqual(255);
      seen.add(byte);
      expect([0, 1, 2, 3, 4].map((i) => decodeBase3Trit(byte, i))).toEqual(trits);
    }
    expect(seen.size).toBe(243);
  });
});

describe.each<TritPacking>(['base3', 'base4'])('%s streams', (packing) => {
  it.each([1, 4, 5, 7, 10, 128, 1281])('round-trip %i random trits, padded only at the end', (count) => {
    const rng = createRng(count);
    const trits = Int8Array.from({ length: count }, () => Math.floor(rng.next() * 3) - 1);
    const bytes = packTritStream(trits, packing);
    expect(bytes.length).toBe(packedByteCount(count, packing));
    expect(Array.from(unpackTritStream(bytes, count, packing))).toEqual(Array.from(trits));
  });

  it('rejects values that are not trits', () => {
    expect(() => packTritStream([0, 2], packing)).toThrow(/not a trit/);
  });

  it('stores at the format rate: 1.6 or 2 bits per trit', () => {
    expect((8 * packedByteCount(100_000, packing)) / 100_000).toBe(packing === 'base3' ? 1.6 : 2);
  });
});
