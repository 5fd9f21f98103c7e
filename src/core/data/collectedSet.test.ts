import { describe, expect, it } from 'vitest';
import { classNameProblem, collectedSetZip, readinessProblem, type CollectedClass } from './collectedSet';
import { DEFAULT_CONVERSION } from './imageConversion';
import { IMAGE_LIMITS } from './imageHeader';
import { readZipImageFolder } from './imageFolder';
import { encodePng } from './png';

const drawing = (seed: number) => encodePng(Uint8Array.from({ length: 64 }, (_, i) => (i * seed) % 256), 8, 8, 1);
const set = (counts: Record<string, number>): CollectedClass[] =>
  Object.entries(counts).map(([name, n], c) => ({ name, samples: Array.from({ length: n }, (_, i) => drawing(c * 100 + i + 1)) }));

describe('collected sets', () => {
  it('check class names: empty, too long, path characters, duplicates ignoring case', () => {
    const existing = set({ circle: 1 });
    expect(classNameProblem('  ', existing)).toMatch(/name/);
    expect(classNameProblem('x'.repeat(65), existing)).toMatch(/at most 64/);
    expect(classNameProblem('a/b', existing)).toMatch(/cannot hold/);
    expect(classNameProblem('.hidden', existing)).toMatch(/start with a dot/);
    expect(classNameProblem('Circle', existing)).toMatch(/"Circle" already/);
    expect(classNameProblem('square', existing)).toBeNull();
  });

  it('are ready with two classes of ten drawings each', () => {
    expect(readinessProblem(set({ a: 12 }))).toMatch(/at least 2 classes/);
    expect(readinessProblem(set({ a: 12, b: 9 }))).toBe('Each class needs 10 drawings: "b" has 9.');
    expect(readinessProblem(set({ a: 10, b: 10 }))).toBeNull();
  });

  it('download as the image-folder layout and read back the same drawings, byte for byte', () => {
    const classes = set({ circle: 12, square: 11, 'tri ángulo': 10 });
    const zip = collectedSetZip(classes);
    expect(collectedSetZip(classes)).toEqual(zip);
    const read = readZipImageFolder(zip, DEFAULT_CONVERSION, IMAGE_LIMITS.maxPixels);
    expect(read.layout.classNames).toEqual(['circle', 'square', 'tri ángulo']);
    const byClass = classes.map((_, c) => read.layout.candidates.flatMap((candidate, k) => (candidate.classIndex === c ? [read.files[k]!.bytes] : [])));
    byClass.forEach((files, c) => expect(files).toEqual(classes[c]!.samples));
  });
});
