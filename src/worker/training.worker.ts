/**
 * The training worker. Lifecycle: init (pick backend, self-test) -> load dataset -> configure -> ready (idle)
 * -> training <-> paused -> done; any failure -> error, with the trained state kept where it can be.
 * The loop runs one step at a time and yields to the event loop between steps, so 'pause' takes effect within
 * one step; progress is throttled to about ten events a second.
 */
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { sameExceptThreshold, validateConfig, type TrainConfig } from '../core/config';
import type { DatasetId, SplitDataset } from '../core/dataset';
import type { DatasetSource, TrainStatus, WorkerEvent, WorkerRequest } from '../protocol/messages';
import { BACKEND_ORDER, initBackend, type BackendName } from '../train/backend';
import { gradientSelfTest } from '../train/selfTest';
import { Trainer } from '../train/trainer';
import * as tf from '../train/tf';
import { loadDataset } from './datasetLoader';
import { InferenceService } from './inference';
import { buildExport } from './exportTasks';
import { benchmarkKernels, evaluateKernel } from './kernelTasks';
import { sweepThreshold, WeightReporter } from './weightReports';

const PROGRESS_INTERVAL_MS = 100;
/** Weight views (trits, histograms) cost a GPU readback of every weight: a few per second is plenty to watch. */
const WEIGHT_REPORT_INTERVAL_MS = 400;

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(event: WorkerEvent, transfer: Transferable[] = []): void {
  scope.postMessage(event, transfer);
}

let status: TrainStatus = 'idle';
let dataset: SplitDataset | null = null;
let datasetId: DatasetId = 'mnist-10k';
let config: TrainConfig | null = null;
let trainer: Trainer | null = null;
let loopRunning = false;
let pauseRequested = false;
/** Resolves when the running loop has exited (already resolved when none runs). */
let loopExited: Promise<void> = Promise.resolve();
/** Loss values since the last progress event. */
let pendingLossSteps: number[] = [];
let pendingLosses: number[] = [];
let lastProgressAt = 0;
let lastWeightReportAt = 0;
const weightReporter = new WeightReporter();
const inference = new InferenceService();
/** Bumped for every new trainer, so cached inference models never outlive the weights they were built from. */
let trainerGeneration = 0;
let presetName = 'custom';
/** The threshold factor t in force: set by the configuration, then moved live by the slider. */
let threshold = 0.7;
/** The newest slider value not yet applied; older ones are skipped while a re-evaluation runs. */
let pendingThreshold: number | null = null;

function setStatus(next: TrainStatus, detail = ''): void {
  status = next;
  post({ type: 'status', status: next, detail });
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  setStatus('error', message);
  post({ type: 'error', message });
}

async function wasmPaths(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
}

async function init(forced: BackendName | null): Promise<void> {
  await import('@tensorflow/tfjs-backend-webgpu').catch(() => undefined);
  await wasmPaths().catch(() => undefined);
  let order = forced ? [forced] : [...BACKEND_ORDER];
  for (;;) {
    const chosen = await initBackend(order);
    if (chosen !== 'webgpu') {
      post({ type: 'backend', backend: chosen, note: forced ? 'forced by ?backend=' : '' });
      return;
    }
    const check = await gradientSelfTest('webgpu');
    if (check.ok || forced) {
      const agreement = `gradient self-test vs CPU: max difference ${check.maxDifference.toExponential(1)}`;
      post({ type: 'backend', backend: chosen, note: check.ok ? agreement : `${agreement} (failed, forced)` });
      return;
    }
    order = order.slice(order.indexOf('webgpu') + 1);
    post({
      type: 'error',
      message: `WebGPU disagreed with the CPU on the gradient self-test (max difference ${check.maxDifference}); falling back.`,
    });
  }
}

function resetTrainer(): void {
  trainer?.dispose();
  trainer = null;
  weightReporter.forget();
  pendingLossSteps = [];
  pendingLosses = [];
}

