/**
 * The app's one zustand store, built from typed slices. Actions are named for the events they record
 * ("workerReportedProgress", "userChoseDataset"); components read through the selector hooks in hooks.ts.
 * The store never talks to the worker itself: the bridge (workerBridge.ts and the parts it wires) owns the Worker
 * and calls these actions.
 */
import { create, createStore, type StateCreator, type StoreApi } from 'zustand';
import type { Checkpoint } from '../core/run/checkpoint';
import { PRESETS, type PresetId, type TrainConfig } from '../core/model/config';
import type { DatasetId } from '../core/data/dataset';
import type { InputConversion } from '../core/data/imageConversion';
import { appendBounded, mean, type SeriesPoint, type SparsityPoint } from '../core/run/series';
import type { TritPacking } from '../core/quant/tritBytes';
import type {
  DatasetSummary,
  ExportFormat,
  FeatureMap,
  InferencePath,
  KernelBenchRow,
  KernelEvaluation,
  MistakeAnalysis,
  ProgressEvent,
  SweepPoint,
  TrainStatus,
  WeightReport,
} from '../protocol/messages';
import type { BackendName } from '../core/app/backends';
import type { RunSummary } from './autosave';
import type { AwaitedData } from './awaitedData';
import { CHIP_POWER, type ChipPower } from '../core/export/powerEstimate';

/** Points per live series: enough for a smooth curve, few enough for a chart to redraw in a few ms. */
const SERIES_LIMIT = 300;

export interface SessionSlice {
  status: TrainStatus;
  statusDetail: string;
  backend: BackendName | null;
  backendNote: string;
  /** Step times measured to choose the backend, fastest first (null when forced or only one starts). */
  backendTimings: { backend: BackendName; stepMs: number | null }[] | null;
  /** A background measurement of the backends is under way; the run may move to a faster one when it ends. */
  backendMeasuring: boolean;
  /** Train was pressed and the worker has not started the run yet (it may still be starting): shown at once. */
  trainRequested: boolean;
  errorMessage: string | null;
  dataProgress: { stage: string; loadedBytes: number; totalBytes: number | null } | null;
  workerReportedStatus: (status: TrainStatus, detail: string) => void;
  workerReportedBackend: (backend: BackendName, note: string, timings: SessionSlice['backendTimings'], measuring: boolean) => void;
  userPressedTrain: () => void;
  workerReportedDataProgress: (stage: string, loadedBytes: number, totalBytes: number | null) => void;
  errorOccurred: (message: string) => void;
  userDismissedError: () => void;
}

export interface ServerDataset {
  id: DatasetId;
  fileNames: string[];
}

export interface DatasetSlice {
  /** The dataset the worker holds now (changes only when a load succeeds). */
  datasetId: DatasetId;
  serverDatasets: ServerDataset[];
  datasetSummary: DatasetSummary | null;
  serverListedDatasets: (datasets: ServerDataset[]) => void;
  workerLoadedDataset: (summary: DatasetSummary) => void;
  /** Why the user's own images were refused; null while none was (cleared by the next load). */
  ownDataError: string | null;
  /** True from sending own images to the worker until they loaded or were refused. */
  ownDataLoading: boolean;
  /** Which panel the last own load came from (its progress and refusal show there): images or keywords. */
  ownDataKind: 'images' | 'keywords';
  userLoadedOwnImages: (kind?: 'images' | 'keywords') => void;
  workerRefusedOwnData: (message: string) => void;
  /** Own images or keyword clips a link or a kept run needs, until a data set other than the embedded one loads or Train is pressed. */
  awaitedData: AwaitedData | null;
  userDataAwaited: (awaited: AwaitedData | null) => void;
}

export interface ConfigSlice {
  presetId: PresetId;
  config: TrainConfig;
  /** Bumped whenever the form's fields are replaced wholesale (a preset chosen or restored), to reset their text. */
  configRevision: number;
  userChosePreset: (id: PresetId) => void;
  userEditedConfig: (patch: Partial<TrainConfig>) => void;
  /** A share link's setup replaces the form (already validated). */
  sharedSetupOpened: (presetId: PresetId, config: TrainConfig) => void;
}

