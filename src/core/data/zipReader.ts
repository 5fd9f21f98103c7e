/**
 * A strict, bounded reader for the zip archives users load their image folders from. It reads the central
 * directory itself (so every size and offset is checked against the file before anything is allocated) and
 * inflates one entry at a time with fflate's streaming inflater, stopping as soon as an entry produces more bytes
 * than its header declared: a lying header cannot make it allocate more than the limits below.
 *
 * Limits (ZIP_LIMITS): at most 100,000 entries; at most 1 GiB uncompressed over the entries that are read; at most
 * 64 MiB per entry read; a compression ratio above 200:1 for an entry of over 1 MiB is taken for a zip bomb. An
 * archive beyond these is refused as a whole (ZipError). Entries that cannot be used (encrypted, an unsupported
 * compression method, a name that is not UTF-8, a CRC mismatch) are reported per entry and the rest still loads.
 * ZIP64 and multi-disk archives are refused: the limits above are far below where ZIP64 is needed.
 *
 * Layout read (all little-endian): end of central directory record (0x06054b50) at the end, then its central
 * directory of 46-byte headers (0x02014b50) + name + extra + comment, each pointing at a 30-byte local header
 * (0x04034b50) + name + extra, followed by the entry's data.
 */
import { Inflate } from 'fflate';
import { crc32 } from './crc32';
import { decodeUtf8Strict, describeBytes } from './utf8';

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

export const ZIP_LIMITS = {
  maxEntries: 100_000,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxEntryBytes: 64 * 1024 * 1024,
  maxRatio: 200,
  /** Entries smaller than this are not judged by their ratio (a blank 28×28 BMP compresses 100:1 legitimately). */
  ratioMinBytes: 1024 * 1024,
} as const;

export interface ZipEntry {
  /** The name as stored, each '/'-separated part decoded as UTF-8, or where it is not UTF-8, its bytes as \xNN. */
  path: string;
  /** Indices of the '/'-separated parts of the name that are not valid UTF-8. */
  invalidSegments: number[];
  isDirectory: boolean;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  size: number;
  crc: number;
  /** Offset of the local header in the archive. */
  localOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_BYTES = 22;
const CENTRAL_BYTES = 46;
const LOCAL_BYTES = 30;
const STORED = 0;
const DEFLATED = 8;
/** Compressed bytes handed to the inflater per push, which bounds how far one push can overshoot a limit. */
const INFLATE_CHUNK = 4096;

/** Lists the archive's entries from its central directory; throws ZipError when the archive cannot be read. */
export function listZip(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let at = bytes.length - EOCD_BYTES; at >= Math.max(0, bytes.length - EOCD_BYTES - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('This is not a zip archive (no end-of-archive record found), or it is truncated.');
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) {
    throw new ZipError('Multi-part (split) zip archives are not supported; make one archive.');
  }
  const count = view.getUint16(eocd + 10, true);
  const directorySize = view.getUint32(eocd + 12, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  const zip64 = eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIGNATURE;
  if (zip64 || count === 0xffff || directoryOffset === 0xffffffff) {
    throw new ZipError(`ZIP64 archives are not supported (the limits are ${ZIP_LIMITS.maxEntries} files and 1 GiB).`);
  }
  if (directoryOffset + directorySize > eocd) {
    throw new ZipError('The zip archive is truncated or corrupt: its directory lies outside the file.');
  }
  if (count > ZIP_LIMITS.maxEntries) {
    throw new ZipError(`The archive holds ${count} files; the limit is ${ZIP_LIMITS.maxEntries}.`);
  }
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  const end = directoryOffset + directorySize;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_BYTES > end || view.getUint32(at, true) !== CENTRAL_SIGNATURE) {
      throw new ZipError(`The zip directory is corrupt at entry ${i + 1} of ${count}.`);
    }
    const flags = view.getUint16(at + 8, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + CENTRAL_BYTES + nameLength + extraLength + commentLength > end) {
      throw new ZipError(`The zip directory is corrupt at entry ${i + 1} of ${count} (its name runs past the directory).`);
    }
    const nameBytes = bytes.subarray(at + CENTRAL_BYTES, at + CENTRAL_BYTES + nameLength);
    const { path, invalidSegments } = decodeName(nameBytes);
    const compressedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const localOffset = view.getUint32(at + 42, true);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
      throw new ZipError(`"${path}": ZIP64 sizes are not supported (the limit is ${ZIP_LIMITS.maxEntryBytes / 2 ** 20} MiB a file).`);
    }
    entries.push({
      path,
      invalidSegments,
      isDirectory: path.endsWith('/'),
      method: view.getUint16(at + 10, true),
      encrypted: (flags & 1) !== 0,
      compressedSize,
      size,
      crc: view.getUint32(at + 16, true),
      localOffset,
    });
    at += CENTRAL_BYTES + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Decodes a stored name part by part ('/' is 0x2F in UTF-8 and in the legacy code pages zip tools use). */
function decodeName(bytes: Uint8Array): { path: string; invalidSegments: number[] } {
  const parts: string[] = [];
  const invalidSegments: number[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x2f) continue;
    const segment = bytes.subarray(start, i);
    const decoded = decodeUtf8Strict(segment);
    if (decoded === null) invalidSegments.push(parts.length);
    parts.push(decoded ?? describeBytes(segment));
    start = i + 1;
  }
  return { path: parts.join('/'), invalidSegments };
}

