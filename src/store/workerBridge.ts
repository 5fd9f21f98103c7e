/**
 * The one module that owns the training Worker: it turns user intents into typed requests and worker events
 * into store actions. Components call the functions exported here; nothing else posts to the worker.
 */
import { ConfigError, PRESETS, sameExceptThreshold, sameTraining, validateConfig } from '../core/model/config';
import type { DatasetId } from '../core/data/dataset';
import type { TrainerState } from '../core/run/trainerState';
import type { TritPacking } from '../core/quant/tritBytes';
import type {
  DatasetSource,
  ExportFormat,
  NamedFile,
  ProgressEvent,
  TeacherSpec,
  WeightReport,
  WorkerEvent,
  WorkerRequest,
} from '../protocol/messages';
import { isBackendName } from '../core/app/backends';
import { SESSION_FAULTS } from '../protocol/messages';
import { version as appVersion } from '../../package.json';
import { checkpointConfig, decodeCheckpoint, encodeCheckpoint } from '../core/run/checkpoint';
import type { TrainConfig } from '../core/model/config';
import { seriesToCsv } from '../core/run/series';
import { AUTOSAVE_SCHEMA_VERSION, deleteRun, listRuns, readRun, summarize, writeAutosave, type AutosavedRun } from './autosave';
import { epochInProgress, standaloneRunLabel } from '../core/run/runLabels';
import { saveFile } from './download';
import { readShareLink } from '../core/app/shareLink';
import { followSetupInAddressBar, queryParams } from './urlState';
import { useAppStore, type ServerDataset } from './store';

let worker: Worker | null = null;

/**
 * What a new worker needs to take over a run when the old one dies (an error event, or no answer to the
 * heartbeat): the init request, a way to load the same dataset again, and the last snapshot the worker sent.
 */
let initRequest: Extract<WorkerRequest, { type: 'init' }> | null = null;
let replayDataset: (() => Promise<void>) | null = null;
let lastSnapshot: { state: TrainerState; runId: string | null } | null = null;
/** While a new worker takes over, its 'dataset-ready' must not clear the curves of the run it continues. */
let takingOver = false;

const HEARTBEAT_INTERVAL_MS = 1000;
/** At least this long without an answer before a worker counts as hung; longer when steps are slow. */
const MIN_HEARTBEAT_TIMEOUT_MS = 10_000;
const heartbeat = { timer: null as ReturnType<typeof setInterval> | null, lastAnswerAt: 0, pingId: 0, slowestStepMs: 0 };

function heartbeatTimeoutMs(): number {
  return Math.max(MIN_HEARTBEAT_TIMEOUT_MS, 5 * heartbeat.slowestStepMs);
}

function spawnWorker(): void {
  worker = new Worker(new URL('../worker/training.worker.ts', import.meta.url), { type: 'module', name: 'training' });
  worker.onmessage = (message: MessageEvent<WorkerEvent>) => onWorkerEvent(message.data);
  worker.onerror = (event) => void takeOverRun(`crashed (${event.message || 'an error in the worker'})`);
  heartbeat.lastAnswerAt = performance.now();
}

function checkHeartbeat(): void {
  if (!worker || takingOver) return;
  const state = useAppStore.getState();
  // Long tasks (a dataset load, a kernel benchmark, an export) may keep the worker busy past the timeout.
  if (state.status === 'loading' || state.kernelTask !== null || state.exportTask !== null) heartbeat.lastAnswerAt = performance.now();
  const silentMs = performance.now() - heartbeat.lastAnswerAt;
  if (silentMs > heartbeatTimeoutMs()) {
    void takeOverRun(`stopped answering for ${(silentMs / 1000).toFixed(0)} s`);
    return;
  }
  send({ type: 'ping', id: ++heartbeat.pingId });
}

/** Replaces a dead or hung worker and restores the run from its last snapshot, training again if it was. */
async function takeOverRun(why: string): Promise<void> {
  if (takingOver || !initRequest) return;
  takingOver = true;
  const store = useAppStore.getState();
  const wasTraining = store.status === 'training';
  const snapshot = lastSnapshot;
  worker?.terminate();
  spawnWorker();
  send({ ...initRequest, fault: null });
  await replayDataset?.();
  sendConfig();
  send({ type: 'set-float-twin', enabled: store.floatTwin });
  if (teacherSpec) send({ type: 'set-teacher', teacher: teacherSpec });
  if (snapshot) send({ type: 'restore', state: snapshot.state, runId: snapshot.runId });
  if (wasTraining) send({ type: 'start' });
  store.errorOccurred(
    `The training worker ${why}. A new worker took over the run${snapshot ? ` from its last snapshot (step ${snapshot.state.globalStep})` : ' with a fresh model (there was no snapshot yet)'}.`,
  );
}