export interface EpochPoint {
  epoch: number;
  globalStep: number;
  validationAccuracy: number;
  testAccuracy: number | null;
  twinValidationAccuracy?: number | null;
  twinTestAccuracy?: number | null;
}

/** The run's position as the last progress event gave it, and what the page has measured of the run. */
export interface MetricsSlice extends Pick<ProgressEvent, 'epoch' | 'stepInEpoch' | 'stepsPerEpoch' | 'globalStep' | 'totalSteps' | 'learningRate'> {
  lastLoss: number | null;
  validationAccuracy: number | null;
  testAccuracy: number | null;
  lossSeries: SeriesPoint[];
  validationSeries: SeriesPoint[];
  epochSeries: EpochPoint[];
  /** Whether the float twin trains alongside (the user's toggle). */
  floatTwin: boolean;
  /** The float twin's curves, at the same steps as the run's. */
  twinLossSeries: SeriesPoint[];
  twinValidationSeries: SeriesPoint[];
  twinValidationAccuracy: number | null;
  /** Mean step time now, ms, of the run and of its twin (the step rates). */
  stepMs: number | null;
  twinStepMs: number | null;
  userToggledFloatTwin: (enabled: boolean) => void;
  /** Confusion matrix and most confident mistakes, from the last epoch end or request. */
  analysis: MistakeAnalysis | null;
  workerReportedAnalysis: (analysis: MistakeAnalysis) => void;
  workerReportedProgress: (event: ProgressEvent) => void;
  workerReportedValidation: (globalStep: number, accuracy: number, twinAccuracy: number | null) => void;
  workerReportedEpochEnd: (point: EpochPoint) => void;
  /** The worker went back to the state of this step (after a divergence): curves past it are dropped. */
  workerRestoredRun: (globalStep: number) => void;
  /** A checkpoint replaced the run: its config and its recorded curves. */
  userLoadedCheckpoint: (checkpoint: Pick<Checkpoint, 'config' | 'preset' | 'curves'>, globalStep: number) => void;
  metricsCleared: () => void;
}


export interface WeightsSlice {
  /** Latest ternary view of the weights. High-frequency: canvases subscribe to it rather than re-render. */
  weightReport: WeightReport | null;
  sparsitySeries: SparsityPoint[];
  /** Validation accuracy re-measured after the last threshold move while not training. */
  thresholdEvaluation: { threshold: number; accuracy: number; milliseconds: number } | null;
  sweep: { points: SweepPoint[]; currentThreshold: number } | null;
  workerReportedWeights: (report: WeightReport) => void;
  workerReportedThresholdEvaluation: (threshold: number, accuracy: number, milliseconds: number) => void;
  workerReportedSweep: (points: SweepPoint[], currentThreshold: number) => void;
}

export interface InferenceSlice {
  inferencePath: { path: InferencePath; adapter: string; hasDot4: boolean } | null;
  kernelEvaluation: KernelEvaluation | null;
  kernelBench: { rows: KernelBenchRow[]; path: InferencePath; backend: string } | null;
  /** Which kernel task runs now, if any. */
  kernelTask: 'evaluate' | 'benchmark' | null;
  /**
   * The newest drawing's answer: `milliseconds` the inference itself took in the worker, `roundTripMs` from the
   * request leaving the page to the answer arriving (what a user waits: a training step or report may go first).
   */
  prediction: { probabilities: Float32Array; path: InferencePath; milliseconds: number; roundTripMs: number; featureMaps: FeatureMap[] } | null;
  workerReportedInferencePath: (path: InferencePath, adapter: string, hasDot4: boolean) => void;
  userStartedKernelTask: (task: 'evaluate' | 'benchmark') => void;
  workerReportedKernelEvaluation: (result: KernelEvaluation) => void;
  workerReportedKernelBench: (rows: KernelBenchRow[], path: InferencePath, backend: string) => void;
  workerClassified: (probabilities: Float32Array, path: InferencePath, milliseconds: number, roundTripMs: number, featureMaps: FeatureMap[]) => void;
  predictionCleared: () => void;
  kernelTaskFailed: () => void;
}

