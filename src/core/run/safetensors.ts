/**
 * safetensors, the file format of checkpoints: an 8-byte little-endian header length N, N bytes of JSON header,
 * then the raw little-endian tensor data. The header maps each tensor name to {dtype, shape, data_offsets:
 * [begin, end)} (offsets into the data, which the tensors cover exactly, without holes or overlaps) and may hold
 * "__metadata__": a map of strings to strings. Encoder and strict decoder side by side; the decoder checks every
 * length and offset against the file before it allocates anything, and says in one sentence what is wrong.
 * Python: `safetensors.numpy.load_file(path)` reads these files as they are (docs/formats.md has an example).
 */
import { strFromU8, strToU8 } from 'fflate';

export type SafetensorsDtype = 'F32' | 'U32';

const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F32: 4, U32: 4 };
/** Headers above this are refused: a checkpoint's header is a few kilobytes of names and JSON metadata. */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;

export interface NamedTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array | Uint32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** Tensors (in the given order) and string metadata -> file bytes. */
export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const tensor of tensors) {
    const bytes = elementCount(tensor.shape) * DTYPE_BYTES[tensor.dtype];
    if (tensor.data.byteLength !== bytes) throw new RangeError(`${tensor.name}: ${tensor.data.byteLength} bytes for shape [${tensor.shape}]`);
    header[tensor.name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = strToU8(JSON.stringify(header));
  // Pad with spaces so the data starts 8-byte aligned, as the reference implementation does.
  const headerBytes = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  headerBytes.set(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const tensor of tensors) {
    // Typed arrays are little-endian on every platform a browser runs on; DataView makes it explicit anyway.
    for (let i = 0; i < tensor.data.length; i++) {
      if (tensor.dtype === 'F32') view.setFloat32(position + 4 * i, tensor.data[i]!, true);
      else view.setUint32(position + 4 * i, tensor.data[i]!, true);
    }
    position += tensor.data.byteLength;
  }
  return out;
}

/** Strict decoder: every fault gets its own message; nothing is allocated from an unchecked size. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) throw new SafetensorsError(`The file is ${bytes.length} bytes long, too short for a safetensors header.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(`The header claims ${headerLength} bytes; more than 16 MB is not a checkpoint header.`);
  }
  const headerBytes = Number(headerLength);
  if (8 + headerBytes > bytes.length) {
    throw new SafetensorsError(`The header length (${headerBytes} bytes) runs past the end of the file (${bytes.length} bytes).`);
  }
  let header: unknown;
  try {
    header = JSON.parse(strFromU8(bytes.subarray(8, 8 + headerBytes)));
  } catch {
    throw new SafetensorsError('The header is not JSON.');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError('The header is not a JSON object.');
  const dataStart = 8 + headerBytes;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SafetensorsError('__metadata__ is not an object.');
      for (const [key, text] of Object.entries(value as Record<string, unknown>)) {
        if (typeof text !== 'string') throw new SafetensorsError(`Metadata "${key}" is not a string.`);
        metadata[key] = text;
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) throw new SafetensorsError(`Tensor "${name}" has no description.`);
    const { dtype, shape, data_offsets: offsets } = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (dtype !== 'F32' && dtype !== 'U32') throw new SafetensorsError(`Tensor "${name}" has an unknown or unsupported dtype ${JSON.stringify(dtype)}.`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new SafetensorsError(`Tensor "${name}" has an invalid shape ${JSON.stringify(shape)}.`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw new SafetensorsError(`Tensor "${name}" has invalid data offsets ${JSON.stringify(offsets)}.`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin || end > dataLength) {
      throw new SafetensorsError(`Tensor "${name}" has data offsets [${begin}, ${end}) that run past the data (${dataLength} bytes).`);
    }
    if (end - begin !== elementCount(shape as number[]) * DTYPE_BYTES[dtype]) {
      throw new SafetensorsError(`Tensor "${name}": shape [${shape.join(', ')}] does not match its ${end - begin} bytes of data.`);
    }
    entries.push({ name, dtype, shape: shape as number[], begin, end });
  }
  // The tensors must tile the data exactly: no overlap, no hole, nothing after.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin);
  let covered = 0;
  for (const entry of sorted) {
    if (entry.begin < covered) throw new SafetensorsError(`Tensor "${entry.name}" overlaps the tensor before it.`);
    if (entry.begin > covered) throw new SafetensorsError(`There is a gap of unindexed data before tensor "${entry.name}".`);
    covered = entry.end;
  }
  if (covered !== dataLength) throw new SafetensorsError(`${dataLength - covered} bytes of data after the last tensor belong to none.`);
  const tensors = new Map<string, NamedTensor>();
  for (const entry of entries) {
    const count = (entry.end - entry.begin) / 4;
    const data = entry.dtype === 'F32' ? new Float32Array(count) : new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const at = dataStart + entry.begin + 4 * i;
      data[i] = entry.dtype === 'F32' ? view.getFloat32(at, true) : view.getUint32(at, true);
    }
    tensors.set(entry.name, { name: entry.name, dtype: entry.dtype, shape: entry.shape, data });
  }
  return { tensors, metadata };
}
