import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32';
import { decodePng, encodePng, PngError } from './png';

describe('PNG codec', () => {
  it('round-trips grey and RGBA', () => {
    const grey = Uint8Array.from({ length: 5 * 3 }, (_, i) => i * 17);
    const decoded = decodePng(encodePng(grey, 5, 3, 1));
    expect([decoded.width, decoded.height]).toEqual([5, 3]);
    expect(Array.from({ length: 15 }, (_, p) => decoded.rgba[4 * p])).toEqual([...grey]);
    expect(decoded.rgba[3]).toBe(255);
    const rgba = Uint8Array.from({ length: 4 * 4 * 4 }, (_, i) => (i * 29) % 256);
    expect(decodePng(encodePng(rgba, 4, 4, 4)).rgba).toEqual(rgba);
  });

  it('undoes every row filter (sub, up, average, Paeth) on RGB', () => {
    const width = 3;
    const pixels = Uint8Array.from({ length: 5 * width * 3 }, (_, i) => (i * 53 + 7) % 256);
    const stride = width * 3;
    const rows: number[] = [];
    for (let y = 0; y < 5; y++) {
      const filter = y;
      rows.push(filter);
      for (let x = 0; x < stride; x++) {
        const at = y * stride + x;
        const left = x >= 3 ? pixels[at - 3]! : 0;
        const up = y > 0 ? pixels[at - stride]! : 0;
        const upLeft = y > 0 && x >= 3 ? pixels[at - stride - 3]! : 0;
        const p = left + up - upLeft;
        const paeth = Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - upLeft) ? left : Math.abs(p - up) <= Math.abs(p - upLeft) ? up : upLeft;
        rows.push((pixels[at]! - [0, left, up, (left + up) >> 1, paeth][filter]! + 256) & 0xff);
      }
    }
    const chunk = (type: string, data: Uint8Array): number[] => {
      const body = Uint8Array.from([...type].map((c) => c.charCodeAt(0)).concat([...data]));
      const c = crc32(body);
      return [data.length >>> 24, (data.length >> 16) & 255, (data.length >> 8) & 255, data.length & 255, ...body, c >>> 24, (c >> 16) & 255, (c >> 8) & 255, c & 255];
    };
    const png = Uint8Array.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
      ...chunk('IHDR', Uint8Array.from([0, 0, 0, width, 0, 0, 0, 5, 8, 2, 0, 0, 0])),
      ...chunk('IDAT', zlibSync(Uint8Array.from(rows))),
      ...chunk('IEND', new Uint8Array(0)),
    ]);
    const { rgba } = decodePng(png);
    for (let p = 0; p < 15; p++) expect([...rgba.subarray(4 * p, 4 * p + 3)]).toEqual([...pixels.subarray(3 * p, 3 * p + 3)]);
  });

  it('refuses truncated and corrupt files with a PngError', () => {
    const png = encodePng(new Uint8Array(64), 8, 8, 1);
    expect(() => decodePng(png.slice(0, png.length - 14))).toThrow(PngError);
    const flipped = png.slice();
    flipped[40]! ^= 0x10;
    expect(() => decodePng(flipped)).toThrow(/checksum/);
    expect(() => decodePng(new Uint8Array([1, 2, 3]))).toThrow(/not a PNG/);
  });
});
