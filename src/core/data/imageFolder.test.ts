import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONVERSION } from './imageConversion';
import { IMAGE_LIMITS } from './imageHeader';
import {
  checkLoadBytes,
  digestOf,
  estimateLoadBytes,
  finishImageFolder,
  ImageFolderError,
  layoutImageFolder,
  MEMORY_LIMIT_BYTES,
  readZipImageFolder,
  type FolderFile,
} from './imageFolder';
import { encodePng } from './png';

const files = (...paths: string[]): FolderFile[] => paths.map((path) => ({ path, size: 100 }));
/** A distinct 4×4 grey PNG per seed. */
const png = (seed: number): Uint8Array => encodePng(Uint8Array.from({ length: 16 }, (_, i) => (seed * 31 + i * 7) % 256), 4, 4, 1);

/** Every candidate kept, with distinct digests. */
function keepAll(paths: string[]) {
  const layout = layoutImageFolder(files(...paths));
  return finishImageFolder(layout, layout.candidates.map((_, k) => ({ candidate: k, digest: String(k) })));
}

describe('image folder layout', () => {
  it('takes classes from folders, sorted, under a wrapping folder, and splits each class with a seed', () => {
    const paths = [...Array.from({ length: 10 }, (_, i) => `shapes/square/${i}.png`), ...Array.from({ length: 5 }, (_, i) => `shapes/circle/sub/${i}.PNG`)];
    const plan = keepAll(paths);
    expect(plan.classNames).toEqual(['circle', 'square']);
    expect(plan.counts).toEqual([[4, 1], [8, 2]]);
    expect(plan.splitFolders).toBe(false);
    expect(keepAll([...paths].reverse())).toEqual(plan);
  });

  it('honours train/ and test/ (or val/) folders', () => {
    const plan = keepAll(['train/a/1.png', 'train/a/2.png', 'train/b/1.png', 'val/a/3.png', 'val/b/2.png', 'val/c/1.png', 'notes/x.png']);
    expect(plan.splitFolders).toBe(true);
    expect(plan.classNames).toEqual(['a', 'b']);
    expect(plan.counts).toEqual([[2, 1], [1, 1]]);
    expect(plan.skipped.join('\n')).toMatch(/"val\/c\/1.png": class "c" has no training folder/);
    expect(plan.skipped.join('\n')).toMatch(/"notes\/x.png" is outside the train\/ and test\/ folders/);
  });

  it('skips, naming them: unsafe paths, nested archives, non-images, empty files, loose files; ignores system files', () => {
    const layout = layoutImageFolder([
      ...files('../evil/a.png', '/abs/b/c.png', 'a/../../x.png', 'a/inner.zip', 'a/readme.txt', 'loose.png', 'a/.DS_Store', '__MACOSX/a/._1.png'),
      { path: 'a/empty.png', size: 0 },
      ...files('a/1.png', 'b\\2.png'),
    ]);
    const text = layout.skipped.join('\n');
    for (const name of ['../evil/a.png', '/abs/b/c.png', 'a/../../x.png']) expect(text).toContain(`"${name}" has an unsafe or absolute path`);
    expect(text).toContain('"a/inner.zip" is an archive inside the archive');
    expect(text).toContain('"a/readme.txt" is not an image');
    expect(text).toContain('"a/empty.png" is empty (0 bytes)');
    expect(text).toContain('"loose.png" is not inside a class folder');
    expect(layout.ignoredCount).toBe(2);
    expect(layout.classNames).toEqual(['a', 'b']);
  });

  it('refuses class names differing only in case, and more than 100 classes; names the bad class folders', () => {
    expect(() => layoutImageFolder(files('Cat/1.png', 'cat/2.png'))).toThrow(/"Cat" and "cat" differ only in case/);
    expect(() => layoutImageFolder(files(...Array.from({ length: 101 }, (_, i) => `c${i}/1.png`)))).toThrow(/101 class folders; the limit is 100/);
    const long = 'x'.repeat(65);
    const layout = layoutImageFolder([
      ...files(`${long}/1.png`, 'a/1.png', 'b/1.png'),
      { path: 'caf\\xe9/1.png', size: 10, invalidSegments: [0] },
      { path: 'a/\\xff.png', size: 10, invalidSegments: [1] },
    ]);
    expect(layout.classNames).toEqual(['a', 'b']);
    const text = layout.skipped.join('\n');
    expect(text).toMatch(/has a name of 65 characters \(the limit is 64\)/);
    expect(text).toContain('Class folder "caf\\xe9" has a name that is not valid UTF-8');
    expect(text).toContain('"a/\\xff.png" has a file name that is not valid UTF-8');
  });

  it('refuses a single class and no class; warns of tiny and unbalanced classes; skips duplicates', () => {
    expect(() => keepAll(['only/1.png', 'only/2.png'])).toThrow(ImageFolderError);
    expect(() => keepAll(['only/1.png'])).toThrow(/only one class \("only"\)/);
    const layout = layoutImageFolder(files(...Array.from({ length: 40 }, (_, i) => `big/${i}.png`), 'small/1.png', 'small/2.png', 'small/3.png'));
    const kept = layout.candidates.map((c, k) => ({ candidate: k, digest: c.path === 'small/3.png' ? '0' : String(k) }));
    const plan = finishImageFolder(layout, kept);
    expect(plan.counts[1]).toEqual([1, 1]);
    expect(plan.skipped.join()).toMatch(/"small\/3.png" is a duplicate of "big\/0.png"/);
    expect(plan.warnings.join('\n')).toMatch(/Class "small" has only 2 image/);
    expect(plan.warnings.join('\n')).toMatch(/unbalanced: from 2 to 40/);
  });

  it('estimates memory and refuses beyond the limit, with the estimate', () => {
    const estimate = estimateLoadBytes(10e6, 2000, DEFAULT_CONVERSION, IMAGE_LIMITS.maxPixels);
    expect(estimate).toBe(10e6 + 2000 * 784 * 5 + IMAGE_LIMITS.maxPixels * 8);
    expect(() => checkLoadBytes(estimate)).not.toThrow();
    expect(() => checkLoadBytes(MEMORY_LIMIT_BYTES + 1)).toThrow(/about 1024 MiB of memory, over the 1024 MiB limit/);
    expect(() => checkLoadBytes(estimateLoadBytes(0, 1_000_000, { side: 64, color: 'rgb', invert: 'auto' }, 0))).toThrow(ImageFolderError);
  });
});

