/**
 * What the training session needs from where it runs: the worker gives it postMessage, performance.now, the real
 * dataset loader and the GPU's fate; the tests give it a list, a fake clock and the embedded data.
 */
import type { BackendName } from '../core/app/backends';
import type { PostEvent } from '../protocol/messages';
import type { LoadDataset } from './datasetTasks';

export interface SessionDeps {
  post: PostEvent;
  /** Milliseconds, monotonic (performance.now in the worker). */
  now: () => number;
  loadDataset: LoadDataset;
  /** Lets other events in between two training steps (a macrotask in the worker). */
  yieldToEvents: () => Promise<void>;
  /** The training backend's GPU: why it was lost (null while it is fine, or without a GPU backend). */
  gpuLostReason: () => string | null;
  /** Moves TensorFlow.js to the next usable backend after a lost GPU; returns its name. */
  fallBackFromGpu: () => Promise<BackendName>;
  /** Fault injection: destroys the training backend's WebGPU device (?fault=device-lost). */
  loseGpu: () => void;
  /** Fault injection: ends the worker (?fault=worker-crash). */
  crash: () => void;
}