/**
 * Why an entry cannot be read, judged from its directory record alone (null when it can): the checks that
 * come before any inflating. A zip bomb is refused for the whole archive (ZipError) rather than skipped.
 */
export function entryProblem(entry: ZipEntry): string | null {
  if (entry.encrypted) return `"${entry.path}" is encrypted; skipped.`;
  if (entry.method !== STORED && entry.method !== DEFLATED) {
    return `"${entry.path}" uses compression method ${entry.method} (only stored and deflate are supported); skipped.`;
  }
  if (entry.method === STORED && entry.compressedSize !== entry.size) {
    return `"${entry.path}" is corrupt (a stored entry whose sizes differ); skipped.`;
  }
  if (entry.size > ZIP_LIMITS.maxEntryBytes) {
    return `"${entry.path}" is ${formatMiB(entry.size)} uncompressed, over the ${formatMiB(ZIP_LIMITS.maxEntryBytes)} limit per file; skipped.`;
  }
  if (entry.size >= ZIP_LIMITS.ratioMinBytes && entry.size > ZIP_LIMITS.maxRatio * entry.compressedSize) {
    throw new ZipError(
      `"${entry.path}" expands ${Math.round(entry.size / Math.max(1, entry.compressedSize))}:1 (over the ${ZIP_LIMITS.maxRatio}:1 limit): ` +
        'the archive looks like a zip bomb and was not opened.',
    );
  }
  return null;
}

/** Throws ZipError when the entries to be read would expand beyond the total limit. */
export function checkTotalSize(entries: readonly ZipEntry[]): void {
  const total = entries.reduce((sum, entry) => sum + entry.size, 0);
  if (total > ZIP_LIMITS.maxTotalBytes) {
    throw new ZipError(`The images expand to ${formatMiB(total)}, over the ${formatMiB(ZIP_LIMITS.maxTotalBytes)} limit.`);
  }
}

/**
 * The entry's bytes, or a message naming it when its data is corrupt (bad local header, inflate error, more or
 * fewer bytes than declared, CRC mismatch). Call entryProblem first: this assumes a readable method.
 */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = entry.localOffset;
  if (local + LOCAL_BYTES > bytes.length || view.getUint32(local, true) !== LOCAL_SIGNATURE) {
    return `"${entry.path}" is corrupt (its local header is missing); skipped.`;
  }
  const start = local + LOCAL_BYTES + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  if (start + entry.compressedSize > bytes.length) return `"${entry.path}" is truncated; skipped.`;
  const compressed = bytes.subarray(start, start + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === STORED) {
    data = compressed.slice();
  } else {
    const inflated = inflateBounded(compressed, entry.size);
    if (typeof inflated === 'string') return `"${entry.path}" ${inflated}; skipped.`;
    data = inflated;
  }
  if (crc32(data) !== entry.crc) return `"${entry.path}" is corrupt (its checksum does not match); skipped.`;
  return data;
}

/** Inflates at most `size` bytes; a stream that yields more or fewer, or is not deflate, gives a reason. */
function inflateBounded(compressed: Uint8Array, size: number): Uint8Array | string {
  const out = new Uint8Array(size);
  let written = 0;
  let overflow = false;
  let finished = false;
  const inflater = new Inflate((chunk, final) => {
    if (written + chunk.length > size) {
      overflow = true;
    } else {
      out.set(chunk, written);
      written += chunk.length;
    }
    if (final) finished = true;
  });
  try {
    for (let at = 0; at < compressed.length && !overflow; at += INFLATE_CHUNK) {
      const end = Math.min(compressed.length, at + INFLATE_CHUNK);
      inflater.push(compressed.subarray(at, end), end === compressed.length);
    }
    if (compressed.length === 0) inflater.push(compressed, true);
  } catch (error) {
    return `is corrupt (${(error as Error).message})`;
  }
  if (overflow) return `expands beyond the ${size} bytes its header declares`;
  if (!finished || written !== size) return `is truncated or corrupt (${written} of ${size} bytes)`;
  return out;
}

export function formatMiB(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;
}
