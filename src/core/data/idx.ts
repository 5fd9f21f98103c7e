/**
 * Strict parser for the IDX format that MNIST and Fashion-MNIST ship in (optionally gzip-compressed).
 *
 * IDX layout (big-endian): bytes 0-1 zero, byte 2 the element type (0x08 = unsigned byte), byte 3 the number of
 * dimensions d, then d uint32 sizes, then prod(sizes) elements. Every way a file can be wrong ends in an
 * IdxError with a message a person can act on; nothing here loops on untrusted sizes before checking them.
 */
import { gunzipSync } from 'fflate';

export class IdxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdxError';
  }
}

export interface IdxArray {
  /** Sizes of each dimension, e.g. [60000, 28, 28] for images or [60000] for labels. */
  dims: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** Gunzips when the bytes start with the gzip magic, else returns them as they are. */
function maybeGunzip(bytes: Uint8Array, name: string): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1) {
    try {
      return gunzipSync(bytes);
    } catch (error) {
      throw new IdxError(`${name}: the gzip data is corrupt or truncated (${(error as Error).message}).`);
    }
  }
  return bytes;
}

export function parseIdx(input: Uint8Array, name = 'IDX file'): IdxArray {
  const bytes = maybeGunzip(input, name);
  if (bytes.length < 4) throw new IdxError(`${name}: only ${bytes.length} bytes, too short for an IDX header.`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxError(`${name}: wrong magic number (expected 00 00 at the start); this is not an IDX file.`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new IdxError(
      `${name}: element type 0x${bytes[2]!.toString(16)} is not supported (only unsigned bytes, 0x08).`,
    );
  }
  const dimCount = bytes[3]!;
  if (dimCount < 1 || dimCount > 4) throw new IdxError(`${name}: ${dimCount} dimensions; expected 1 to 4.`);
  const headerBytes = 4 + 4 * dimCount;
  if (bytes.length < headerBytes) throw new IdxError(`${name}: truncated inside the header.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let elementCount = 1;
  for (let d = 0; d < dimCount; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    elementCount *= size;
  }
  const payload = bytes.length - headerBytes;
  if (elementCount !== payload) {
    const what = elementCount > payload ? 'truncated' : 'longer than its header says';
    throw new IdxError(
      `${name}: data is ${what}: dimensions ${dims.join('×')} need ${elementCount} bytes, found ${payload}.`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Writes an unsigned-byte IDX file (used to build the embedded asset and test fixtures). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + data.length);
  const view = new DataView(out.buffer);
  out[2] = UNSIGNED_BYTE;
  out[3] = dims.length;
  dims.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  out.set(data, headerBytes);
  return out;
}
