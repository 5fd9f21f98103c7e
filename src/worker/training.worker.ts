/**
 * The training worker: a thin dispatch. It chooses the TensorFlow.js backend ('init': the fastest by measurement,
 * WebGPU only after a gradient self-test against the CPU) and hands every other request to the TrainingSession
 * (trainingSession.ts), which holds all state and runs everything in order.
 */
import type { WorkerEvent, WorkerRequest } from '../protocol/messages';
import { BACKEND_ORDER, initBackend, type BackendName } from '../train/backend';
import { describeTimings, measureBackends, type BackendTiming } from '../train/backendChoice';
import { isSoftwareAdapter } from '../core/app/backends';
import { gradientSelfTest } from '../train/selfTest';
import { readBackendChoice, writeBackendChoice } from './backendCache';
import * as tf from '../train/tf';
import { loadDataset } from './datasetLoader';
import { TrainingSession } from './trainingSession';
import type { ProbeAnswer, ProbeRequest } from './backendProbe.worker';
import { registerWasmPaths } from './wasmPaths';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(event: WorkerEvent, transfer: Transferable[] = []): void {
  scope.postMessage(event, transfer);
}

/** Why the training backend's WebGPU device was lost, once it was. */
let gpuLostReason: string | null = null;
/** The backends init tried in order; a lost GPU moves training to the next one that starts. */
let backendOrder: BackendName[] = [...BACKEND_ORDER];

function webgpuDevice(): GPUDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as unknown as { device?: GPUDevice }).device ?? null;
}

function watchGpu(): void {
  void webgpuDevice()?.lost.then((info) => {
    gpuLostReason = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
  });
}

const session = new TrainingSession({
  post,
  now: () => performance.now(),
  loadDataset,
  yieldToEvents: () => new Promise((resolve) => setTimeout(resolve, 0)),
  gpuLostReason: () => gpuLostReason,
  fallBackFromGpu: async () => {
    const rest = backendOrder.filter((name) => name !== 'webgpu' && name !== 'webgl');
    const next = await initBackend(rest.length > 0 ? rest : ['wasm', 'cpu']);
    gpuLostReason = null;
    return next;
  },
  loseGpu: () => webgpuDevice()?.destroy(),
  crash: () => scope.close(),
});

/** The WebGPU adapter TensorFlow.js would get, described for the page and the cache key; null without WebGPU. */
async function describeAdapter(): Promise<{ name: string; software: boolean } | null> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (!adapter) return null;
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
  return { name, software: isSoftwareAdapter(info, info.isFallbackAdapter ?? false) };
}

/** Checks WebGPU's gradients against the CPU before training on it; false (with a message) when they disagree. */
async function webgpuAgrees(forced: boolean): Promise<{ ok: boolean; note: string }> {
  const check = await gradientSelfTest('webgpu');
  const note = `gradient self-test vs CPU: max difference ${check.maxDifference.toExponential(1)}`;
  if (check.ok || forced) return { ok: true, note: check.ok ? note : `${note} (failed, forced)` };
  post({ type: 'error', message: `WebGPU disagreed with the CPU on the gradient self-test (max difference ${check.maxDifference}); falling back.` });
  return { ok: false, note };
}

/**
 * The backends worth timing here, in preference order: WebGPU and WASM when they start; WebGL only without
 * WebGPU (it is the older GPU path, and timing it costs seconds of shader compilation); the CPU backend only as
 * the last resort.
 */
async function usableBackends(): Promise<BackendName[]> {
  const usable: BackendName[] = [];
  for (const name of BACKEND_ORDER.filter((b) => b !== 'cpu')) {
    if (name === 'webgl' && usable.includes('webgpu')) continue;
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        usable.push(name);
      }
    } catch {
      // Not available here (WebGL has no context in some workers).
    }
  }
  return usable;
}

/**
 * Picks the training backend. ?backend=NAME forces one. Otherwise, when more than one backend starts, each times a
 * few training steps and the fastest trains (remembered per device in this browser, so later page loads skip
 * the measuring); WebGPU must also pass the gradient self-test.
 */