function ensureTrainer(): Trainer {
  if (!dataset) throw new Error('No dataset is loaded yet.');
  if (!config) throw new Error('No configuration has been set.');
  if (!trainer) {
    trainer = new Trainer({ ...config, threshold }, dataset);
    trainerGeneration++;
  }
  return trainer;
}

function flushProgress(active: Trainer, learningRate: number): void {
  const lossSteps = Uint32Array.from(pendingLossSteps);
  const losses = Float32Array.from(pendingLosses);
  pendingLossSteps = [];
  pendingLosses = [];
  lastProgressAt = performance.now();
  post(
    {
      type: 'progress',
      epoch: active.epoch,
      stepInEpoch: active.stepInEpoch,
      stepsPerEpoch: active.stepsPerEpoch,
      globalStep: active.globalStep,
      totalSteps: active.totalSteps,
      learningRate,
      lossSteps,
      losses,
    },
    [lossSteps.buffer, losses.buffer],
  );
}

/** Validation every ~1/8 epoch (at least every 20 steps), so short runs on the 10k subset still show a curve. */
function validationInterval(active: Trainer): number {
  return Math.max(20, Math.round(active.stepsPerEpoch / 8));
}

async function runOneStep(active: Trainer): Promise<void> {
  const result = await active.step();
  if (!Number.isFinite(result.loss)) {
    throw new Error(`The loss became ${result.loss} at step ${result.globalStep}; lower the learning rate and reset.`);
  }
  pendingLossSteps.push(result.globalStep);
  pendingLosses.push(result.loss);
  const validate = result.epochEnded || result.globalStep % validationInterval(active) === 0;
  if (validate || performance.now() - lastProgressAt >= PROGRESS_INTERVAL_MS) flushProgress(active, result.learningRate);
  if (validate && dataset) {
    const validation = await active.evaluate(dataset.validation);
    post({ type: 'validation', globalStep: result.globalStep, accuracy: validation.accuracy, loss: validation.loss });
    if (result.epochEnded) {
      const test = dataset.test ? await active.evaluate(dataset.test) : null;
      post({
        type: 'epoch-end',
        epoch: result.epoch + 1,
        globalStep: result.globalStep,
        validationAccuracy: validation.accuracy,
        testAccuracy: test ? test.accuracy : null,
      });
    }
  }
}

async function postWeights(active: Trainer): Promise<void> {
  lastWeightReportAt = performance.now();
  const { report, transfer } = await weightReporter.report(active, threshold);
  post({ type: 'weights', report }, transfer);
}

/** Applies the newest requested threshold; while not training, re-evaluates validation accuracy at once. */
async function applyThreshold(): Promise<void> {
  if (pendingThreshold === null) return;
  threshold = pendingThreshold;
  pendingThreshold = null;
  if (config) config = { ...config, threshold };
  if (!trainer) return;
  const active = trainer;
  active.model.setThreshold(threshold);
  await postWeights(active);
  if (status !== 'training' && dataset) {
    const started = performance.now();
    const validation = await active.evaluate(dataset.validation);
    post({
      type: 'threshold-evaluation',
      threshold,
      accuracy: validation.accuracy,
      milliseconds: performance.now() - started,
    });
  }
}

async function runSweep(): Promise<void> {
  if (!trainer || !dataset || status === 'training') return;
  const active = trainer;
  const validation = dataset.validation;
  const points = await sweepThreshold(active, async () => (await active.evaluate(validation)).accuracy, threshold);
  post({ type: 'sweep', points, currentThreshold: threshold });
}

/** The folded model of the current weights at the current threshold (rebuilt when either changed). */
async function inferenceModel(active: Trainer) {
  if (active.config.weightQuantizer === 'none') {
    throw new Error('The float twin has no ternary weights to run on the kernels; choose a weight quantizer.');
  }
  return inference.model(active, threshold, trainerGeneration * 1e9 + active.globalStep);
}

