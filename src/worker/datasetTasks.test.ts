/** Loading for the session: progress thinned to PROGRESS_INTERVAL_MS (each file's end always shown), the summary. */
import { describe, expect, it } from 'vitest';
import type { SplitDataset } from '../core/data/dataset';
import { AUGMENT_SAMPLES, datasetIdOf, datasetReady, loadWithProgress } from './datasetTasks';
import { PROGRESS_INTERVAL_MS } from './progressBatcher';
import { recorder } from './sessionParts.testing';

const images = (count: number) => ({ pixels: new Uint8Array(count * 4), labels: new Uint8Array(count), count, rows: 2, cols: 2 });
const tiny = { train: images(20), validation: images(5), test: null } as unknown as SplitDataset;

describe('datasetTasks', () => {
  it('posts the loader\'s progress at most every PROGRESS_INTERVAL_MS, and always a file\'s last bytes', async () => {
    const log = recorder();
    const times = [PROGRESS_INTERVAL_MS, PROGRESS_INTERVAL_MS + 1, PROGRESS_INTERVAL_MS + 2, 2 * PROGRESS_INTERVAL_MS + 5];
    const clock = () => times.shift() ?? 0;
    const loaded = await loadWithProgress(
      async (_source, onProgress) => {
        onProgress('images', 10, 100);
        onProgress('images', 20, 100);
        onProgress('images', 100, 100);
        onProgress('labels', 5, 10);
        return tiny;
      },
      { kind: 'embedded', baseUrl: '' },
      log.post,
      clock,
    );
    expect(loaded).toBe(tiny);
    expect(log.ofType('data-progress').map((e) => [e.stage, e.loadedBytes])).toEqual([
      ['images', 10],
      ['images', 100],
      ['labels', 5],
    ]);
  });

  it('names the dataset and shows a few training images', () => {
    expect(datasetIdOf({ kind: 'embedded', baseUrl: '' })).toBe('mnist-10k');
    expect(datasetIdOf({ kind: 'url', id: 'fashion-mnist', baseUrl: 'x' })).toBe('fashion-mnist');
    const { summary } = datasetReady('mnist-10k', tiny);
    expect(summary).toMatchObject({ id: 'mnist-10k', trainCount: 20, validationCount: 5, testCount: 0 });
    expect(summary.samples).toMatchObject({ count: AUGMENT_SAMPLES, rows: 2, cols: 2 });
    expect(summary.samples.pixels.length).toBe(AUGMENT_SAMPLES * 4);
  });
});