export interface ResumeSlice {
  /**
   * An autosaved run a reloaded page can resume, summarised for the offer (epoch: the one it is in, 1..epochs), with
   * the data it trained on: it resumes once that data set is loaded (own images and clips must be loaded again).
   */
  resumeOffer: { id: string; step: number; epoch: number; preset: string; savedAt: number; datasetId: DatasetId; classNames: readonly string[] | null; conversion?: InputConversion | null } | null;
  autosaveReadOffer: (offer: ResumeSlice['resumeOffer']) => void;
  /** The step of the last autosave that reached the browser's storage. */
  autosavedStep: number | null;
  autosaveWritten: (step: number) => void;
  /** The runs kept in this browser, newest first (the run list). */
  runs: RunSummary[];
  /** The runs ticked for the comparison chart. */
  comparedRunIds: string[];
  /** The share link last copied, shown so it can be copied by hand where the clipboard is refused. */
  shareLink: { url: string; copied: boolean } | null;
  runsListed: (runs: RunSummary[]) => void;
  userToggledCompared: (id: string) => void;
  shareLinkMade: (url: string, copied: boolean) => void;
  /** The kept run lent as a teacher (knowledge distillation), and how the worker took it; null: none. */
  teacher: TeacherChoice | null;
  teacherChosen: (teacher: TeacherChoice | null) => void;
  workerReportedTeacher: (label: string | null, validationAccuracy: number | null, message: string) => void;
}

export interface TeacherChoice {
  runId: string;
  label: string;
  /** 'loading' until the worker answers; 'refused' with message when it could not use the run. */
  state: 'loading' | 'ready' | 'refused';
  validationAccuracy: number | null;
  message: string;
}

export interface DeploySlice {
  /** Trit packing of the C export: 'base3' (smallest, the default) or 'base4' (fastest). */
  exportPacking: TritPacking;
  /** The export being made now, if any. */
  exportTask: ExportFormat | null;
  /** What the last export produced, or why it could not. */
  exportResult: { format: ExportFormat; ok: boolean; message: string; fileName: string | null; byteLength: number } | null;
  /**
   * The microcontroller budget the user chose for the meter: a listed target's id, or 'custom' with its sizes; null
   * until they choose, while the meter uses the data set's default (mcuFootprint.ts defaultMcuTarget).
   */
  mcuTarget: { id: string; flashBytes: number; ramBytes: number } | null;
  userChoseMcuTarget: (target: { id: string; flashBytes: number; ramBytes: number }) => void;
  /** The chip whose datasheet figures the keyword detector's power estimate uses, as listed or as the user edited them. */
  powerChip: ChipPower;
  /** Detection rate of the power estimate: 1 s windows classified per second. */
  windowsPerSecond: number;
  userChosePowerChip: (chip: ChipPower) => void;
  userChoseWindowsPerSecond: (rate: number) => void;
  userChosePacking: (packing: TritPacking) => void;
  userStartedExport: (format: ExportFormat) => void;
  workerExported: (format: ExportFormat, fileName: string, byteLength: number, note: string) => void;
  workerExportFailed: (format: ExportFormat, message: string) => void;
}

export type AppState = SessionSlice & DatasetSlice & ConfigSlice & MetricsSlice & WeightsSlice & InferenceSlice & DeploySlice & ResumeSlice;

const createSessionSlice: StateCreator<AppState, [], [], SessionSlice> = (set) => ({
  status: 'idle',
  statusDetail: 'starting',
  backend: null,
  backendNote: '',
  backendTimings: null,
  backendMeasuring: false,
  trainRequested: false,
  errorMessage: null,
  dataProgress: null,
  workerReportedStatus: (status, detail) =>
    set((state) => ({
      status,
      statusDetail: detail,
      dataProgress: status === 'loading' ? state.dataProgress : null,
      // Idle and loading come before a requested run starts; any other status answers the request.
      trainRequested: state.trainRequested && (status === 'idle' || status === 'loading'),
    })),
  workerReportedBackend: (backend, backendNote, timings, backendMeasuring) =>
    // A later change (a lost GPU) keeps the measurement that chose the first backend.
    set((state) => ({ backend, backendNote, backendTimings: timings ?? state.backendTimings, backendMeasuring })),
  // Training on what is loaded answers a wait for the user's data: the page no longer asks for it.
  userPressedTrain: () => set({ trainRequested: true, awaitedData: null }),
  workerReportedDataProgress: (stage, loadedBytes, totalBytes) => set({ dataProgress: { stage, loadedBytes, totalBytes } }),
  errorOccurred: (message) => set({ errorMessage: message }),
  userDismissedError: () => set({ errorMessage: null }),
});

