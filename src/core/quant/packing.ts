/**
 * Packed ternary weight formats, shared by the CPU reference and the WGSL kernels.
 *
 * 2-bit format ("packed2"), the storage format: one row per output unit, 16 trits per u32, little end first:
 *   trit k of unit j lives in word j·wordsPerRow + ⌊k/16⌋, bits 2·(k mod 16) and 2·(k mod 16)+1,
 *   wordsPerRow = ⌈K/16⌉; codes 00 = 0, 01 = +1, 10 = −1 (11 is never written and unpacks as an error).
 *   Padding trits at the end of a row are 00 (zero), so they add nothing.
 * Bit planes ("planes"), for the binary-activation kernel: per unit two rows of ⌈K/32⌉ u32, a plus plane with
 *   bit k set where the trit is +1 and a minus plane with bit k set where it is −1 (bit k mod 32 of word ⌊k/32⌋).
 *
 * Trits come in as the training code holds them: (in, out) row-major, trit of input k and unit j at k·N + j.
 */
export const TRITS_PER_WORD = 16;
const BITS_PER_PLANE_WORD = 32;

const CODE_ZERO = 0b00;
const CODE_PLUS = 0b01;
const CODE_MINUS = 0b10;

export interface PackedTernary {
  /** K: inputs per unit. */
  inputSize: number;
  /** N: units. */
  outputSize: number;
  wordsPerRow: number;
  /** (N, wordsPerRow) */
  words: Uint32Array;
}

export function wordsPerRow(inputSize: number): number {
  return Math.ceil(inputSize / TRITS_PER_WORD);
}

/** trits: (K, N) row-major in {-1, 0, 1} -> packed2 rows per unit. */
export function packTernary(trits: ArrayLike<number>, inputSize: number, outputSize: number): PackedTernary {
  if (trits.length !== inputSize * outputSize) {
    throw new RangeError(`packTernary: ${trits.length} trits for ${inputSize}×${outputSize}`);
  }
  const perRow = wordsPerRow(inputSize);
  const words = new Uint32Array(outputSize * perRow);
  for (let k = 0; k < inputSize; k++) {
    for (let j = 0; j < outputSize; j++) {
      const trit = trits[k * outputSize + j]!;
      if (trit === 0) continue;
      if (trit !== 1 && trit !== -1) throw new RangeError(`packTernary: ${trit} is not a trit`);
      const code = trit === 1 ? CODE_PLUS : CODE_MINUS;
      words[j * perRow + Math.floor(k / TRITS_PER_WORD)]! |= code << (2 * (k % TRITS_PER_WORD));
    }
  }
  return { inputSize, outputSize, wordsPerRow: perRow, words };
}

/** Trit k of unit j, read from the packed words. */
export function packedTrit(packed: PackedTernary, k: number, j: number): -1 | 0 | 1 {
  const word = packed.words[j * packed.wordsPerRow + Math.floor(k / TRITS_PER_WORD)]!;
  const code = (word >>> (2 * (k % TRITS_PER_WORD))) & 0b11;
  if (code === CODE_ZERO) return 0;
  if (code === CODE_PLUS) return 1;
  if (code === CODE_MINUS) return -1;
  throw new RangeError(`invalid trit code 11 at input ${k}, unit ${j}`);
}

/** Inverse of packTernary: (K, N) row-major trits. */
export function unpackTernary(packed: PackedTernary): Int8Array {
  const trits = new Int8Array(packed.inputSize * packed.outputSize);
  for (let k = 0; k < packed.inputSize; k++) {
    for (let j = 0; j < packed.outputSize; j++) trits[k * packed.outputSize + j] = packedTrit(packed, k, j);
  }
  return trits;
}

export interface BitPlanes {
  inputSize: number;
  outputSize: number;
  wordsPerRow: number;
  /** (N, wordsPerRow) bit k set where the trit is +1. */
  plus: Uint32Array;
  /** (N, wordsPerRow) bit k set where the trit is −1. */
  minus: Uint32Array;
}

export function toBitPlanes(packed: PackedTernary): BitPlanes {
  const perRow = Math.ceil(packed.inputSize / BITS_PER_PLANE_WORD);
  const plus = new Uint32Array(packed.outputSize * perRow);
  const minus = new Uint32Array(packed.outputSize * perRow);
  for (let j = 0; j < packed.outputSize; j++) {
    for (let k = 0; k < packed.inputSize; k++) {
      const trit = packedTrit(packed, k, j);
      const index = j * perRow + Math.floor(k / BITS_PER_PLANE_WORD);
      const bit = 1 << k % BITS_PER_PLANE_WORD;
      if (trit === 1) plus[index]! |= bit;
      else if (trit === -1) minus[index]! |= bit;
    }
  }
  return { inputSize: packed.inputSize, outputSize: packed.outputSize, wordsPerRow: perRow, plus, minus };
}

/** Binary activations (±1) as sign bits, bit k set for +1: (B, ⌈K/32⌉). Padding bits are 0. */
export function packSignBits(values: ArrayLike<number>, batch: number, inputSize: number): Uint32Array {
  const perRow = Math.ceil(inputSize / BITS_PER_PLANE_WORD);
  const bits = new Uint32Array(batch * perRow);
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < inputSize; k++) {
      if (values[b * inputSize + k]! >= 0) bits[b * perRow + Math.floor(k / BITS_PER_PLANE_WORD)]! |= 1 << k % BITS_PER_PLANE_WORD;
    }
  }
  return bits;
}

/** 8-bit codes (B, K) as four i8 per u32, lane i in bits 8i..8i+7 (dot4I8Packed's order): (B, ⌈K/4⌉). */
export function packI8x4(codes: ArrayLike<number>, batch: number, inputSize: number): Uint32Array {
  const perRow = Math.ceil(inputSize / 4);
  const words = new Uint32Array(batch * perRow);
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < inputSize; k++) {
      words[b * perRow + Math.floor(k / 4)]! |= (codes[b * inputSize + k]! & 0xff) << (8 * (k % 4));
    }
  }
  return words;
}

/**
 * A layer's (K, N) input-major integer codes (core/quant/weightFormats.ts) as the GPU's weight rows: (N, ⌈K/4⌉) u32,
 * four int8 codes per word, code k of unit j in bits 8·(k mod 4), like packI8x4's rows.
 */
export function packCodeRows(codes: Int8Array, inputSize: number, outputSize: number): Uint32Array {
  const unitMajor = new Int8Array(codes.length);
  for (let k = 0; k < inputSize; k++) for (let j = 0; j < outputSize; j++) unitMajor[j * inputSize + k] = codes[k * outputSize + j]!;
  return packI8x4(unitMajor, outputSize, inputSize);
}
