import { describe, expect, it } from 'vitest';
import { readImageHeader } from './imageHeader';
import { encodePng } from './png';

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const le16 = (n: number): number[] => [n & 0xff, n >> 8];
const le32 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];

describe('image headers', () => {
  it('reads the size of each supported format', () => {
    expect(readImageHeader(encodePng(new Uint8Array(12), 4, 3, 1))).toEqual({ format: 'png', width: 4, height: 3 });
    expect(readImageHeader(bytes('GIF89a', le16(30), le16(20), [0, 0, 0]))).toEqual({ format: 'gif', width: 30, height: 20 });
    expect(readImageHeader(bytes('BM', new Array(16).fill(0), le32(40), le32(-30 >>> 0)))).toEqual({ format: 'bmp', width: 40, height: 30 });
    // JPEG: SOI, an APP0 segment of length 4, then SOF0 (length 11: precision, height, width, components).
    const jpeg = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 50, 0, 60, 1, 1, 0x11, 0]);
    expect(readImageHeader(jpeg)).toEqual({ format: 'jpeg', width: 60, height: 50 });
    const vp8l = bytes('RIFF', le32(30), 'WEBP', 'VP8L', le32(10), [0x2f], le32((99 << 14) | 199), new Array(5).fill(0));
    expect(readImageHeader(vp8l)).toEqual({ format: 'webp', width: 200, height: 100 });
    const vp8x = bytes('RIFF', le32(30), 'WEBP', 'VP8X', le32(10), new Array(4).fill(0), [15, 0, 0, 7, 0, 0]);
    expect(readImageHeader(vp8x)).toEqual({ format: 'webp', width: 16, height: 8 });
  });

  it('names what is wrong: empty, truncated, not an image, too large', () => {
    expect(readImageHeader(new Uint8Array(0))).toBe('is empty (0 bytes)');
    expect(readImageHeader(encodePng(new Uint8Array(4), 2, 2, 1).slice(0, 16))).toBe('is a truncated PNG');
    expect(readImageHeader(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0]))).toMatch(/truncated or corrupt JPEG/);
    expect(readImageHeader(bytes('hello world, not an image'))).toMatch(/not an image in a supported format/);
    const huge = encodePng(new Uint8Array(1), 1, 1, 1);
    new DataView(huge.buffer).setUint32(16, 20_000);
    new DataView(huge.buffer).setUint32(20, 20_000);
    expect(readImageHeader(huge)).toBe('is 20000×20000 px, over the 4096×4096 limit (scale it down first)');
  });
});