async function init(forced: BackendName | null): Promise<void> {
  await import('@tensorflow/tfjs-backend-webgpu').catch(() => undefined);
  await registerWasmPaths().catch(() => undefined);
  backendOrder = [...BACKEND_ORDER];
  if (forced) {
    const chosen = await initBackend([forced]);
    watchGpu();
    const note = chosen === 'webgpu' ? (await webgpuAgrees(true)).note : '';
    post({ type: 'backend', backend: chosen, note: ['forced by ?backend=', note].filter(Boolean).join('; '), timings: null, measuring: false });
    return;
  }
  const usable = await usableBackends();
  const adapter = usable.includes('webgpu') ? await describeAdapter() : null;
  const adapterNote = adapter ? `WebGPU adapter: ${adapter.name}${adapter.software ? ', a software adapter' : ''}` : '';
  let candidates = usable;
  for (;;) {
    let chosen: BackendName;
    let timings: BackendTiming[] | null = null;
    let why: string;
    if (candidates.length <= 1) {
      chosen = await initBackend([...candidates, 'cpu']);
      why = candidates.length === 1 ? 'the only backend that starts here' : 'no other backend starts here';
    } else {
      const deviceKey = `${adapter?.name ?? 'no webgpu'}|${navigator.hardwareConcurrency}|${navigator.userAgent}|${candidates.join(',')}`;
      const cached = await readBackendChoice(deviceKey);
      if (!cached && candidates.includes('wasm')) {
        await startWhileMeasuring(candidates, deviceKey, adapterNote);
        return;
      }
      timings = cached ?? (await measureBackends(candidates));
      const fastest = timings.find((t) => t.stepMs !== null);
      chosen = await initBackend(fastest ? [fastest.backend, 'cpu'] : ['cpu']);
      why = `${cached ? 'measured earlier on this device' : 'measured now'}: ${describeTimings(timings)}; the fastest trains`;
      if (!cached && fastest) await writeBackendChoice(deviceKey, timings);
    }
    watchGpu();
    let selfTest = '';
    if (chosen === 'webgpu') {
      const agreement = await webgpuAgrees(false);
      if (!agreement.ok) {
        candidates = candidates.filter((b) => b !== 'webgpu');
        continue;
      }
      selfTest = agreement.note;
    }
    backendOrder = [chosen, ...BACKEND_ORDER.filter((b) => b !== chosen)];
    post({ type: 'backend', backend: chosen, note: [why, adapterNote, selfTest].filter(Boolean).join('; '), timings, measuring: false });
    return;
  }
}

/**
 * Below this many cores the probe runs only while no run trains: timing WebGPU on a software adapter keeps a core
 * busy for tens of seconds, which on a 2-core machine slowed the run and the page (a digit drawn meanwhile waited
 * seconds for its answer). With more cores it runs beside the run.
 */
const CONCURRENT_PROBE_CORES = 4;
/** How long no run must have trained before a deferred measurement starts. */
const PROBE_QUIET_MS = 2000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A first visit on this device: nothing measured yet. Training must not wait for the measurement (tens of seconds
 * where WebGPU is a software adapter compiling its shaders), so WASM, which needs no shader compilation, takes the
 * run at once, and a probe worker (backendProbe.worker.ts) times every candidate in the background. When it
 * answers, the timings are remembered and the run moves, between two steps and with its whole state, to the
 * fastest backend (WebGPU only after its gradient self-test) if that is not WASM. The page is told at each point
 * which backend trains, whether a measurement runs, and why.
 */
async function startWhileMeasuring(candidates: BackendName[], deviceKey: string, adapterNote: string): Promise<void> {
  const provisional = await initBackend(['wasm', 'cpu']);
  backendOrder = [provisional, ...BACKEND_ORDER.filter((b) => b !== provisional)];
  const why = `${provisional} trains until ${candidates.join(' and ')} are measured, as it starts without compiling shaders`;
  post({ type: 'backend', backend: provisional, note: [why, adapterNote].filter(Boolean).join('; '), timings: null, measuring: false });
  // Not awaited: the session's requests (load, configure, a Train click) go on at once.
  void measureInBackground(provisional, candidates, deviceKey, adapterNote);
}

/** Resolves once no run has trained for PROBE_QUIET_MS. */
async function quietSession(): Promise<void> {
  let quietSince = performance.now();
  for (;;) {
    if (session.status === 'training') quietSince = performance.now();
    else if (performance.now() - quietSince >= PROBE_QUIET_MS) return;
    await sleep(250);
  }
}

/** The probe's answer; 'cancelled' when `cancel` turned true first (the probe is ended), null when it failed. */
async function runProbe(candidates: BackendName[], cancel: () => boolean): Promise<ProbeAnswer | null | 'cancelled'> {
  const probe = new Worker(new URL('./backendProbe.worker.ts', import.meta.url), { type: 'module', name: 'backend-probe' });
  let watch: ReturnType<typeof setInterval> | undefined;
  try {
    return await new Promise<ProbeAnswer | null | 'cancelled'>((resolve) => {
      watch = setInterval(() => {
        if (cancel()) resolve('cancelled');
      }, 250);
      probe.onmessage = (message: MessageEvent<ProbeAnswer>) => resolve(message.data);
      probe.onerror = () => resolve(null);
      probe.postMessage({ candidates } satisfies ProbeRequest);
    });
  } finally {
    clearInterval(watch);
    probe.terminate();
  }
}

