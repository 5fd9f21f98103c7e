/**
 * Loading a dataset for the session: the loader's progress posted at most every PROGRESS_INTERVAL_MS (and at the
 * end of each file), and the summary the page shows once the dataset is ready.
 */
import { channelsOfSet, spreadSample, type DatasetId, type SplitDataset } from '../core/data/dataset';
import type { DatasetSource, PostEvent, WorkerEvent } from '../protocol/messages';
import { PROGRESS_INTERVAL_MS } from './progressBatcher';

/** Training images sent to the page to show augmentation on, spread over the classes. */
export const AUGMENT_SAMPLES = 8;

/** cancelled: checked between images while own images are decoded; true stops the load with an error. */
export type LoadDataset = (
  source: DatasetSource,
  onProgress: (stage: string, loadedBytes: number, totalBytes: number | null) => void,
  cancelled: () => boolean,
) => Promise<SplitDataset>;

/** Loads `source` with `load`, posting its progress; throws what the loader throws. */
export function loadWithProgress(load: LoadDataset, source: DatasetSource, post: PostEvent, now: () => number, cancelled: () => boolean = () => false): Promise<SplitDataset> {
  let lastPost = 0;
  return load(
    source,
    (stage, loadedBytes, totalBytes) => {
      const time = now();
      if (time - lastPost < PROGRESS_INTERVAL_MS && totalBytes !== loadedBytes) return;
      lastPost = time;
      post({ type: 'data-progress', stage, loadedBytes, totalBytes });
    },
    cancelled,
  );
}

/** The dataset a source holds: the embedded one is the 10k subset of MNIST; images and keywords are the user's own. */
export function datasetIdOf(source: DatasetSource): DatasetId {
  switch (source.kind) {
    case 'embedded':
      return 'mnist-10k';
    case 'images':
      return 'own';
    case 'keywords':
    case 'keyword-clips':
      return 'keywords';
    default:
      return source.id;
  }
}

/**
 * Whether a failed load of `source` is the user's own data refused (posted as `own-data-error`, naming the file;
 * the data set and model already there stay) rather than a built-in data set that could not be fetched.
 */
export function isUserSource(source: DatasetSource): boolean {
  return source.kind === 'images' || source.kind === 'keywords' || source.kind === 'keyword-clips';
}

/** What the page shows of a loaded dataset: its split sizes and a few training images. */
export function datasetReady(id: DatasetId, loaded: SplitDataset): Extract<WorkerEvent, { type: 'dataset-ready' }> {
  const { train } = loaded;
  const shown = spreadSample(train, AUGMENT_SAMPLES);
  return {
    type: 'dataset-ready',
    summary: {
      id,
      classNames: loaded.classNames,
      own: loaded.report ?? null,
      keywords: loaded.keywords ?? null,
      trainCount: train.count,
      validationCount: loaded.validation.count,
      testCount: loaded.test?.count ?? 0,
      samples: {
        pixels: shown.pixels,
        count: shown.count,
        rows: train.rows,
        cols: train.cols,
        channels: channelsOfSet(train),
      },
    },
  };
}