describe('zip image folders', () => {
  it('reads a zip: headers checked, bad files skipped by name, the rest kept byte for byte', () => {
    const zip = zipSync({
      'set/a/1.png': png(1),
      'set/a/2.png': png(2),
      'set/b/1.png': [png(3), { level: 0 }],
      'set/b/fake.png': new TextEncoder().encode('not really a png'),
      'set/b/cut.png': png(4).slice(0, 20),
      'set/b/nested.zip': zipSync({ 'x.png': png(5) }),
    });
    const read = readZipImageFolder(zip, DEFAULT_CONVERSION, IMAGE_LIMITS.maxPixels);
    expect(read.layout.classNames).toEqual(['a', 'b']);
    const kept = read.files.flatMap((f, k) => (f === null ? [] : [{ path: read.layout.candidates[k]!.path, f }]));
    expect(kept.map((k) => k.path)).toEqual(['set/a/1.png', 'set/a/2.png', 'set/b/1.png']);
    expect(kept[2]!.f.bytes).toEqual(png(3));
    expect(kept[0]!.f.header).toEqual({ format: 'png', width: 4, height: 4 });
    const text = [...read.layout.skipped, ...read.skipped].join('\n');
    expect(text).toContain('"set/b/fake.png" is not an image in a supported format');
    expect(text).toContain('"set/b/cut.png" is a truncated PNG');
    expect(text).toContain('"set/b/nested.zip" is an archive inside the archive');
    const plan = finishImageFolder(read.layout, kept.map((k, i) => ({ candidate: read.layout.candidates.findIndex((c) => c.path === k.path), digest: digestOf(kept[i]!.f.bytes) })));
    expect(plan.counts).toEqual([[1, 1], [1, 0]]);
  });
});
