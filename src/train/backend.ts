/**
 * Choosing and initialising a TensorFlow.js backend, in the worker or in Node. No DOM.
 */
import type { BackendName } from '../core/app/backends';
import * as tf from './tf';

export { BACKEND_ORDER, isBackendName, type BackendName } from '../core/app/backends';

/**
 * Registers the optional backends (WebGPU, WASM) by dynamic import so that a failure to load one, e.g. in an
 * environment without WebGPU, costs nothing but that backend.
 */
export async function registerOptionalBackends(wasmPath?: string): Promise<void> {
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch {
    // No WebGPU module support here; the backend is simply not offered.
  }
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (wasmPath) wasm.setWasmPaths(wasmPath);
  } catch {
    // Same for WASM.
  }
}

/** Tries each backend in order; returns the first that initialises. */
export async function initBackend(order: readonly BackendName[]): Promise<BackendName> {
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // Try the next one.
    }
  }
  throw new Error(`No TensorFlow.js backend could start (tried ${order.join(', ')}).`);
}
