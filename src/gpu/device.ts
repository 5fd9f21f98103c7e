/**
 * WebGPU device for the ternary inference kernels (separate from TensorFlow.js's device, so either can be lost
 * or reset without the other). Works in pages and workers; needs a secure context (localhost or https).
 */
import { isSoftwareAdapter } from '../core/app/backends';

export interface GpuContext {
  device: GPUDevice;
  /** The WGSL language extension behind kernel 3 (dot4I8Packed). */
  hasDot4: boolean;
  adapterDescription: string;
  /** A GPU API running on the CPU (SwiftShader, llvmpipe): dot4I8Packed is emulated there, so kernel 3 sums bytes. */
  softwareAdapter: boolean;
  /** Set when the device is lost; every later use must check it and fall back. */
  lostReason: string | null;
}

export async function createGpuContext(label = 'bitnet-ternary-kernels'): Promise<GpuContext | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  const device = await adapter.requestDevice({ label });
  const info = adapter.info;
  const context: GpuContext = {
    device,
    hasDot4: gpu.wgslLanguageFeatures?.has('packed_4x8_integer_dot_product') ?? false,
    adapterDescription: [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter',
    softwareAdapter: isSoftwareAdapter(info ?? {}, (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ?? false),
    lostReason: null,
  };
  void device.lost.then((lost) => {
    context.lostReason = `${lost.reason}: ${lost.message}`;
  });
  return context;
}