/** The preset a keyword data set trains: a small CNN over the 28×28 log-mel features. */
export const KEYWORD_PRESET: PresetId = 'kws';

const createDatasetSlice: StateCreator<AppState, [], [], DatasetSlice> = (set) => ({
  datasetId: 'mnist-10k',
  serverDatasets: [],
  datasetSummary: null,
  serverListedDatasets: (serverDatasets) => set({ serverDatasets }),
  workerLoadedDataset: (datasetSummary) =>
    set((state) => ({
      datasetSummary,
      datasetId: datasetSummary.id,
      // The embedded subset is what the page loads meanwhile; any other data set is the user's answer.
      awaitedData: datasetSummary.id === 'mnist-10k' ? state.awaitedData : null,
      ownDataLoading: false,
      ownDataError: null,
      // Image presets make no sense on sound: keywords train the kws preset (chosen once they have loaded, so a refused load keeps the model).
      ...(datasetSummary.id === 'keywords' && state.presetId !== KEYWORD_PRESET ? { presetId: KEYWORD_PRESET, config: { ...PRESETS[KEYWORD_PRESET] }, configRevision: state.configRevision + 1 } : {}),
    })),
  ownDataError: null,
  ownDataLoading: false,
  ownDataKind: 'images',
  userLoadedOwnImages: (ownDataKind = 'images') => set({ ownDataError: null, ownDataLoading: true, ownDataKind }),
  workerRefusedOwnData: (ownDataError) => set({ ownDataError, ownDataLoading: false }),
  awaitedData: null,
  userDataAwaited: (awaitedData) => set({ awaitedData }),
});

const createConfigSlice: StateCreator<AppState, [], [], ConfigSlice> = (set) => ({
  presetId: 'seed',
  config: { ...PRESETS.seed },
  configRevision: 0,
  userChosePreset: (presetId) => set((state) => ({ presetId, config: { ...PRESETS[presetId] }, configRevision: state.configRevision + 1 })),
  userEditedConfig: (patch) => set((state) => ({ config: { ...state.config, ...patch } })),
  sharedSetupOpened: (presetId, config) => set((state) => ({ presetId, config, configRevision: state.configRevision + 1 })),
});

const emptyMetrics = {
  epoch: 0,
  stepInEpoch: 0,
  stepsPerEpoch: 0,
  globalStep: 0,
  totalSteps: 0,
  learningRate: 0,
  lastLoss: null,
  validationAccuracy: null,
  testAccuracy: null,
  lossSeries: [],
  validationSeries: [],
  epochSeries: [],
  analysis: null,
  twinLossSeries: [],
  twinValidationSeries: [],
  twinValidationAccuracy: null,
  stepMs: null,
  twinStepMs: null,
};

/** Mean of the finite values of a block (NaN marks steps the twin did not take); null when there are none. */
function finiteMean(values: Float32Array): number | null {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (Number.isFinite(value)) {
      sum += value;
      count++;
    }
  }
  return count === 0 ? null : sum / count;
}