async function runKernelTask(request: Extract<WorkerRequest, { type: 'kernel-evaluate' | 'kernel-benchmark' }>): Promise<void> {
  if (!dataset) throw new Error('No dataset is loaded yet.');
  await pauseAndWait('paused for the kernel ' + (request.type === 'kernel-evaluate' ? 'evaluation' : 'benchmark'));
  const active = ensureTrainer();
  const built = await inferenceModel(active);
  if (request.type === 'kernel-evaluate') {
    post({ type: 'kernel-evaluation', result: await evaluateKernel(inference, active, dataset, built) });
    return;
  }
  const variants = [built];
  // Where dot4I8Packed is used, also time the add/sub kernel on the same layers.
  if (built.network?.kernels.includes('dot4')) {
    variants.push({ model: built.model, network: built.network.withoutDot4() });
  }
  try {
    const rows = await benchmarkKernels(inference, active, dataset, variants, presetName, request.batches);
    post({ type: 'kernel-benchmark', rows, path: inference.path, backend: tf.getBackend() });
  } finally {
    variants.slice(1).forEach((v) => v.network?.destroy());
  }
}

async function classify(requestId: number, pixels: Uint8Array): Promise<void> {
  if (!trainer) throw new Error('There is no model yet: load data and train first.');
  const started = performance.now();
  const built = await inferenceModel(trainer);
  const probabilities = await inference.classify(built.model, built.network, pixels);
  post(
    { type: 'classification', requestId, probabilities, path: built.network ? 'webgpu' : 'cpu', milliseconds: performance.now() - started },
    [probabilities.buffer],
  );
}

/** An export of the current weights at the current threshold; a failure is answered, never fatal to the run. */
async function exportModel(request: Extract<WorkerRequest, { type: 'export' }>): Promise<void> {
  try {
    if (!dataset) throw new Error('No dataset is loaded yet.');
    const built = await buildExport(ensureTrainer(), dataset, {
      format: request.format,
      packing: request.packing,
      preset: presetName,
      datasetId,
      threshold,
    });
    post({ type: 'export-ready', format: request.format, fileName: built.fileName, bytes: built.bytes, note: built.note }, [built.bytes.buffer]);
  } catch (error) {
    post({ type: 'export-failed', format: request.format, message: error instanceof Error ? error.message : String(error) });
  }
}

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

async function trainLoop(): Promise<void> {
  if (loopRunning) return;
  loopRunning = true;
  let markExited = (): void => undefined;
  loopExited = new Promise((resolve) => (markExited = resolve));
  try {
    const active = ensureTrainer();
    while (status === 'training' && trainer === active) {
      if (active.finished) {
        setStatus('done', `finished ${active.config.epochs} epochs`);
        break;
      }
      await runOneStep(active);
      if (performance.now() - lastWeightReportAt >= WEIGHT_REPORT_INTERVAL_MS) await postWeights(active);
      await yieldToEvents();
    }
    if (active.finished && trainer === active) {
      await postWeights(active);
      await runSweep();
    }
    if (pauseRequested && trainer === active) {
      // Report the last step before saying 'paused', so a paused page shows the final step count.
      if (pendingLosses.length > 0) flushProgress(active, 0);
      pauseRequested = false;
      setStatus('paused');
    }
  } catch (error) {
    fail(error);
  } finally {
    loopRunning = false;
    markExited();
  }
}

/** Pauses a running loop and waits until its current step is done, before anything replaces the trainer. */
async function pauseAndWait(detail: string): Promise<void> {
  if (status === 'training') setStatus('paused', detail);
  await loopExited;
}

/**
 * Loads and parses the new dataset before touching the current one: if the files are bad, the error is shown and
 * the dataset and model the user already has stay as they were.
 */
