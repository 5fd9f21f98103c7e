/**
 * Which kernel runs a layer of the ternary network, and the shape of its dispatch: workgroup sizes, units and
 * samples per thread, workgroup counts, pipeline constants and bind-group layouts. Pure arithmetic on the layer
 * and the batch; the buffers and dispatches themselves are built in forwardPlan.ts.
 */
import type { InferenceLayer } from '../core/model/referenceModel';

/**
 * Kernels 1–7 by name: 'addsub' (1), 'binary' (2), 'dot4' (3), 'conv' (4), 'conv-dot4' (5), 'int8' (6, int4/int8
 * dense codes) and 'int8-conv' (7, ternary_conv with INT8_WEIGHTS).
 */
export type KernelChoice = 'addsub' | 'binary' | 'dot4' | 'conv' | 'conv-dot4' | 'int8' | 'int8-conv';

export type BindingKind = 'uniform' | 'read-only-storage' | 'storage';

/**
 * The bindings of every matrix and conv kernel: dims, then five read-only buffers (weights, scale, bias, input,
 * input scale; the binary kernel's plus and minus planes, scale, bias, sign bits), then the output.
 */
export const LAYER_BINDINGS: readonly BindingKind[] = ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage'];
/** The quantizers' and the area average's bindings: dims, input, output. */
export const UNARY_BINDINGS: readonly BindingKind[] = ['uniform', 'read-only-storage', 'storage'];

export const WORKGROUP_SIZE = 64;
/** Samples per thread in the add/sub and binary kernels (SAMPLES in their .wgsl files). */
const SAMPLES_PER_THREAD = 4;
/** Samples per thread in the dot4 kernel at most (its SAMPLES override, and the size of its accumulator tile). */
const DOT4_SAMPLES_PER_THREAD = 8;

/**
 * Units per thread in the dot4 kernel (UNITS in ternary_dot4.wgsl); the add/sub and binary kernels do one: tiling
 * the add/sub kernel the same way made it slower on SwiftShader.
 */
const DOT4_UNITS_PER_THREAD = 4;
/** Filters each thread of a convolution kernel computes (convThread in kernels/shared/conv_dims.wgsl). */
export const CONV_UNITS_PER_THREAD = 4;

const SMALL_BATCH_WORKGROUP = 16;
/** Rows quantize_absmax8 quantizes with a thread per sample (its perSample entry point); longer ones a workgroup each. */
export const PER_SAMPLE_MAX_FEATURES = 1024;

/**
 * Threads per workgroup of a matrix kernel. The dot4 kernel with all samples in one thread's tile (batch ≤ 8) has
 * one thread per four units, and 64-thread workgroups would put a 128-unit layer in one workgroup: on a software
 * adapter one CPU core, the others idle. Workgroups of 16 spread it.
 */
function matrixWorkgroupSize(kernel: KernelChoice, batch: number): number {
  return kernel === 'dot4' && batch <= DOT4_SAMPLES_PER_THREAD ? SMALL_BATCH_WORKGROUP : WORKGROUP_SIZE;
}

/** Workgroups along the unit axis. */
export function unitGroupsFor(kernel: KernelChoice, units: number, batch: number): number {
  return Math.ceil(units / (matrixWorkgroupSize(kernel, batch) * (kernel === 'dot4' ? DOT4_UNITS_PER_THREAD : 1)));
}

/**
 * Samples per thread of a kernel at this batch: the dot4 kernel takes up to eight, fewer below a batch of 8 (its
 * SAMPLES override), the others always four.
 */
function samplesPerThread(kernel: KernelChoice, batch: number): number {
  return kernel === 'dot4' ? Math.min(DOT4_SAMPLES_PER_THREAD, batch) : SAMPLES_PER_THREAD;
}

/** Pipeline constants of the add/sub and dot4 matrix kernels (byteSums: BYTE_SUMS in ternary_dot4.wgsl). */
export function matrixConstants(kernel: KernelChoice, relu: number, batch: number, byteSums: boolean): Record<string, number> {
  return kernel === 'dot4'
    ? { WORKGROUP_SIZE: matrixWorkgroupSize(kernel, batch), RELU: relu, SAMPLES: samplesPerThread(kernel, batch), BYTE_SUMS: byteSums ? 1 : 0 }
    : { WORKGROUP_SIZE, RELU: relu };
}

/** Workgroups along the batch axis. */
export function batchGroups(kernel: KernelChoice, batch: number): number {
  return Math.ceil(batch / samplesPerThread(kernel, batch));
}

/** Whether a kernel convolves (kernels 4, 5 and 7) rather than multiplies a matrix. */
export function isConvKernel(kernel: KernelChoice): boolean {
  return kernel === 'conv' || kernel === 'conv-dot4' || kernel === 'int8-conv';
}

/** Which kernel runs a layer, given its input quantizer. */
export function kernelFor(layer: InferenceLayer, preferDot4: boolean, hasDot4: boolean): KernelChoice {
  if (layer.weights !== 'ternary') return layer.conv ? 'int8-conv' : 'int8';
  if (layer.conv) {
    // Whole words of weights per tap (16 channels) and of codes per pixel (4): see ternary_conv_dot4.wgsl.
    const wholeWords = layer.conv.input.channels % 16 === 0;
    return layer.inputQuantizer === 'absmax8' && preferDot4 && hasDot4 && wholeWords ? 'conv-dot4' : 'conv';
  }
  if (layer.inputQuantizer === 'sign') return 'binary';
  if (layer.inputQuantizer === 'absmax8' && preferDot4 && hasDot4) return 'dot4';
  return 'addsub';
}
