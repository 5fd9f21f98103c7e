/**
 * Choosing the training backend by measurement. A WebGPU backend on a software adapter (SwiftShader, llvmpipe) is
 * several times slower than TensorFlow.js's WASM backend on the same CPU, and even on a real GPU a small MLP can
 * train faster on WASM, so when more than one backend is usable each one times a few warm training steps of the
 * default network on synthetic data (no dataset needed), and the fastest wins. No DOM: the worker and Node call it.
 */
import { PRESETS, type TrainConfig } from '../core/model/config';
import type { BackendName } from '../core/app/backends';
import { DIGIT_CLASS_NAMES, type ImageSet, type SplitDataset } from '../core/data/dataset';
import { createRng } from '../core/data/rng';
import { Trainer } from './trainer';
import * as tf from './tf';

/** Steps run before timing (shader compilation, memory pools) and steps timed (their median counts). */
const WARM_STEPS = 2;
const TIMED_STEPS = 5;

export interface BackendTiming {
  backend: BackendName;
  /** Median time of one training step of the default preset, ms; null when the backend failed. */
  stepMs: number | null;
  error?: string;
}

/** Random images and labels for timing: shapes and the training arithmetic matter, not what is learned. */
function syntheticDataset(examples: number): SplitDataset {
  const rng = createRng(1);
  const set = (count: number): ImageSet => ({
    count,
    rows: 28,
    cols: 28,
    pixels: Uint8Array.from({ length: count * 784 }, () => (rng.int(4) === 0 ? rng.int(256) : 0)),
    labels: Uint8Array.from({ length: count }, () => rng.int(10)),
  });
  return { train: set(examples), validation: set(10), test: null, classNames: DIGIT_CLASS_NAMES };
}

/**
 * Time per training step of `config` on the backend TensorFlow.js runs now, ms: the timed steps and one read of
 * every weight back to the CPU (what the page's weight views do a few times a second, and what a software GPU
 * can take seconds over), divided by the steps.
 */
export async function timeTrainingSteps(config: TrainConfig = PRESETS.seed): Promise<number> {
  const trainer = new Trainer({ ...config, epochs: 1 }, syntheticDataset(config.batchSize * (WARM_STEPS + TIMED_STEPS)));
  try {
    for (let i = 0; i < WARM_STEPS; i++) await trainer.step();
    const started = performance.now();
    for (let i = 0; i < TIMED_STEPS; i++) await trainer.step();
    await Promise.all(trainer.model.stateVariables().map((v) => v.data()));
    return (performance.now() - started) / TIMED_STEPS;
  } finally {
    trainer.dispose();
  }
}

/**
 * Times each candidate (switching TensorFlow.js to it) and returns the timings, fastest first; failed backends
 * last. Leaves TensorFlow.js on whichever backend was timed last: the caller sets the chosen one.
 */
export async function measureBackends(candidates: readonly BackendName[], config: TrainConfig = PRESETS.seed): Promise<BackendTiming[]> {
  const timings: BackendTiming[] = [];
  for (const backend of candidates) {
    try {
      if (!(await tf.setBackend(backend))) throw new Error('did not start');
      await tf.ready();
      timings.push({ backend, stepMs: await timeTrainingSteps(config) });
    } catch (error) {
      timings.push({ backend, stepMs: null, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return timings.sort((a, b) => (a.stepMs ?? Infinity) - (b.stepMs ?? Infinity));
}

/** "wasm 8.1 ms, webgpu 52.3 ms per step" for the page. */
export function describeTimings(timings: readonly BackendTiming[]): string {
  return timings.map((t) => (t.stepMs === null ? `${t.backend} failed` : `${t.backend} ${t.stepMs.toFixed(1)} ms`)).join(', ') + ' per training step';
}