const createMetricsSlice: StateCreator<AppState, [], [], MetricsSlice> = (set, get) => ({
  ...emptyMetrics,
  floatTwin: false,
  userToggledFloatTwin: (floatTwin) => set({ floatTwin }),
  workerReportedProgress: (event) =>
    set((state) => {
      const blockLoss = mean(event.losses);
      const lastStep = event.lossSteps[event.lossSteps.length - 1];
      const twinLoss = event.twinLosses ? finiteMean(event.twinLosses) : null;
      return {
        stepMs: event.stepMs ?? state.stepMs,
        twinStepMs: event.twinLosses ? (event.twinStepMs ?? state.twinStepMs) : state.twinStepMs,
        twinLossSeries:
          lastStep === undefined || twinLoss === null
            ? state.twinLossSeries
            : appendBounded(state.twinLossSeries, [{ step: lastStep, value: twinLoss }], SERIES_LIMIT),
        epoch: event.epoch,
        stepInEpoch: event.stepInEpoch,
        stepsPerEpoch: event.stepsPerEpoch,
        globalStep: event.globalStep,
        totalSteps: event.totalSteps,
        learningRate: event.learningRate || state.learningRate,
        lastLoss: event.losses.length > 0 ? event.losses[event.losses.length - 1]! : state.lastLoss,
        lossSeries:
          lastStep === undefined
            ? state.lossSeries
            : appendBounded(state.lossSeries, [{ step: lastStep, value: blockLoss }], SERIES_LIMIT),
      };
    }),
  workerReportedValidation: (globalStep, accuracy, twinAccuracy) =>
    set((state) => ({
      twinValidationAccuracy: twinAccuracy ?? state.twinValidationAccuracy,
      twinValidationSeries:
        twinAccuracy === null ? state.twinValidationSeries : appendBounded(state.twinValidationSeries, [{ step: globalStep, value: twinAccuracy }], SERIES_LIMIT),
      validationAccuracy: accuracy,
      validationSeries: appendBounded(state.validationSeries, [{ step: globalStep, value: accuracy }], SERIES_LIMIT),
    })),
  workerReportedEpochEnd: (point) =>
    set((state) => ({
      testAccuracy: point.testAccuracy ?? state.testAccuracy,
      epochSeries: [...state.epochSeries, point],
    })),
  workerReportedAnalysis: (analysis) => set({ analysis }),
  workerRestoredRun: (globalStep) =>
    set((state) => ({
      globalStep,
      analysis: state.analysis && state.analysis.globalStep <= globalStep ? state.analysis : null,
      lossSeries: state.lossSeries.filter((p) => p.step <= globalStep),
      validationSeries: state.validationSeries.filter((p) => p.step <= globalStep),
      twinLossSeries: state.twinLossSeries.filter((p) => p.step <= globalStep),
      twinValidationSeries: state.twinValidationSeries.filter((p) => p.step <= globalStep),
      epochSeries: state.epochSeries.filter((p) => p.globalStep <= globalStep),
      sparsitySeries: state.sparsitySeries.filter((p) => p.step <= globalStep),
    })),
  userLoadedCheckpoint: (checkpoint, globalStep) =>
    set({
      ...emptyMetrics,
      config: checkpoint.config,
      configRevision: get().configRevision + 1,
      presetId: checkpoint.preset in PRESETS ? (checkpoint.preset as PresetId) : 'seed',
      globalStep,
      lossSeries: checkpoint.curves.loss,
      validationSeries: checkpoint.curves.validation,
      validationAccuracy: checkpoint.curves.validation[checkpoint.curves.validation.length - 1]?.value ?? null,
      // The last recorded point of the loss curve (a block mean), until the run's next step reports its own.
      lastLoss: checkpoint.curves.loss[checkpoint.curves.loss.length - 1]?.value ?? null,
      epochSeries: checkpoint.curves.epochs,
      sparsitySeries: checkpoint.curves.sparsity ?? [],
      thresholdEvaluation: null,
      sweep: null,
    }),
  metricsCleared: () => set({ ...emptyMetrics, sparsitySeries: [], thresholdEvaluation: null, sweep: null }),
});

const createWeightsSlice: StateCreator<AppState, [], [], WeightsSlice> = (set) => ({
  weightReport: null,
  sparsitySeries: [],
  thresholdEvaluation: null,
  sweep: null,
  workerReportedWeights: (report) =>
    set((state) => {
      const point = {
        step: report.globalStep,
        overall: report.sparsity,
        layers: report.layers.map((layer) => layer.counts.zero / layer.codes.length),
      };
      // One point per step: a later report for the same step (threshold moved) replaces the earlier one.
      const kept = state.sparsitySeries.filter((p) => p.step !== report.globalStep);
      return { weightReport: report, sparsitySeries: appendBounded(kept, [point], SERIES_LIMIT) };
    }),
  workerReportedThresholdEvaluation: (threshold, accuracy, milliseconds) =>
    set({ thresholdEvaluation: { threshold, accuracy, milliseconds }, validationAccuracy: accuracy }),
  workerReportedSweep: (points, currentThreshold) => set({ sweep: { points, currentThreshold } }),
});