/** The probe's timings; then the run stays where it is or moves to the fastest backend (see startWhileMeasuring). */
async function measureInBackground(provisional: BackendName, candidates: BackendName[], deviceKey: string, adapterNote: string): Promise<void> {
  const cores = navigator.hardwareConcurrency;
  const besideRuns = cores >= CONCURRENT_PROBE_CORES;
  const note = (text: string) => [text, adapterNote].filter(Boolean).join('; ');
  let answer: ProbeAnswer | null | 'cancelled';
  for (;;) {
    if (!besideRuns) await quietSession();
    post({ type: 'backend', backend: provisional, note: note(`measuring ${candidates.join(' and ')} in the background; ${provisional} trains meanwhile`), timings: null, measuring: true });
    answer = await runProbe(candidates, () => !besideRuns && session.status === 'training');
    if (answer !== 'cancelled') break;
    const waits = `${provisional} trains; ${candidates.join(' and ')} are measured when no run trains (measuring beside a run would slow it on ${cores} cores)`;
    post({ type: 'backend', backend: provisional, note: note(waits), timings: null, measuring: false });
  }
  if (!answer) {
    post({ type: 'backend', backend: provisional, note: note(`the background measurement failed; ${provisional} goes on training`), timings: null, measuring: false });
    return;
  }
  const { timings, webgpuSelfTest } = answer;
  if (timings.some((t) => t.stepMs !== null)) await writeBackendChoice(deviceKey, timings);
  const selfTest = webgpuSelfTest ? `gradient self-test vs CPU: max difference ${webgpuSelfTest.maxDifference.toExponential(1)}` : '';
  if (webgpuSelfTest && !webgpuSelfTest.ok) {
    post({ type: 'error', message: `WebGPU disagreed with the CPU on the gradient self-test (max difference ${webgpuSelfTest.maxDifference}); it does not train here.` });
  }
  const fastest = timings.find((t) => t.stepMs !== null && (t.backend !== 'webgpu' || webgpuSelfTest?.ok === true))?.backend ?? provisional;
  const why = `measured in the background: ${describeTimings(timings)}; the fastest trains`;
  if (fastest === tf.getBackend()) {
    post({ type: 'backend', backend: provisional, note: [why, adapterNote, selfTest].filter(Boolean).join('; '), timings, measuring: false });
    return;
  }
  await session.moveBackend(
    async () => {
      const chosen = await initBackend([fastest, provisional]);
      watchGpu();
      backendOrder = [chosen, ...BACKEND_ORDER.filter((b) => b !== chosen)];
      return chosen;
    },
    (backend, globalStep) => {
      const moved = `${why}; the run moved from ${provisional} to ${backend} at step ${globalStep}`;
      post({ type: 'backend', backend, note: [moved, adapterNote, selfTest].filter(Boolean).join('; '), timings, measuring: false });
    },
  );
}

/**
 * For `npm run bench:soak` (Playwright evaluates it in this worker): TensorFlow.js's tensor count and bytes and
 * this worker's JS heap (Chromium's performance.memory; precise with --enable-precise-memory-info).
 */
(scope as unknown as { bitnetMemory: () => unknown }).bitnetMemory = () => ({
  tensors: tf.memory().numTensors,
  bytes: tf.memory().numBytes,
  jsHeapBytes: (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null,
});

/** 'init' runs before anything else the page sends: the session's tasks wait for the backend. */
let ready: Promise<void> = Promise.resolve();

scope.onmessage = (message: MessageEvent<WorkerRequest>) => {
  const request = message.data;
  if (request.type === 'init') {
    ready = (async () => {
      await init(request.forcedBackend);
      if (request.cpuInference) session.inference.useCpuOnly();
      session.injectFault(request.fault);
      post({ type: 'inference-path', ...(await session.inference.probe()) });
    })().catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
    return;
  }
  // A heartbeat is answered here, at once: only a dead or blocked worker misses it.
  if (request.type === 'ping') {
    post({ type: 'pong', id: request.id });
    return;
  }
  // Pause and inference-settings moves register at once (the session orders their effect with the steps).
  if (request.type === 'pause' || request.type === 'set-inference-settings') {
    void session.receive(request);
    return;
  }
  void ready.then(() => session.receive(request));
};