function send(request: WorkerRequest, transfer: Transferable[] = []): void {
  if (!worker) throw new Error('The training worker has not started.');
  worker.postMessage(request, transfer);
}

/**
 * Progress and weight reports arrive up to ten times a second; the store (and so React and the charts) takes them
 * at most every VIEW_INTERVAL_MS, merged, so the main thread stays free. Everything else passes at once.
 */
const VIEW_INTERVAL_MS = 250;
let pendingProgress: ProgressEvent[] = [];
let pendingWeights: WeightReport | null = null;
let flushTimer: ReturnType<typeof setTimeout> | null = null;

function applyPendingProgress(): void {
  if (pendingProgress.length === 0) return;
  const merged = mergeProgress(pendingProgress);
  pendingProgress = [];
  useAppStore.getState().workerReportedProgress(merged);
}

function applyPendingWeights(): void {
  if (!pendingWeights) return;
  const report = pendingWeights;
  pendingWeights = null;
  useAppStore.getState().workerReportedWeights(report);
}

/** zustand renders subscribers synchronously: progress and weights go in separate tasks to keep each short. */
function flushViews(): void {
  flushTimer = null;
  if (pendingProgress.length > 0) {
    applyPendingProgress();
    if (pendingWeights) flushTimer = setTimeout(flushViews, 0);
    return;
  }
  applyPendingWeights();
}

function scheduleViews(): void {
  flushTimer ??= setTimeout(flushViews, VIEW_INTERVAL_MS);
}

/** Applies everything pending now (before an event that must not overtake it). */
function flushViewsNow(): void {
  if (flushTimer !== null) clearTimeout(flushTimer);
  flushTimer = null;
  applyPendingProgress();
  applyPendingWeights();
}

/** The newest progress, carrying the losses of all merged events. */
function mergeProgress(events: ProgressEvent[]): ProgressEvent {
  const last = events[events.length - 1]!;
  if (events.length === 1) return last;
  const lossSteps = new Uint32Array(events.reduce((n, e) => n + e.lossSteps.length, 0));
  const losses = new Float32Array(lossSteps.length);
  const hasTwin = events.some((e) => e.twinLosses !== null);
  const twinLosses = hasTwin ? new Float32Array(lossSteps.length).fill(Number.NaN) : null;
  let offset = 0;
  for (const e of events) {
    lossSteps.set(e.lossSteps, offset);
    losses.set(e.losses, offset);
    if (twinLosses && e.twinLosses) twinLosses.set(e.twinLosses, offset);
    offset += e.lossSteps.length;
  }
  // Step times: the newest block's (what the rate is now).
  const timed = [...events].reverse().find((e) => e.stepMs !== null);
  return { ...last, lossSteps, losses, twinLosses, stepMs: timed?.stepMs ?? null, twinStepMs: timed?.twinStepMs ?? null };
}

