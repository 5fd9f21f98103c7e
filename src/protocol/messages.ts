/**
 * The training worker's protocol: discriminated unions in both directions. The UI imports these types only
 * (`import type`), so no training code reaches the main bundle. Typed arrays are transferred, not copied.
 */
import type { InferenceSettings, TrainConfig } from '../core/model/config';
import type { DatasetId } from '../core/data/dataset';
import type { OwnDataReport } from '../core/data/ownDataset';
import type { KeywordDataReport } from '../core/audio/keywordDataset';
import type { InputConversion } from '../core/data/imageConversion';
import type { TrainerState } from '../core/run/trainerState';
import type { TritPacking } from '../core/quant/tritBytes';
import type { LayerWeightStats } from '../core/model/weightStats';
import type { BackendName } from '../core/app/backends';

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
  | { kind: 'files'; id: DatasetId; files: NamedFile[] }
  /**
   * The user's own images (core/data/imageFolder.ts): a .zip, or the files of a chosen folder with their paths
   * relative to it; decoded in the worker and converted by `conversion` (side, grey or RGB; invert 'auto' decides
   * from the images' borders).
   */
  | { kind: 'images'; name: string; zip: Blob | null; files: ImageFile[]; conversion: InputConversion }
  /**
   * Spoken keywords in the Speech Commands layout (core/audio/keywordLayout.ts): a .zip, or a chosen folder's files,
   * of word folders of WAV clips; decoded and turned into features in the worker.
   */
  | { kind: 'keywords'; input: KeywordFilesInput }
  /** Clips recorded in the page (1 s of 16 kHz mono PCM each, by word) and recordings of the room's noise. */
  | { kind: 'keyword-clips'; name: string; clips: RecordedClip[]; background: Int16Array[] };

/** A zip of keyword folders, or the files of a chosen folder (zip null). */
export interface KeywordFilesInput {
  name: string;
  zip: Blob | null;
  files: ImageFile[];
}

export interface RecordedClip {
  word: string;
  /** 16,000 samples at 16 kHz. */
  pcm: Int16Array;
}

export interface ImageFile {
  /** Path inside the chosen folder, '/'-separated (webkitRelativePath). */
  path: string;
  file: Blob;
}

/**
 * Faults the URL's ?fault= injects, for tests (a contract other tests rely on): 'nan' puts a non-finite value into
 * the weights a few steps after Train is pressed; 'device-lost' destroys the training backend's WebGPU device
 * once; 'worker-crash' makes the worker die a few steps after Train is pressed.
 */
export type SessionFault = 'nan' | 'device-lost' | 'worker-crash';
export const SESSION_FAULTS: readonly SessionFault[] = ['nan', 'device-lost', 'worker-crash'];

/** A kept run lent as a teacher for knowledge distillation (src/train/teacher.ts): its config and weights. */
export interface TeacherSpec {
  config: TrainConfig;
  /** The run's model variables in model order (TrainerState.variables). */
  variables: Float32Array[];
  /** How the page names the run. */
  label: string;
}

export type WorkerRequest =
  /**
   * forcedBackend: ?backend=NAME; cpuInference: ?inference=cpu runs inference on the CPU reference;
   * fault: ?fault=NAME (tests only).
   */
  | { type: 'init'; forcedBackend: BackendName | null; cpuInference: boolean; fault: SessionFault | null }
  | { type: 'load-dataset'; source: DatasetSource }
  /** Stops a dataset load between two images (own images); the data set and model already there stay. */
  | { type: 'cancel-load' }
  /** preset: the preset the config started from (named in benchmark output), or 'custom'. */
  | { type: 'configure'; config: TrainConfig; preset: string }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset' }
  /**
   * Moves inference-only settings live (the fields given; the others stay): the threshold factor t re-quantizes the
   * current latent weights, shift averaging changes what evaluation computes. The run keeps its weights and steps,
   * and training (if running) continues with them; the next weight report, export and snapshot carry them.
   */
  | { type: 'set-inference-settings'; settings: Partial<InferenceSettings> }
  /** Post-training re-quantization sweep of t over the validation split (only while not training). */
  | { type: 'sweep-threshold' }
  /** Accuracy of the ternary kernels vs the tfjs evaluation of the same quantized model on the held-out split. */
  | { type: 'kernel-evaluate' }
  /** Forward-pass timings of the kernels, tfjs float matMul and the CPU reference at several batch sizes. */
  | { type: 'kernel-benchmark'; batches: number[] }
  /** One 28×28 image (row-major uint8, 0 = background) to classify with the current weights. */
  | { type: 'classify'; requestId: number; pixels: Uint8Array }
  /** The current model at the current threshold as integer-only C (a zip) or ONNX. */
  | { type: 'export'; format: ExportFormat; packing: TritPacking }
  /** Heartbeat: answered with 'pong' at once, whatever the session is doing (a hung or dead worker does not). */
  | { type: 'ping'; id: number }
  /** A new worker takes over a run, or a checkpoint is loaded: the state to continue from (after 'configure'). */
  | { type: 'restore'; state: TrainerState; runId: string | null }
  /** The run's whole state now, for a checkpoint file. */
  | { type: 'capture' }
  /** The confusion matrix and most confident mistakes on the validation split now (also sent at each epoch end). */
  | { type: 'analyze' }
  /** Trains the float twin (weight quantization off, same batches) alongside from the next step, or stops it. */
  | { type: 'set-float-twin'; enabled: boolean }
  /** The teacher whose soft targets the loss adds (with config.distillWeight > 0) from the next step; null: none. */
  | { type: 'set-teacher'; teacher: TeacherSpec | null };

