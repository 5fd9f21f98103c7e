import { describe, expect, it } from 'vitest';
import { bytes, limitBytes } from './byteSize';

describe('byte counts in words', () => {
  it('writes limits in whole units', () => {
    expect(limitBytes(1024 ** 3)).toBe('1 GB');
    expect(limitBytes(1536 * 1024 * 1024)).toBe('1536 MB');
    expect(limitBytes(256 * 1024 * 1024)).toBe('256 MB');
    expect(limitBytes(64 * 1024)).toBe('64 KB');
    expect(limitBytes(1000)).toBe('1000 B');
  });

  it('keeps one decimal for measured sizes', () => {
    expect(bytes(1024 ** 3)).toBe('1024.0 MB');
    expect(bytes(1536)).toBe('1.5 KB');
  });
});