function onWorkerEvent(event: WorkerEvent): void {
  heartbeat.lastAnswerAt = performance.now();
  if (event.type === 'pong') return;
  if (event.type === 'snapshot') {
    lastSnapshot = event.state ? { state: event.state, runId: event.runId } : null;
    if (event.state && event.config && event.runId) void autosave(event.runId, event.state, event.config, event.preset, event.datasetId);
    return;
  }
  if (event.type === 'progress') {
    heartbeat.slowestStepMs = Math.max(heartbeat.slowestStepMs, event.slowestStepMs);
    pendingProgress.push(event);
    scheduleViews();
    return;
  }
  if (event.type === 'weights') {
    pendingWeights = event.report;
    // Not training: this is an answer to the user (threshold moved, single step), so show it at once.
    if (useAppStore.getState().status === 'training') scheduleViews();
    else flushViewsNow();
    return;
  }
  // Anything that follows progress (a status change, an evaluation) must not overtake it.
  if (flushTimer !== null) flushViewsNow();
  const store = useAppStore.getState();
  switch (event.type) {
    case 'backend':
      store.workerReportedBackend(event.backend, event.note, event.timings, event.measuring);
      return;
    case 'status':
      store.workerReportedStatus(event.status, event.detail);
      return;
    case 'data-progress':
      store.workerReportedDataProgress(event.stage, event.loadedBytes, event.totalBytes);
      return;
    case 'dataset-ready':
      // The model was reset for the new data; the curves belong to the old run (unless a new worker continues it).
      if (takingOver) takingOver = false;
      else store.metricsCleared();
      store.workerLoadedDataset(event.summary);
      if (!autosaveChecked) void offerAutosavedRun();
      return;
    case 'validation':
      store.workerReportedValidation(event.globalStep, event.accuracy, event.twinAccuracy);
      return;
    case 'epoch-end':
      store.workerReportedEpochEnd({
        epoch: event.epoch,
        globalStep: event.globalStep,
        validationAccuracy: event.validationAccuracy,
        testAccuracy: event.testAccuracy,
        twinValidationAccuracy: event.twinValidationAccuracy,
        twinTestAccuracy: event.twinTestAccuracy,
      });
      return;
    case 'threshold-evaluation':
      store.workerReportedThresholdEvaluation(event.threshold, event.accuracy, event.milliseconds);
      return;
    case 'sweep':
      store.workerReportedSweep(event.points, event.currentThreshold);
      return;
    case 'inference-path':
      store.workerReportedInferencePath(event.path, event.adapter, event.hasDot4);
      return;
    case 'kernel-evaluation':
      store.workerReportedKernelEvaluation(event.result);
      return;
    case 'kernel-benchmark':
      store.workerReportedKernelBench(event.rows, event.path, event.backend);
      return;
    case 'classification':
      classificationArrived(event);
      return;
    case 'export-ready':
      saveFile(event.fileName, event.bytes, event.format === 'c' ? 'application/zip' : 'application/octet-stream');
      store.workerExported(event.format, event.fileName, event.bytes.byteLength, event.note);
      return;
    case 'export-failed':
      store.workerExportFailed(event.format, event.message);
      return;
    case 'captured':
      writeCheckpoint(event);
      return;
    case 'run-restored':
      store.workerRestoredRun(event.globalStep);
      return;
    case 'diverged':
      store.workerRestoredRun(event.restoredStep);
      store.errorOccurred(event.message);
      return;
    case 'float-twin-stopped':
      store.userToggledFloatTwin(false);
      store.errorOccurred(event.message);
      return;
    case 'analysis':
      store.workerReportedAnalysis(event.analysis);
      return;
    case 'teacher':
      if (event.message) teacherSpec = null;
      store.workerReportedTeacher(event.label, event.validationAccuracy, event.message);
      return;
    case 'error':
      store.kernelTaskFailed();
      store.errorOccurred(event.message);
      return;
  }
}

const BASE = import.meta.env.BASE_URL;

/**
 * Starts the worker, picks the backend (honouring ?backend=NAME), applies a share link's setup, lists server
 * datasets and loads the link's dataset or the embedded one.
 */
export async function startPlayground(search: string): Promise<void> {
  if (worker) return;
  spawnWorker();
  heartbeat.timer = setInterval(checkHeartbeat, HEARTBEAT_INTERVAL_MS);
  // Debug parameters from the URL: untrusted text. A bad value is named in a message and otherwise ignored.
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  const forced = params.get('backend');
  if (forced !== null && !isBackendName(forced)) problems.push(`Unknown backend "${forced}" in the URL; choosing automatically.`);
  const inference = params.get('inference');
  if (inference !== null && inference !== 'cpu') {
    problems.push(`Unknown inference path "${inference}" in the URL (only "cpu" is known); ignored.`);
  }
  const faultParam = params.get('fault');
  const fault = SESSION_FAULTS.find((f) => f === faultParam) ?? null;
  if (faultParam !== null && fault === null) problems.push(`Unknown fault "${faultParam}" in the URL (known: ${SESSION_FAULTS.join(', ')}); ignored.`);
  initRequest = { type: 'init', forcedBackend: isBackendName(forced) ? forced : null, cpuInference: inference === 'cpu', fault };
  send(initRequest);

  // A share link's setup wins over the preset (and over an autosave, which stays on offer).
  const link = readShareLink(queryParams(search));
  if (link.kind === 'invalid') problems.push(link.message);
  if (link.kind === 'setup') useAppStore.getState().sharedSetupOpened(link.setup.preset, link.setup.config);
  followSetupInAddressBar();
  const linkDataset = link.kind === 'setup' ? link.setup.datasetId : 'mnist-10k';
  const listed = listServerDatasets();
  if (linkDataset === 'mnist-10k') {
    loadDataset({ kind: 'embedded', baseUrl: `${BASE}generated/` });
  } else {
    await listed;
    if (useAppStore.getState().serverDatasets.some((d) => d.id === linkDataset)) chooseDataset(linkDataset);
    else {
      loadDataset({ kind: 'embedded', baseUrl: `${BASE}generated/` });
      problems.push(`The link's dataset ${linkDataset} is not served here; the embedded MNIST subset is loaded instead (open ${linkDataset} from the Dataset panel).`);
    }
  }
  // After the first load request, which clears earlier messages.
  if (problems.length > 0) useAppStore.getState().errorOccurred(problems.join(' '));
  startNewRunOnSettingChange();
}

