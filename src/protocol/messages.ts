/**
 * The training worker's protocol: discriminated unions in both directions. The UI imports these types only
 * (`import type`), so no training code reaches the main bundle. Typed arrays are transferred, not copied.
 */
import type { TrainConfig } from '../core/config';
import type { DatasetId } from '../core/dataset';
import type { LayerWeightStats } from '../core/weightStats';
import type { BackendName } from './backends';

export type TrainStatus = 'idle' | 'loading' | 'training' | 'paused' | 'done' | 'error';

export interface NamedFile {
  name: string;
  bytes: ArrayBuffer;
}

export type DatasetSource =
  /** The generated 10k subset, served with the app (relative URL of the folder). */
  | { kind: 'embedded'; baseUrl: string }
  /** Files the dev/preview server exposes from MNIST_DIR or FASHION_MNIST_DIR (see scripts/datasetServer.ts). */
  | { kind: 'server'; id: DatasetId; baseUrl: string; fileNames: string[] }
  /** The four standard files under a URL, fetched when online and cached in the browser. */
  | { kind: 'url'; id: DatasetId; baseUrl: string }
  /** The four files chosen by the user in the page. */
  | { kind: 'files'; id: DatasetId; files: NamedFile[] };

export type WorkerRequest =
  | { type: 'init'; forcedBackend: BackendName | null }
  | { type: 'load-dataset'; source: DatasetSource }
  | { type: 'configure'; config: TrainConfig }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset' }
  /** Re-quantize the current latent weights at threshold factor t; training (if running) continues with it. */
  | { type: 'set-threshold'; threshold: number }
  /** Post-training re-quantization sweep of t over the validation split (only while not training). */
  | { type: 'sweep-threshold' };

/** The ternary view of the current latent weights, sent a few times a second and after every threshold change. */
export interface WeightReport {
  globalStep: number;
  /** Threshold factor t the trits were computed at. */
  threshold: number;
  /** The quantizer the views use ('twn' stands in for the float twin, which has none). */
  quantizer: string;
  layers: LayerWeightStats[];
  /** Share of zero trits over all layers. */
  sparsity: number;
  /** Share of trits that changed since the previous report (null for the first one after a reset). */
  flipRatio: number | null;
}

export interface SweepPoint {
  threshold: number;
  sparsity: number;
  accuracy: number;
}

export interface DatasetSummary {
  id: DatasetId;
  trainCount: number;
  validationCount: number;
  testCount: number;
}

export interface ProgressEvent {
  type: 'progress';
  epoch: number;
  stepInEpoch: number;
  stepsPerEpoch: number;
  globalStep: number;
  totalSteps: number;
  learningRate: number;
  /** Training loss of every step since the previous progress event, and the steps they belong to. */
  lossSteps: Uint32Array;
  losses: Float32Array;
}

export type WorkerEvent =
  | { type: 'backend'; backend: BackendName; note: string }
  | { type: 'status'; status: TrainStatus; detail: string }
  | { type: 'data-progress'; stage: string; loadedBytes: number; totalBytes: number | null }
  | { type: 'dataset-ready'; summary: DatasetSummary }
  | ProgressEvent
  | { type: 'validation'; globalStep: number; accuracy: number; loss: number }
  | { type: 'epoch-end'; epoch: number; globalStep: number; validationAccuracy: number; testAccuracy: number | null }
  | { type: 'weights'; report: WeightReport }
  /** Validation accuracy re-evaluated after a threshold change while not training. */
  | { type: 'threshold-evaluation'; threshold: number; accuracy: number; milliseconds: number }
  | { type: 'sweep'; points: SweepPoint[]; currentThreshold: number }
  | { type: 'error'; message: string };
