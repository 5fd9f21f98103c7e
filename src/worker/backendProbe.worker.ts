/**
 * The background backend measurement: a short-lived second worker that times each candidate TensorFlow.js backend
 * (train/backendChoice.ts) and, when WebGPU is the fastest, runs its gradient self-test against the CPU, while the
 * training worker already trains on a backend that was ready at once. It has its own TensorFlow.js, so switching
 * backends to time them never touches the run. It answers one request; the training worker then ends it.
 */
import type { BackendName } from '../train/backend';
import { measureBackends, type BackendTiming } from '../train/backendChoice';
import { gradientSelfTest } from '../train/selfTest';
import * as tf from '../train/tf';
import { registerWasmPaths } from './wasmPaths';

export interface ProbeRequest {
  candidates: BackendName[];
}

export interface ProbeAnswer {
  /** Fastest first, failed backends last (measureBackends). */
  timings: BackendTiming[];
  /** WebGPU's gradient self-test, run only when WebGPU timed fastest; null otherwise. */
  webgpuSelfTest: { ok: boolean; maxDifference: number } | null;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (message: MessageEvent<ProbeRequest>) => {
  await import('@tensorflow/tfjs-backend-webgpu').catch(() => undefined);
  await registerWasmPaths().catch(() => undefined);
  const timings = await measureBackends(message.data.candidates);
  const fastest = timings.find((t) => t.stepMs !== null);
  let check: { ok: boolean; maxDifference: number } | null = null;
  if (fastest?.backend === 'webgpu' && (await tf.setBackend('webgpu'))) {
    await tf.ready();
    check = await gradientSelfTest('webgpu');
  }
  const answer: ProbeAnswer = { timings, webgpuSelfTest: check && { ok: check.ok, maxDifference: check.maxDifference } };
  scope.postMessage(answer);
};