export type ExportFormat = 'c' | 'onnx' | 'pytorch';

export type InferencePath = 'webgpu' | 'cpu';

export interface KernelEvaluation {
  path: InferencePath;
  split: 'test' | 'validation';
  count: number;
  kernels: string[];
  kernelAccuracy: number;
  kernelMs: number;
  tfjsAccuracy: number;
  tfjsMs: number;
  /** Share of examples on which kernel and tfjs predict the same class. */
  agreement: number;
}

/** One line of `npm run bench:kernel` and of the in-page benchmark. */
export interface KernelBenchRow {
  kernel: string;
  preset: string;
  batch: number;
  /** Median forward time of our kernels (upload, all layers, readback), ms. */
  ms: number;
  /** Median forward time of the same network as float32 tfjs matMul on its backend, ms. */
  tfjsMs: number;
  /** tfjsMs / ms */
  speedup: number;
  /** Median time of the CPU reference (only for batches up to 1024), ms. */
  cpuMs: number | null;
  predictionsAgree: boolean;
  /** Share of identical predictions between the kernels and tfjs's quantized model. */
  agreement: number;
  weightBytes: number;
  tfjsWeightBytes: number;
}

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
  /** The classes in label order: the model's outputs. */
  classNames: readonly string[];
  /** An image-folder data set's report (classes with counts, samples, warnings, skipped files); null for IDX ones. */
  own: OwnDataReport | null;
  /** A keyword data set's report (words with [train, validation, test] counts, feature samples, warnings); else null. */
  keywords: KeywordDataReport | null;
  trainCount: number;
  validationCount: number;
  testCount: number;
  /** The first few training images (count × rows × cols × channels uint8, NHWC; channels absent: 1), to show what augmentation does to them. */
  samples: { pixels: Uint8Array; count: number; rows: number; cols: number; channels?: number };
}

export interface ProgressEvent {
  type: 'progress';
  epoch: number;
  stepInEpoch: number;
  stepsPerEpoch: number;
  globalStep: number;
  totalSteps: number;
  learningRate: number;
  /** The longest single step since the previous progress event, ms (the bridge's heartbeat allows for it). */
  slowestStepMs: number;
  /** Training loss of every step since the previous progress event, and the steps they belong to. */
  lossSteps: Uint32Array;
  losses: Float32Array;
  /** The float twin's loss at the same steps (NaN where it did not step), or null without a twin. */
  twinLosses: Float32Array | null;
  /** Mean time of the run's steps since the previous progress event, and of the twin's, ms (null: none timed). */
  stepMs: number | null;
  twinStepMs: number | null;
}

/** What the model gets wrong on a split (core/run/mistakes.ts). */
export interface MistakeAnalysis {
  globalStep: number;
  split: 'validation' | 'test';
  count: number;
  classCount: number;
  /** counts[true · classCount + predicted]. */
  matrix: Uint32Array;
  mistakes: { index: number; label: number; predicted: number; confidence: number }[];
  /** The mistakes' images, rows·cols·channels uint8 each (NHWC), in the order of `mistakes`. */
  images: Uint8Array;
  /** For a keyword data set: each mistake's clip (16 kHz PCM), to play it; absent for images. */
  clips?: Int16Array[];
  rows: number;
  cols: number;
  /** 1 (grey) or 3 (RGB own images); absent: 1. */
  channels?: number;
}

