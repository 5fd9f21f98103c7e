/** TensorFlow.js backend names (plain strings), shared by train, the worker protocol and the UI without pulling TensorFlow.js into the UI bundle. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_ORDER as readonly string[]).includes(value);
}

/**
 * Software WebGPU adapters: a GPU API running on the CPU (SwiftShader, llvmpipe), rarely faster than WASM for
 * training, and without a hardware packed dot product for the WGSL kernels.
 */
export function isSoftwareAdapter(info: { vendor?: string; architecture?: string; description?: string; device?: string }, isFallback: boolean): boolean {
  if (isFallback) return true;
  const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''} ${info.device ?? ''}`;
  return /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i.test(text);
}
