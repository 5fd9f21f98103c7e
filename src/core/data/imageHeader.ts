/**
 * Image format and size from a file's first bytes, without decoding it: which of the formats the browser decodes
 * for us (PNG, JPEG, WebP, BMP, GIF) a file is, and its width and height, so that a file that is not an image, is
 * truncated before its size, or is too large to decode safely (IMAGE_LIMITS) is skipped with a message before
 * the browser allocates anything. Decoding itself is the browser's (createImageBitmap in the worker).
 */

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'bmp' | 'gif';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

export const IMAGE_LIMITS = {
  /** Side beyond which an image is not decoded (its RGBA would be 64 MiB and more). */
  maxSide: 4096,
  maxPixels: 4096 * 4096,
} as const;

const ascii = (bytes: Uint8Array, at: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(at, at + length));

/** The header, or the reason (a phrase to follow the file name) why the bytes are not a usable image. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | string {
  if (bytes.length === 0) return 'is empty (0 bytes)';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (n: number): boolean => bytes.length >= n;
  let header: ImageHeader | null = null;
  if (need(8) && view.getUint32(0) === 0x89504e47 && view.getUint32(4) === 0x0d0a1a0a) {
    if (!need(24) || ascii(bytes, 12, 4) !== 'IHDR') return 'is a truncated PNG';
    header = { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
  } else if (need(3) && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    const size = jpegSize(bytes, view);
    if (size === null) return 'is a truncated or corrupt JPEG (no frame header)';
    header = { format: 'jpeg', ...size };
  } else if (need(6) && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) {
    if (!need(10)) return 'is a truncated GIF';
    header = { format: 'gif', width: view.getUint16(6, true), height: view.getUint16(8, true) };
  } else if (need(2) && ascii(bytes, 0, 2) === 'BM') {
    if (!need(26)) return 'is a truncated BMP';
    header = { format: 'bmp', width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
  } else if (need(12) && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') {
    const size = webpSize(bytes, view);
    if (size === null) return 'is a truncated or corrupt WebP';
    header = { format: 'webp', ...size };
  }
  if (header === null) return 'is not an image in a supported format (PNG, JPEG, WebP, BMP, GIF)';
  if (header.width === 0 || header.height === 0) return `is a ${header.format.toUpperCase()} of size ${header.width}×${header.height}`;
  if (header.width > IMAGE_LIMITS.maxSide || header.height > IMAGE_LIMITS.maxSide) {
    return `is ${header.width}×${header.height} px, over the ${IMAGE_LIMITS.maxSide}×${IMAGE_LIMITS.maxSide} limit (scale it down first)`;
  }
  return header;
}

/** Walks the JPEG segments to the first start-of-frame marker (SOF0..SOF15 except DHT, JPG and DAC). */
function jpegSize(bytes: Uint8Array, view: DataView): { width: number; height: number } | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    // Markers without a length: TEM, RST0..7.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = view.getUint16(at + 2);
    if (length < 2) return null;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 9 > bytes.length) return null;
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    if (marker === 0xda || marker === 0xd9) return null;
    at += 2 + length;
  }
  return null;
}

/** The canvas size from the first chunk: VP8 (lossy), VP8L (lossless) or VP8X (extended). */
function webpSize(bytes: Uint8Array, view: DataView): { width: number; height: number } | null {
  if (bytes.length < 30) return null;
  const chunk = ascii(bytes, 12, 4);
  if (chunk === 'VP8 ') {
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return null;
    return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (bytes[20] !== 0x2f) return null;
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    const width = 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16));
    const height = 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16));
    return { width, height };
  }
  return null;
}