async function loadData(source: DatasetSource): Promise<void> {
  await pauseAndWait('paused to load a dataset');
  const previousStatus = status;
  setStatus('loading', 'loading dataset');
  let lastPost = 0;
  let loaded: SplitDataset;
  try {
    loaded = await loadDataset(source, (stage, loadedBytes, totalBytes) => {
      const now = performance.now();
      if (now - lastPost < PROGRESS_INTERVAL_MS && totalBytes !== loadedBytes) return;
      lastPost = now;
      post({ type: 'data-progress', stage, loadedBytes, totalBytes });
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    post({ type: 'error', message: `Could not load the dataset: ${message}` });
    setStatus(dataset ? previousStatus : 'error', dataset ? `kept ${datasetId}` : 'no dataset loaded');
    return;
  }
  resetTrainer();
  dataset = loaded;
  datasetId = source.kind === 'embedded' ? 'mnist-10k' : source.id;
  post({
    type: 'dataset-ready',
    summary: {
      id: source.kind === 'embedded' ? 'mnist-10k' : source.id,
      trainCount: loaded.train.count,
      validationCount: loaded.validation.count,
      testCount: loaded.test?.count ?? 0,
    },
  });
  setStatus('idle', `${datasetId} ready`);
  if (config) await postWeights(ensureTrainer());
}

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case 'init': {
      await init(request.forcedBackend);
      if (request.cpuInference) inference.useCpuOnly();
      const probe = await inference.probe();
      post({ type: 'inference-path', ...probe });
      return;
    }
    case 'load-dataset':
      await loadData(request.source);
      return;
    case 'configure': {
      const next = validateConfig(request.config);
      presetName = request.preset;
      // The threshold is live (the slider moves it without a restart); any other change restarts training.
      const changed = !config || !sameExceptThreshold(next, config);
      if (changed && trainer) {
        await pauseAndWait('paused for a new configuration');
        resetTrainer();
        if (status !== 'loading') setStatus('idle', 'configuration changed; training restarts from scratch');
      }
      config = next;
      if (next.threshold !== threshold) {
        pendingThreshold = next.threshold;
        await applyThreshold();
      }
      // Show the freshly initialised weights before the first step.
      if (!trainer && dataset) await postWeights(ensureTrainer());
      return;
    }
    case 'start':
      if (status === 'training') return;
      ensureTrainer();
      setStatus('training');
      void trainLoop();
      return;
    case 'pause':
      if (status !== 'training') return;
      // The loop notices, finishes its current step and posts 'paused' itself (see trainLoop).
      status = 'paused';
      pauseRequested = loopRunning;
      if (!loopRunning) setStatus('paused');
      return;
    case 'step': {
      if (status === 'training' || loopRunning) return;
      const active = ensureTrainer();
      if (active.finished) return;
      await runOneStep(active);
      flushProgress(active, 0);
      await postWeights(active);
      setStatus(active.finished ? 'done' : 'paused', 'single step');
      return;
    }
    case 'set-threshold':
      // Coalesced: only the newest value queued behind a running re-evaluation is applied.
      await applyThreshold();
      return;
    case 'sweep-threshold':
      await runSweep();
      return;
    case 'kernel-evaluate':
    case 'kernel-benchmark':
      await runKernelTask(request);
      return;
    case 'classify':
      await classify(request.requestId, request.pixels);
      return;
    case 'export':
      await exportModel(request);
      return;
    case 'reset':
      await pauseAndWait('reset');
      resetTrainer();
      if (dataset && config) await postWeights(ensureTrainer());
      setStatus(dataset ? 'idle' : status === 'loading' ? 'loading' : 'idle', 'reset');
      return;
  }
}

// Messages are handled one at a time, in order, so a 'configure' never interleaves with a 'load-dataset'.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (message: MessageEvent<WorkerRequest>) => {
  const request = message.data;
  // Pause must not wait behind a long queue item.
  if (request.type === 'pause') {
    void handle(request);
    return;
  }
  if (request.type === 'set-threshold') {
    if (!Number.isFinite(request.threshold) || request.threshold < 0 || request.threshold > 2) {
      post({ type: 'error', message: `Threshold ${request.threshold} is outside 0..2.` });
      return;
    }
    pendingThreshold = request.threshold;
  }
  queue = queue.then(() => handle(request)).catch(fail);
};