const createInferenceSlice: StateCreator<AppState, [], [], InferenceSlice> = (set) => ({
  inferencePath: null,
  kernelEvaluation: null,
  kernelBench: null,
  kernelTask: null,
  prediction: null,
  workerReportedInferencePath: (path, adapter, hasDot4) => set({ inferencePath: { path, adapter, hasDot4 } }),
  userStartedKernelTask: (kernelTask) => set({ kernelTask }),
  workerReportedKernelEvaluation: (kernelEvaluation) => set({ kernelEvaluation, kernelTask: null }),
  workerReportedKernelBench: (rows, path, backend) => set({ kernelBench: { rows, path, backend }, kernelTask: null }),
  workerClassified: (probabilities, path, milliseconds, roundTripMs, featureMaps) => set({ prediction: { probabilities, path, milliseconds, roundTripMs, featureMaps } }),
  predictionCleared: () => set({ prediction: null }),
  kernelTaskFailed: () => set({ kernelTask: null }),
});

const createDeploySlice: StateCreator<AppState, [], [], DeploySlice> = (set) => ({
  exportPacking: 'base3',
  mcuTarget: null,
  userChoseMcuTarget: (mcuTarget) => set({ mcuTarget }),
  powerChip: CHIP_POWER[0]!,
  windowsPerSecond: 4,
  userChosePowerChip: (powerChip) => set({ powerChip }),
  userChoseWindowsPerSecond: (windowsPerSecond) => set({ windowsPerSecond }),
  exportTask: null,
  exportResult: null,
  userChosePacking: (exportPacking) => set({ exportPacking }),
  userStartedExport: (exportTask) => set({ exportTask, exportResult: null }),
  workerExported: (format, fileName, byteLength, message) =>
    set({ exportTask: null, exportResult: { format, ok: true, message, fileName, byteLength } }),
  workerExportFailed: (format, message) => set({ exportTask: null, exportResult: { format, ok: false, message, fileName: null, byteLength: 0 } }),
});

const createResumeSlice: StateCreator<AppState, [], [], ResumeSlice> = (set) => ({
  resumeOffer: null,
  autosaveReadOffer: (resumeOffer) => set({ resumeOffer }),
  autosavedStep: null,
  autosaveWritten: (autosavedStep) => set({ autosavedStep, resumeOffer: null }),
  runs: [],
  comparedRunIds: [],
  shareLink: null,
  runsListed: (runs) => set((state) => ({ runs, comparedRunIds: state.comparedRunIds.filter((id) => runs.some((run) => run.id === id)) })),
  userToggledCompared: (id) =>
    set((state) => ({
      comparedRunIds: state.comparedRunIds.includes(id) ? state.comparedRunIds.filter((other) => other !== id) : [...state.comparedRunIds, id],
    })),
  shareLinkMade: (url, copied) => set({ shareLink: { url, copied } }),
  teacher: null,
  teacherChosen: (teacher) => set({ teacher }),
  workerReportedTeacher: (label, validationAccuracy, message) =>
    set((state) => {
      if (!state.teacher) return {};
      if (message) return { teacher: { ...state.teacher, state: 'refused', validationAccuracy: null, message } };
      return label === null ? { teacher: null } : { teacher: { ...state.teacher, state: 'ready', validationAccuracy, message: '' } };
    }),
});

/** Every slice together: both stores below are made from it. */
const createAppState: StateCreator<AppState> = (...args) => ({
  ...createSessionSlice(...args),
  ...createDatasetSlice(...args),
  ...createConfigSlice(...args),
  ...createMetricsSlice(...args),
  ...createWeightsSlice(...args),
  ...createInferenceSlice(...args),
  ...createDeploySlice(...args),
  ...createResumeSlice(...args),
});

/** The page's one store, with zustand's hook API (useAppStore(selector), getState, subscribe). */
export const useAppStore = create<AppState>()(createAppState);

/** What the bridge's parts read and act on; the page passes useAppStore, a Node test a store of its own. */
export type AppStore = StoreApi<AppState>;

/** A new store with the initial state and no React attached, for tests that drive the bridge's parts in Node. */
export function createAppStore(): AppStore {
  return createStore<AppState>()(createAppState);
}
