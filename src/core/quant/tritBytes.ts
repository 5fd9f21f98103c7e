/**
 * Byte-oriented trit packings for microcontrollers (the C export), beside the GPU's u32 format in packing.ts.
 *
 * Both store one layer as one continuous stream of trits, input-major: trit of input k and unit j at stream index
 * k·N + j, exactly the (in, out) row-major order training holds them in. Rows are not padded, only the end of the
 * stream is (with zero trits), so bits per weight stay at the format's rate:
 *
 *   'base3' ("smallest"), 5 trits per byte, 1.6 bits per trit. The five trits d_0..d_4 (d = trit + 1, in 0..2) of a
 *     byte form v = Σ d_i·3^(4−i) (d_0 most significant, v ≤ 242) and are stored as q = ⌈256·v / 243⌉, a fixed-point
 *     fraction v/243 ≈ q/256 (llama.cpp's TQ1_0 layout). Decoding needs no division, only multiply and shift:
 *       d_i = ((q·3^i mod 256)·3) >> 8
 *     Multiplying by 3^i moves digit i to the top of the fraction; the byte wrap drops the digits above it.
 *   'base4' ("fastest"), 4 trits per byte, 2 bits per trit, trit i of a byte in bits 2i..2i+1 with the GPU's codes:
 *     00 = 0, 01 = +1, 10 = −1.
 */
export type TritPacking = 'base3' | 'base4';

export const TRITS_PER_BYTE: Record<TritPacking, number> = { base3: 5, base4: 4 };

export const PACKING_LABELS: Record<TritPacking, string> = {
  base3: 'smallest — 5 trits per byte (base 3), 1.6 bits per weight',
  base4: 'fastest — 2 bits per trit, 4 per byte',
};

/** Powers of three that move digit i of a base-3 byte to the top of its fraction. */
export const BASE3_DIGIT_MULTIPLIERS = [1, 3, 9, 27, 81] as const;

export function packedByteCount(tritCount: number, packing: TritPacking): number {
  return Math.ceil(tritCount / TRITS_PER_BYTE[packing]);
}

/** Five trits in {-1, 0, 1}, first one most significant -> one base-3 byte. */
export function encodeBase3Byte(trits: ArrayLike<number>): number {
  let value = 0;
  for (let i = 0; i < 5; i++) value = value * 3 + ((trits[i] ?? 0) + 1);
  return Math.floor((value * 256 + 242) / 243);
}

/** Digit i (0..4) of a base-3 byte as a trit: the multiply-and-shift the C engine uses, in the same integer steps. */
export function decodeBase3Trit(byte: number, i: number): number {
  const top = (byte * BASE3_DIGIT_MULTIPLIERS[i]!) & 0xff;
  return ((top * 3) >> 8) - 1;
}

/** trits: a stream in {-1, 0, 1} -> packed bytes (see the header for both layouts). */
export function packTritStream(trits: ArrayLike<number>, packing: TritPacking): Uint8Array {
  const perByte = TRITS_PER_BYTE[packing];
  const bytes = new Uint8Array(packedByteCount(trits.length, packing));
  for (let b = 0; b < bytes.length; b++) {
    const group: number[] = [];
    for (let i = 0; i < perByte; i++) {
      const trit = trits[b * perByte + i] ?? 0;
      if (trit !== -1 && trit !== 0 && trit !== 1) throw new RangeError(`packTritStream: ${trit} is not a trit`);
      group.push(trit);
    }
    if (packing === 'base3') {
      bytes[b] = encodeBase3Byte(group);
    } else {
      let byte = 0;
      group.forEach((trit, i) => (byte |= (trit === 1 ? 0b01 : trit === -1 ? 0b10 : 0) << (2 * i)));
      bytes[b] = byte;
    }
  }
  return bytes;
}

/** Inverse of packTritStream for the first `count` trits. */
export function unpackTritStream(bytes: Uint8Array, count: number, packing: TritPacking): Int8Array {
  const perByte = TRITS_PER_BYTE[packing];
  if (bytes.length < packedByteCount(count, packing)) throw new RangeError('unpackTritStream: too few bytes');
  const trits = new Int8Array(count);
  for (let index = 0; index < count; index++) {
    const byte = bytes[Math.floor(index / perByte)]!;
    const i = index % perByte;
    if (packing === 'base3') {
      trits[index] = decodeBase3Trit(byte, i);
    } else {
      const code = (byte >> (2 * i)) & 0b11;
      if (code === 0b11) throw new RangeError(`invalid trit code 11 at ${index}`);
      trits[index] = code === 0b01 ? 1 : code === 0b10 ? -1 : 0;
    }
  }
  return trits;
}
