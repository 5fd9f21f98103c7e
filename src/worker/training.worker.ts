/**
 * The training worker: a thin dispatch. It chooses the TensorFlow.js backend ('init': WebGPU checked by a gradient
 * self-test against the CPU, else the next in BACKEND_ORDER) and hands every other request to the TrainingSession
 * (trainingSession.ts), which holds all state and runs everything in order.
 */
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { WorkerEvent, WorkerRequest } from '../protocol/messages';
import { BACKEND_ORDER, initBackend, type BackendName } from '../train/backend';
import { gradientSelfTest } from '../train/selfTest';
import * as tf from '../train/tf';
import { loadDataset } from './datasetLoader';
import { TrainingSession } from './trainingSession';

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
  backendOrder = [...BACKEND_ORDER];
  for (;;) {
    const chosen = await initBackend(order);
    watchGpu();
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
  // Pause and threshold moves register at once (the session orders their effect with the steps).
  if (request.type === 'pause' || request.type === 'set-threshold') {
    void session.receive(request);
    return;
  }
  void ready.then(() => session.receive(request));
};
