import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { checkTotalSize, entryProblem, listZip, readZipEntry, ZIP_LIMITS, ZipError, type ZipEntry } from './zipReader';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Offset of the n-th central directory header in a zip. */
function centralHeader(zip: Uint8Array, n = 0): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let at = 0, seen = 0; at + 4 <= zip.length; at++) {
    if (view.getUint32(at, true) === 0x02014b50 && seen++ === n) return at;
  }
  throw new Error('no central header');
}

function readAll(zip: Uint8Array): Record<string, Uint8Array | string> {
  const out: Record<string, Uint8Array | string> = {};
  for (const entry of listZip(zip)) out[entry.path] = entryProblem(entry) ?? readZipEntry(zip, entry);
  return out;
}

describe('zip reader', () => {
  it('reads stored and deflated entries exactly, and lists directories', () => {
    const big = Uint8Array.from({ length: 50_000 }, (_, i) => (i * i) % 251);
    const zip = zipSync({ d: {}, 'a/x.txt': text('hello'), 'a/big.bin': big, 'b/s.bin': [big, { level: 0 }] });
    const entries = listZip(zip);
    expect(entries.map((e) => [e.path, e.isDirectory])).toEqual([['d/', true], ['a/x.txt', false], ['a/big.bin', false], ['b/s.bin', false]]);
    const read = readAll(zip);
    expect(read['a/x.txt']).toEqual(text('hello'));
    expect(read['a/big.bin']).toEqual(big);
    expect(read['b/s.bin']).toEqual(big);
  });

  it('refuses what is not a zip, truncated archives and ZIP64', () => {
    expect(() => listZip(text('just text, no archive at all'))).toThrow(/not a zip archive/);
    const zip = zipSync({ 'a.txt': text('a') });
    expect(() => listZip(zip.slice(0, zip.length - 5))).toThrow(ZipError);
    expect(() => listZip(zip.slice(10))).toThrow(/truncated or corrupt/);
    const zip64 = zip.slice();
    new DataView(zip64.buffer).setUint32(zip64.length - 22 + 16, 0xffffffff, true);
    expect(() => listZip(zip64)).toThrow(/ZIP64/);
  });

  it('refuses a zip bomb by its ratio, and too much in total; skips a file over the per-file limit', () => {
    const zeros = new Uint8Array(2 * 1024 * 1024);
    const bomb = zipSync({ 'a/bomb.png': zeros });
    const [entry] = listZip(bomb);
    expect(() => entryProblem(entry!)).toThrow(/expands \d+:1 \(over the 200:1 limit\).*zip bomb/);
    const huge: ZipEntry = { ...entry!, size: ZIP_LIMITS.maxEntryBytes + 1, compressedSize: ZIP_LIMITS.maxEntryBytes };
    expect(entryProblem(huge)).toMatch(/"a\/bomb.png" is 64 MiB uncompressed, over the 64 MiB limit per file/);
    const many = Array.from({ length: 20 }, () => ({ ...entry!, size: 60 * 2 ** 20 }));
    expect(() => checkTotalSize(many)).toThrow(/1200 MiB, over the 1024 MiB limit/);
  });

  it('never inflates past the declared size, and reports corrupt data by name', () => {
    const data = Uint8Array.from({ length: 10_000 }, (_, i) => i % 7);
    const zip = zipSync({ 'x.bin': data });
    const lying = zip.slice();
    new DataView(lying.buffer).setUint32(centralHeader(lying) + 24, 100, true);
    expect(readAll(lying)['x.bin']).toMatch(/"x.bin" expands beyond the 100 bytes its header declares/);
    const badCrc = zip.slice();
    new DataView(badCrc.buffer).setUint32(centralHeader(badCrc) + 16, 12345, true);
    expect(readAll(badCrc)['x.bin']).toMatch(/checksum does not match/);
    const encrypted = zip.slice();
    encrypted[centralHeader(encrypted) + 8]! |= 1;
    expect(readAll(encrypted)['x.bin']).toMatch(/"x.bin" is encrypted/);
    const method = zip.slice();
    method[centralHeader(method) + 10] = 12;
    expect(readAll(method)['x.bin']).toMatch(/compression method 12/);
  });

  it('decodes names part by part, naming the parts that are not UTF-8', () => {
    const zip = zipSync({ 'caf\u00e9/ok.png': text('x'), 'aXb/c.png': text('y') });
    const patched = zip.slice();
    // Turn 'X' into 0xFF in both the local and central names: not UTF-8.
    for (let i = 0; i < patched.length - 2; i++) if (patched[i] === 0x61 && patched[i + 1] === 0x58 && patched[i + 2] === 0x62) patched[i + 1] = 0xff;
    const entries = listZip(patched);
    expect(entries.map((e) => [e.path, e.invalidSegments])).toEqual([['caf\u00e9/ok.png', []], ['a\\xffb/c.png', [0]]]);
  });
});