async function listServerDatasets(): Promise<void> {
  try {
    const response = await fetch(`${BASE}datasets/index.json`);
    if (!response.ok) return;
    const body = (await response.json()) as { datasets?: ServerDataset[] };
    useAppStore.getState().serverListedDatasets(body.datasets ?? []);
  } catch {
    // A static host without the dataset server: only the embedded data and user files are offered.
  }
}

function loadDataset(source: DatasetSource, transfer: Transferable[] = [], replay?: () => Promise<void>): void {
  useAppStore.getState().userDismissedError();
  lastSnapshot = null;
  send({ type: 'load-dataset', source }, transfer);
  replayDataset = replay ?? (async () => send({ type: 'load-dataset', source }));
  sendConfig();
}

export function chooseDataset(id: DatasetId): void {
  const store = useAppStore.getState();
  if (id === 'mnist-10k') {
    loadDataset({ kind: 'embedded', baseUrl: `${BASE}generated/` });
    return;
  }
  const served = store.serverDatasets.find((d) => d.id === id);
  if (served) loadDataset({ kind: 'server', id, baseUrl: `${BASE}datasets/${id}/`, fileNames: served.fileNames });
}

export async function loadUserFiles(id: DatasetId, files: readonly File[]): Promise<void> {
  // The bytes are transferred to the worker; a new worker (after a crash) reads the same files again.
  const read = async (): Promise<NamedFile[]> => Promise.all(files.map(async (file) => ({ name: file.name, bytes: await file.arrayBuffer() })));
  const named = await read();
  loadDataset({ kind: 'files', id, files: named }, named.map((file) => file.bytes), async () => {
    const again = await read();
    send({ type: 'load-dataset', source: { kind: 'files', id, files: again } }, again.map((file) => file.bytes));
  });
}

export function loadFromUrl(id: DatasetId, baseUrl: string): void {
  loadDataset({ kind: 'url', id, baseUrl });
}

/**
 * Shift averaging on or off: the store's config, and at once the worker's run, which keeps its weights (the setting
 * changes inference only) and reports its validation accuracy with the new setting.
 */
export function setShiftAveraging(on: boolean): void {
  useAppStore.getState().userEditedConfig({ shiftAveraging: on });
  send({ type: 'set-shift-averaging', on });
}

/** The config the worker was sent last: a form change that trains differently from it starts a new run. */
let workerConfig: TrainConfig | null = null;

/** Validates the store's config; on a bad value shows the message and keeps the previous worker config. */
export function sendConfig(): boolean {
  const store = useAppStore.getState();
  try {
    const config = validateConfig(store.config);
    const preset = sameExceptThreshold(PRESETS[store.presetId], config) ? store.presetId : 'custom';
    workerConfig = config;
    send({ type: 'configure', config, preset });
    return true;
  } catch (error) {
    if (error instanceof ConfigError) {
      store.errorOccurred(`Invalid setting: ${error.message}`);
      return false;
    }
    throw error;
  }
}

/**
 * "Changing a setting restarts training from scratch", as the form says: a preset or setting that trains
 * differently from the run the worker holds (not the threshold or shift averaging, which move live) clears the
 * curves and cards and gives the worker the new config now, which replaces its run with a fresh model. A half-typed
 * (invalid) value waits: the next valid one, or Train, sends it.
 */
