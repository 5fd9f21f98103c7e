import { describe, expect, it } from 'vitest';
import { spreadOverClasses, spreadSample, type ImageSet } from './dataset';

describe('spreadOverClasses', () => {
  it('takes the images of a set ordered by class round robin, label by label', () => {
    // 3 classes of 4, 2 and 3 images, in class order as an own image folder is.
    const labels = [0, 0, 0, 0, 1, 1, 2, 2, 2];
    expect(spreadOverClasses(labels, 8)).toEqual([0, 4, 6, 1, 5, 7, 2, 8]);
  });

  it('orders rounds by label, not by first appearance, and stops at the set size', () => {
    expect(spreadOverClasses([2, 1, 0, 2], 8)).toEqual([2, 1, 0, 3]);
    expect(spreadOverClasses([], 8)).toEqual([]);
    expect(spreadOverClasses([5, 5, 5], 2)).toEqual([0, 1]);
  });
});

describe('spreadSample', () => {
  it('copies the chosen images (every channel) with their labels', () => {
    // 4 images of 1×1 RGB: values 10·i + channel.
    const set: ImageSet = { count: 4, rows: 1, cols: 1, channels: 3, pixels: Uint8Array.from({ length: 12 }, (_, v) => 10 * Math.floor(v / 3) + (v % 3)), labels: Uint8Array.from([0, 0, 1, 1]) };
    const sample = spreadSample(set, 2);
    expect(sample.count).toBe(2);
    expect(Array.from(sample.labels)).toEqual([0, 1]);
    expect(Array.from(sample.pixels)).toEqual([0, 1, 2, 20, 21, 22]);
  });
});