/** One conv layer's output for one image: (height, width, channels) row-major, channel fastest (NHWC). */
export interface FeatureMap {
  layer: number;
  height: number;
  width: number;
  channels: number;
  values: Float32Array;
}

export type WorkerEvent =
  /**
   * timings: the step times measured to choose it (null when forced, when only one backend starts, or while they
   * are being measured). measuring: a background measurement is under way and may move the run to a faster backend.
   */
  | { type: 'backend'; backend: BackendName; note: string; timings: { backend: BackendName; stepMs: number | null }[] | null; measuring: boolean }
  | { type: 'status'; status: TrainStatus; detail: string }
  | { type: 'data-progress'; stage: string; loadedBytes: number; totalBytes: number | null }
  | { type: 'dataset-ready'; summary: DatasetSummary }
  /** The user's own images were refused (or the load cancelled): why, naming the file or folder; the old data stay. */
  | { type: 'own-data-error'; message: string }
  | ProgressEvent
  /** twin*: the float twin's figures at the same step, null without a twin. */
  | { type: 'validation'; globalStep: number; accuracy: number; loss: number; twinAccuracy: number | null }
  | {
      type: 'epoch-end';
      epoch: number;
      globalStep: number;
      validationAccuracy: number;
      testAccuracy: number | null;
      twinValidationAccuracy: number | null;
      twinTestAccuracy: number | null;
    }
  | { type: 'weights'; report: WeightReport }
  /** Validation accuracy re-evaluated after an inference-settings move while not training, with the settings in force. */
  | { type: 'inference-evaluation'; settings: InferenceSettings; accuracy: number; milliseconds: number }
  | { type: 'sweep'; points: SweepPoint[]; currentThreshold: number }
  | { type: 'inference-path'; path: InferencePath; adapter: string; hasDot4: boolean }
  | { type: 'kernel-evaluation'; result: KernelEvaluation }
  | { type: 'kernel-benchmark'; rows: KernelBenchRow[]; path: InferencePath; backend: string }
  | {
      type: 'classification';
      requestId: number;
      probabilities: Float32Array;
      path: InferencePath;
      milliseconds: number;
      /** Each conv layer's output for this image (after pooling), NHWC; empty for an MLP. */
      featureMaps: FeatureMap[];
    }
  /** An export to download; note says what was measured while making it. */
  | { type: 'export-ready'; format: ExportFormat; fileName: string; bytes: Uint8Array; note: string }
  | { type: 'export-failed'; format: ExportFormat; message: string }
  /**
   * The last good state of the run (null when the run was reset), with what it belongs to: a restarted worker
   * resumes from it, and the page autosaves it under runId in its run list.
   */
  | { type: 'snapshot'; runId: string | null; state: TrainerState | null; config: TrainConfig | null; preset: string; datasetId: DatasetId }
  | { type: 'pong'; id: number }
  /** Answer to 'capture': the state and what it belongs to. */
  | { type: 'captured'; state: TrainerState; config: TrainConfig; preset: string; datasetId: DatasetId }
  /** The run went back to the state of this step (a lost GPU, a restarted worker): curves past it are dropped. */
  | { type: 'run-restored'; globalStep: number; reason: string }
  /** Training diverged: the last good state (of restoredStep) is back and training is paused. */
  | { type: 'diverged'; failedStep: number; restoredStep: number; message: string }
  | { type: 'analysis'; analysis: MistakeAnalysis }
  /** The float twin diverged and stopped (the run goes on); the page unticks float-twin and says why. */
  | { type: 'float-twin-stopped'; message: string }
  /**
   * Answer to 'set-teacher': the teacher in use (label null: none) and its accuracy on this dataset's validation
   * split; message says why a teacher was refused ('' when it was not).
   */
  | { type: 'teacher'; label: string | null; validationAccuracy: number | null; message: string }
  | { type: 'error'; message: string };

/** How the worker's parts send an event to the page (postMessage in the worker; a list in tests). */
export type PostEvent = (event: WorkerEvent, transfer?: Transferable[]) => void;