function startNewRunOnSettingChange(): void {
  useAppStore.subscribe((state, previous) => {
    if (state.config === previous.config || state.status === 'training' || state.status === 'loading') return;
    let config: TrainConfig;
    try {
      config = validateConfig(state.config);
    } catch {
      return;
    }
    if (workerConfig !== null && sameTraining(config, workerConfig)) return;
    useAppStore.getState().metricsCleared();
    sendConfig();
  });
}

export function toggleTraining(): void {
  const { status } = useAppStore.getState();
  if (status === 'training') {
    send({ type: 'pause' });
    return;
  }
  if (status === 'done') {
    // Train again: a new run from scratch with the form's settings; the finished run stays in the run list.
    useAppStore.getState().metricsCleared();
    send({ type: 'reset' });
  }
  if (!sendConfig()) return;
  send({ type: 'start' });
  // Acknowledged at once: the worker may still be starting (loading TensorFlow.js, the data), and starts the run then.
  useAppStore.getState().userPressedTrain();
}

export function stepOnce(): void {
  if (sendConfig()) send({ type: 'step' });
}

export function resetTraining(): void {
  useAppStore.getState().metricsCleared();
  send({ type: 'reset' });
}

/** The slider: the store keeps the value for the form, the worker re-quantizes at once (training goes on). */
export function moveThreshold(threshold: number): void {
  useAppStore.getState().userMovedThreshold(threshold);
  send({ type: 'set-threshold', threshold });
}

/** The float twin trains alongside from the next step (and its curves show), or stops. */
export function setFloatTwin(enabled: boolean): void {
  useAppStore.getState().userToggledFloatTwin(enabled);
  send({ type: 'set-float-twin', enabled });
}

/** The confusion matrix and most confident mistakes of the current weights, now. */
export function analyzeMistakes(): void {
  send({ type: 'analyze' });
}

export function sweepThreshold(): void {
  send({ type: 'sweep-threshold' });
}

export function evaluateWithKernel(): void {
  useAppStore.getState().userStartedKernelTask('evaluate');
  send({ type: 'kernel-evaluate' });
}

export const BENCH_BATCHES = [1, 64, 1024, 10_000];

export function benchmarkKernels(): void {
  useAppStore.getState().userStartedKernelTask('benchmark');
  send({ type: 'kernel-benchmark', batches: BENCH_BATCHES });
}

let latestClassifyRequest = 0;
/**
 * The first request for the drawing now on the canvas. The page asks again for the same drawing at every weight
 * report while a run trains; an answer to any of these requests is an answer for this drawing (with the weights of
 * a moment ago), so it is shown even when a newer re-ask is on its way. Only answers for an older drawing are
 * dropped: otherwise a model whose answer takes longer than the interval between weight reports (a CNN) would never
 * show one while it trains.
 */
let drawingFirstRequest = 0;
/** The newest request whose answer is shown, so a late answer never replaces a newer one. */
let shownClassifyRequest = 0;
let drawingPixels: Uint8Array | null = null;
/** When each unanswered request left the page (performance.now), for the answer's round trip. */
const classifySentAt = new Map<number, number>();

function samePixels(a: Uint8Array, b: Uint8Array | null): boolean {
  return b !== null && a.length === b.length && a.every((value, i) => value === b[i]);
}

/** pixels: the 28×28 model input, or null for an empty canvas (no prediction, not a guess). */
export function classifyDrawing(pixels: Uint8Array | null): void {
  latestClassifyRequest++;
  if (!pixels) {
    drawingFirstRequest = latestClassifyRequest;
    drawingPixels = null;
    classifySentAt.clear();
    useAppStore.getState().predictionCleared();
    return;
  }
  if (!samePixels(pixels, drawingPixels)) {
    drawingFirstRequest = latestClassifyRequest;
    drawingPixels = pixels.slice();
  }
  const copy = pixels.slice();
  classifySentAt.set(latestClassifyRequest, performance.now());
  send({ type: 'classify', requestId: latestClassifyRequest, pixels: copy }, [copy.buffer]);
}

