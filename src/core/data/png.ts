/**
 * A small PNG codec for the places that have no browser decoder: Node tests, the e2e helpers that write image
 * folders, and the CLI benchmarks that read one (bench:accuracy with DATA_DIR). The page decodes with the
 * browser (createImageBitmap), which reads every PNG; this one reads what image tools commonly write: 8-bit
 * depth, grey / grey+alpha / RGB / RGBA / palette, not interlaced, and writes 8-bit grey or RGBA.
 *
 * Layout: the 8-byte signature, then chunks (length u32 BE, type, data, CRC-32 of type+data). IHDR gives width,
 * height, bit depth, colour type and interlace; the IDAT chunks together are one zlib stream of rows, each a
 * filter byte (0 none, 1 sub, 2 up, 3 average, 4 Paeth) followed by width · channels bytes.
 */
import { unzlibSync, zlibSync } from 'fflate';
import { crc32 } from './crc32';

export class PngError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PngError';
  }
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export interface RgbaImage {
  width: number;
  height: number;
  /** (height, width, 4) bytes. */
  rgba: Uint8Array;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** pixels: (height, width, channels) with channels 1 (grey) or 4 (RGBA) -> PNG bytes (filter 0 on every row). */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 4): Uint8Array {
  if (pixels.length !== width * height * channels) throw new PngError(`expected ${width * height * channels} bytes, got ${pixels.length}`);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8;
  header[9] = channels === 1 ? 0 : 6;
  const rows = new Uint8Array(height * (1 + width * channels));
  for (let y = 0; y < height; y++) rows.set(pixels.subarray(y * width * channels, (y + 1) * width * channels), y * (1 + width * channels) + 1);
  const parts = [Uint8Array.from(SIGNATURE), chunk('IHDR', header), chunk('IDAT', zlibSync(rows)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** PNG bytes -> RGBA; throws PngError for anything it does not read (with the reason). */
export function decodePng(bytes: Uint8Array, maxPixels = 4096 * 4096): RgbaImage {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new PngError('not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  let palette: Uint8Array | null = null;
  let transparency: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  for (;;) {
    if (at + 12 > bytes.length) throw new PngError('truncated (no IEND chunk)');
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + length > bytes.length) throw new PngError(`truncated inside the ${type} chunk`);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) throw new PngError(`the ${type} chunk's checksum does not match`);
    at += 12 + length;
    if (type === 'IHDR') {
      if (length !== 13) throw new PngError('bad IHDR chunk');
      const ihdr = new DataView(data.buffer, data.byteOffset, 13);
      width = ihdr.getUint32(0);
      height = ihdr.getUint32(4);
      colorType = data[9]!;
      if (data[8] !== 8) throw new PngError(`bit depth ${data[8]} is not read here (only 8)`);
      if (CHANNELS[colorType] === undefined) throw new PngError(`colour type ${colorType} is not valid`);
      if (data[12] !== 0) throw new PngError('interlaced PNGs are not read here');
      if (width === 0 || height === 0 || width * height > maxPixels) throw new PngError(`size ${width}×${height} is out of range`);
    } else if (type === 'PLTE') {
      palette = data;
    } else if (type === 'tRNS') {
      transparency = data;
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
  }
  if (colorType < 0) throw new PngError('no IHDR chunk');
  if (colorType === 3 && palette === null) throw new PngError('a palette image without a PLTE chunk');
  const channels = CHANNELS[colorType]!;
  const compressed = new Uint8Array(idat.reduce((n, d) => n + d.length, 0));
  let offset = 0;
  for (const d of idat) {
    compressed.set(d, offset);
    offset += d.length;
  }
  const stride = width * channels;
  let raw: Uint8Array;
  try {
    raw = unzlibSync(compressed, { out: new Uint8Array(height * (stride + 1)) });
  } catch (error) {
    throw new PngError(`the image data is corrupt (${(error as Error).message})`);
  }
  if (raw.length !== height * (stride + 1)) throw new PngError('the image data is truncated');
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const upLeft = y > 0 && x >= channels ? pixels[(y - 1) * stride + x - channels]! : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      if (predictor === undefined) throw new PngError(`row ${y} has filter type ${filter}`);
      pixels[y * stride + x] = (row[x]! + predictor) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s = pixels.subarray(p * channels, (p + 1) * channels);
    let r: number, g: number, b: number, a: number;
    if (colorType === 3) {
      const index = s[0]!;
      if (3 * index + 2 >= palette!.length) throw new PngError(`palette index ${index} is out of range`);
      [r, g, b] = [palette![3 * index]!, palette![3 * index + 1]!, palette![3 * index + 2]!];
      a = transparency !== null && index < transparency.length ? transparency[index]! : 255;
    } else if (channels <= 2) {
      r = g = b = s[0]!;
      a = channels === 2 ? s[1]! : 255;
    } else {
      [r, g, b] = [s[0]!, s[1]!, s[2]!];
      a = channels === 4 ? s[3]! : 255;
    }
    rgba.set([r, g, b, a], p * 4);
  }
  return { width, height, rgba };
}