/** An answer for the drawing on the canvas, newer than the one shown, goes to the store; anything else is dropped. */
function classificationArrived(event: Extract<WorkerEvent, { type: 'classification' }>): void {
  const sentAt = classifySentAt.get(event.requestId);
  for (const id of classifySentAt.keys()) if (id <= event.requestId) classifySentAt.delete(id);
  if (event.requestId < drawingFirstRequest || event.requestId <= shownClassifyRequest || sentAt === undefined) return;
  shownClassifyRequest = event.requestId;
  useAppStore.getState().workerClassified(event.probabilities, event.path, event.milliseconds, performance.now() - sentAt, event.featureMaps);
}

/** Deploy: the current model as integer-only C (zip, with the chosen packing) or ONNX, downloaded when ready. */
export function exportModel(format: ExportFormat, packing: TritPacking): void {
  useAppStore.getState().userStartedExport(format);
  send({ type: 'export', format, packing });
}

/** Save: the worker captures the run between two steps; the page adds the curves and writes the file. */
export function saveCheckpoint(): void {
  send({ type: 'capture' });
}

function writeCheckpoint(event: Extract<WorkerEvent, { type: 'captured' }>): void {
  const store = useAppStore.getState();
  const bytes = encodeCheckpoint({
    config: event.config,
    datasetId: event.datasetId,
    preset: event.preset,
    state: event.state,
    curves: { loss: store.lossSeries, validation: store.validationSeries, epochs: store.epochSeries },
    appVersion,
  });
  saveFile(`bitnet-${event.preset}-step${event.state.globalStep}.safetensors`, bytes, 'application/octet-stream');
}

/** Load: every check passes before anything changes; a bad file gets a message and the current run stays. */
export async function loadCheckpoint(file: File): Promise<void> {
  const store = useAppStore.getState();
  let checkpoint;
  try {
    checkpoint = decodeCheckpoint(new Uint8Array(await file.arrayBuffer()));
  } catch (error) {
    store.errorOccurred(`Could not load the checkpoint ${file.name}: ${error instanceof Error ? error.message : String(error)} The current run is unchanged.`);
    return;
  }
  if (checkpoint.datasetId !== store.datasetId) {
    store.errorOccurred(`The checkpoint ${file.name} was trained on ${checkpoint.datasetId}; load that dataset first. The current run is unchanged.`);
    return;
  }
  store.userDismissedError();
  if (store.status === 'training') send({ type: 'pause' });
  // Set before the store takes the run's config, so that this config change does not count as a new run.
  workerConfig = checkpoint.config;
  store.userLoadedCheckpoint(checkpoint, checkpoint.state.globalStep);
  send({ type: 'configure', config: checkpoint.config, preset: checkpoint.preset });
  send({ type: 'restore', state: checkpoint.state, runId: null });
}

/** The run list is read once, after the first dataset is ready, and after every autosave. */
let autosaveChecked = false;
let autosaveWarned = false;

async function autosave(runId: string, state: TrainerState, config: TrainConfig, preset: string, datasetId: DatasetId): Promise<void> {
  const store = useAppStore.getState();
  const result = await writeAutosave({
    schemaVersion: AUTOSAVE_SCHEMA_VERSION,
    id: runId,
    savedAt: Date.now(),
    preset,
    datasetId,
    config,
    state,
    curves: { loss: store.lossSeries, validation: store.validationSeries, epochs: store.epochSeries },
  });
  if (result.ok) {
    store.autosaveWritten(state.globalStep);
    store.runsListed(result.value);
  } else if (!autosaveWarned) {
    autosaveWarned = true;
    store.errorOccurred(result.message);
  }
}

async function refreshRunList(): Promise<void> {
  const result = await listRuns();
  const store = useAppStore.getState();
  if (result.ok) store.runsListed(result.value);
  else store.errorOccurred(result.message);
}

/** After a reload: the newest kept run of this dataset is offered for resuming (a share link's config keeps the offer). */
async function offerAutosavedRun(): Promise<void> {
  autosaveChecked = true;
  await refreshRunList();
  const store = useAppStore.getState();
  const newest = store.runs[0];
  if (newest && newest.datasetId === store.datasetId && store.globalStep === 0) {
    store.autosaveReadOffer({ id: newest.id, step: newest.step, epoch: epochInProgress(newest.epoch, newest.config.epochs), preset: newest.preset, savedAt: newest.savedAt });
  }
}

/** A kept run with its weights, or null after saying why not (the list is read again: the run may be gone). */
async function readKeptRun(id: string): Promise<AutosavedRun | null> {
  const read = await readRun(id);
  if (read.ok) return read.value;
  useAppStore.getState().errorOccurred(read.message);
  await refreshRunList();
  return null;
}

/** Resume: a kept run continues where it was, its curves back in the charts. */
export async function resumeRun(id: string): Promise<void> {
  const store = useAppStore.getState();
  store.autosaveReadOffer(null);
  const run = await readKeptRun(id);
  if (!run) return;
  if (run.datasetId !== store.datasetId) {
    store.errorOccurred(`That run was trained on ${run.datasetId}; load that dataset first, then resume it.`);
    return;
  }
  let config: TrainConfig;
  try {
    config = checkpointConfig(run.config);
  } catch (error) {
    store.errorOccurred(`The saved run cannot be resumed: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  if (store.status === 'training') send({ type: 'pause' });
  // Set before the store takes the run's config, so that this config change does not count as a new run.
  workerConfig = config;
  store.userLoadedCheckpoint({ config, preset: run.preset, curves: run.curves }, run.state.globalStep);
  send({ type: 'configure', config, preset: run.preset });
  send({ type: 'restore', state: run.state, runId: run.id });
}

export function resumeAutosavedRun(): void {
  const offer = useAppStore.getState().resumeOffer;
  if (offer) void resumeRun(offer.id);
}

/** Hides the offer; the run stays in the run list. */
export function dismissResumeOffer(): void {
  useAppStore.getState().autosaveReadOffer(null);
}

/** The teacher lent to the worker, kept here so that a worker that takes over the run gets it too. */
let teacherSpec: TeacherSpec | null = null;

/**
 * Lends a kept run to the worker as the teacher of knowledge distillation (src/train/teacher.ts), or none (null).
 * It takes effect from the next step, while training too; the run learns from it when config.distillWeight > 0.
 */
export async function chooseTeacher(id: string | null): Promise<void> {
  const store = useAppStore.getState();
  if (id === null) {
    teacherSpec = null;
    store.teacherChosen(null);
    send({ type: 'set-teacher', teacher: null });
    return;
  }
  const run = await readKeptRun(id);
  if (!run) return;
  const label = standaloneRunLabel(summarize(run));
  teacherSpec = { config: run.config, variables: run.state.variables, label };
  store.teacherChosen({ runId: id, label, state: 'loading', validationAccuracy: null, message: '' });
  // Sent as a copy: a new worker may need it again.
  send({ type: 'set-teacher', teacher: teacherSpec });
}

/** A kept run as a checkpoint file, as if it had been saved with save-checkpoint at its last autosave. */
export async function downloadRun(id: string): Promise<void> {
  const read = await readRun(id);
  if (!read.ok) {
    useAppStore.getState().errorOccurred(read.message);
    return;
  }
  const run = read.value;
  const bytes = encodeCheckpoint({ config: run.config, datasetId: run.datasetId, preset: run.preset, state: run.state, curves: run.curves, appVersion });
  saveFile(`bitnet-${run.preset}-step${run.state.globalStep}.safetensors`, bytes, 'application/octet-stream');
}

export async function deleteKeptRun(id: string): Promise<void> {
  const result = await deleteRun(id);
  if (!result.ok) useAppStore.getState().errorOccurred(result.message);
  await refreshRunList();
}

/** Every recorded series of the run as CSV. */
export function exportCurvesCsv(): void {
  const store = useAppStore.getState();
  const csv = seriesToCsv([
    { name: 'training loss', points: store.lossSeries },
    { name: 'validation accuracy', points: store.validationSeries },
    { name: 'test accuracy (epoch end)', points: store.epochSeries.flatMap((e) => (e.testAccuracy === null ? [] : [{ step: e.globalStep, value: e.testAccuracy }])) },
    { name: 'sparsity (all layers)', points: store.sparsitySeries.map((p) => ({ step: p.step, value: p.overall })) },
    ...(store.weightReport?.layers ?? []).map((_, layer) => ({
      name: `sparsity (layer ${layer})`,
      points: store.sparsitySeries.flatMap((p) => (p.layers[layer] === undefined ? [] : [{ step: p.step, value: p.layers[layer] }])),
    })),
  ]);
  saveFile(`bitnet-${store.presetId}-curves.csv`, new TextEncoder().encode(csv), 'text/csv');
}
