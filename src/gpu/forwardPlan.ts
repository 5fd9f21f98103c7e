/**
 * A forward pass of the ternary network at one batch size, as GPU objects built once: the input, activation,
 * scale and uniform buffers, the bind groups, the dispatches in order and the logits' readback buffer. Creating
 * these per call cost more than the kernels at small batches (the drawn digit), so GpuTernaryNetwork keeps the
 * plans of its most recent batch sizes (ternaryNetwork.ts). Which kernel runs each layer is in dispatchShapes.ts.
 */
import type { InferenceLayer, InferenceModel } from '../core/model/referenceModel';
import { IMAGE_PIXELS, REDUCED_PIXELS, REDUCED_SIDE } from '../core/model/inputResolution';
import {
  batchGroups,
  CONV_UNITS_PER_THREAD,
  isConvKernel,
  LAYER_BINDINGS,
  matrixConstants,
  PER_SAMPLE_MAX_FEATURES,
  UNARY_BINDINGS,
  unitGroupsFor,
  WORKGROUP_SIZE,
  type BindingKind,
  type KernelChoice,
} from './dispatchShapes';
import {
  addSubSource,
  areaAverageSource,
  binarySource,
  convDot4Source,
  convSource,
  dot4Source,
  intMatmulSource,
  quantizeAbsmaxSource,
  quantizeSignSource,
} from './kernelSources';
import { bindBuffers, pipelineFor, type Dispatch, type PipelineInfo } from './pipelines';

/** A layer's parameters on the GPU, uploaded once per network. */
export interface LayerBuffers {
  layer: InferenceLayer;
  kernel: KernelChoice;
  /** packed2 words (kernels 1 and 3), plus and minus planes (kernel 2), or int8 code words (kernels 6 and 7). */
  weights: GPUBuffer[];
  /** Words per unit's row of weights: ⌈K/16⌉ trits, ⌈K/4⌉ codes. */
  wordsPerRow: number;
  scale: GPUBuffer;
  bias: GPUBuffer;
  weightBytes: number;
}

/** What a network holds on the GPU for its model: what plans and single-kernel runs are built from. */
export interface NetworkResources {
  device: GPUDevice;
  model: InferenceModel;
  layers: readonly LayerBuffers[];
  /** pixel value p -> p/255 rounded to f32 in JS, exactly as core's reference computes it. */
  pixelValues: GPUBuffer;
  /** Kernels 3 and 5 sum bytes in 16-bit lanes instead of calling dot4I8Packed (ternary_dot4.wgsl). */
  byteSums: boolean;
}

export interface ForwardPlan {
  input: GPUBuffer;
  /** True when the input is the uint8 pixels packed four to a word, false for f32 values. */
  pixelInput: boolean;
  /**
   * True when the input is the 28×28 images and area_average16.wgsl reduces them for a 16×16 network (an 8-bit
   * first layer); a float first layer at 16×16 gets core's reduced pixels from the host instead.
   */
  reducesOnGpu: boolean;
  dispatches: Dispatch[];
  logits: GPUBuffer;
  readback: GPUBuffer;
  logitBytes: number;
  /** Everything the plan created, destroyed with it. */
  buffers: GPUBuffer[];
}

/** What the plan's parts make their buffers and bind groups with (each buffer kept in the plan, destroyed with it). */
export interface PlanMakers {
  buffer: (bytes: number, label: string, extra?: number) => GPUBuffer;
  uniform: (values: number[], label: string) => GPUBuffer;
  bind: (name: string, info: PipelineInfo, entries: GPUBuffer[]) => GPUBindGroup;
}

const pipeline = (net: NetworkResources, name: string, source: string, constants: Record<string, number>, kinds: readonly BindingKind[], entryPoint?: string) =>
  pipelineFor(net.device, name, source, constants, kinds, entryPoint);

/** images (B, 784) uint8 in, logits (B, classes) f32 out: every dispatch of a forward pass at this batch size. */
export function buildForwardPlan(net: NetworkResources, batch: number): ForwardPlan {
  const { device, model, layers } = net;
  const buffers: GPUBuffer[] = [];
  const make: PlanMakers = {
    buffer: (bytes, label, extra = 0) => {
      const b = device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 4) * 4), usage: GPUBufferUsage.STORAGE | extra });
      buffers.push(b);
      return b;
    },
    uniform: (values, label) => {
      const b = device.createBuffer({ label, size: Math.max(16, Math.ceil(values.length / 4) * 16), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(b, 0, Uint32Array.from(values));
      buffers.push(b);
      return b;
    },
    bind: (name, info, entries) => bindBuffers(device, name, info, entries),
  };
  const inputSize = model.inputSize;
  // An 8-bit first layer reads the uint8 pixels themselves, four to a word (see quantize_absmax8.wgsl); a float
  // first layer needs them as f32.
  const pixelInput = layers[0]?.layer.inputQuantizer === 'absmax8';
  const reducesOnGpu = pixelInput && model.inputResolution === REDUCED_SIDE;
  const inputBytes = reducesOnGpu ? batch * IMAGE_PIXELS : pixelInput ? batch * Math.ceil(inputSize / 4) * 4 : batch * inputSize * 4;
  const input = make.buffer(inputBytes, reducesOnGpu ? 'input images' : 'input activations', GPUBufferUsage.COPY_DST);
  const dispatches: Dispatch[] = [];
  let activation = input;
  if (reducesOnGpu) {
    // (B, 196) u32 images -> (B, 64) u32 reduced pixels, which the first layer reads as its packed uint8 input.
    const reduced = make.buffer(batch * REDUCED_PIXELS, 'reduced input');
    const average = pipeline(net, 'area_average16', areaAverageSource, { WORKGROUP_SIZE }, UNARY_BINDINGS);
    dispatches.push({
      pipeline: average.pipeline,
      bindGroup: make.bind('area_average16', average, [make.uniform([batch, 0, 0, 0], 'area average dims'), input, reduced]),
      groups: [Math.ceil(REDUCED_PIXELS / 4 / WORKGROUP_SIZE), batch],
    });
    activation = reduced;
  }

  layers.forEach((entry, i) => {
    const { layer, kernel } = entry;
    const K = layer.packed.inputSize;
    const N = layer.packed.outputSize;
    const relu = layer.activation === 'relu' ? 1 : 0;
    if (isConvKernel(kernel)) {
      activation = encodeConv(net, i, entry, activation, batch, i === 0 && pixelInput, make, dispatches);
      return;
    }
    const output = make.buffer(batch * N * 4, `layer${i} output`, i === layers.length - 1 ? GPUBufferUsage.COPY_SRC : 0);
    const unitGroups = unitGroupsFor(kernel, N, batch);
    if (kernel === 'binary') {
      const wordsPerRow = Math.ceil(K / 32);
      const bits = make.buffer(batch * wordsPerRow * 4, `layer${i} sign bits`);
      const quantize = pipeline(net, 'quantize_sign', quantizeSignSource, { WORKGROUP_SIZE }, UNARY_BINDINGS);
      dispatches.push({
        pipeline: quantize.pipeline,
        bindGroup: make.bind('quantize_sign', quantize, [make.uniform([batch, K, wordsPerRow, 0], 'sign dims'), activation, bits]),
        groups: [Math.ceil(wordsPerRow / WORKGROUP_SIZE), batch],
      });
      const matmul = pipeline(net, 'ternary_binary', binarySource, { WORKGROUP_SIZE, RELU: relu }, LAYER_BINDINGS);
      dispatches.push({
        pipeline: matmul.pipeline,
        bindGroup: make.bind('ternary_binary', matmul, [make.uniform([batch, K, N, wordsPerRow], 'binary dims'), entry.weights[0]!, entry.weights[1]!, entry.scale, entry.bias, bits, output]),
        groups: [unitGroups, batchGroups(kernel, batch)],
      });
    } else {
      const { x, inScale } = layerInput(net, i, K, kernel === 'dot4', i === 0 && pixelInput, activation, batch, make, dispatches);
      const name = kernel === 'int8' ? 'int8_matmul' : `ternary_${kernel}`;
      const source = kernel === 'dot4' ? dot4Source : kernel === 'int8' ? intMatmulSource : addSubSource;
      const constants = kernel === 'int8' ? { WORKGROUP_SIZE, RELU: relu, SIGN_INPUT: layer.inputQuantizer === 'sign' ? 1 : 0 } : matrixConstants(kernel, relu, batch, net.byteSums);
      const matmul = pipeline(net, name, source, constants, LAYER_BINDINGS);
      dispatches.push({
        pipeline: matmul.pipeline,
        bindGroup: make.bind(name, matmul, [make.uniform([batch, K, N, entry.wordsPerRow], `${kernel} dims`), entry.weights[0]!, entry.scale, entry.bias, x, inScale, output]),
        groups: [unitGroups, batchGroups(kernel, batch)],
      });
    }
    activation = output;
  });
  const logitBytes = batch * model.classCount * 4;
  const readback = device.createBuffer({ label: 'logits readback', size: logitBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  buffers.push(readback);
  return { input, pixelInput, reducesOnGpu, dispatches, logits: activation, readback, logitBytes, buffers };
}

/**
 * Layer i's input as its kernel reads it, from `activation` ((B, features) f32, or the packed pixels when
 * `pixelInput`): for 'absmax8', quantize_absmax8's codes ((B, features) f32, or four to a word with `packed`) and
 * per-sample scales, its dispatch appended to `dispatches`; otherwise the activation itself with scales of 1.
 * Rows of up to PER_SAMPLE_MAX_FEATURES values take the quantizer's perSample entry point (a thread per sample,
 * no barrier, a few workgroups per batch); longer rows a workgroup per sample, its threads sharing the row.
 */
function layerInput(
  net: NetworkResources,
  i: number,
  features: number,
  packed: boolean,
  pixelInput: boolean,
  activation: GPUBuffer,
  batch: number,
  make: PlanMakers,
  dispatches: Dispatch[],
): { x: GPUBuffer; inScale: GPUBuffer } {
  if (net.layers[i]!.layer.inputQuantizer !== 'absmax8') {
    const inScale = make.buffer(batch * 4, `layer${i} unit input scale`, GPUBufferUsage.COPY_DST);
    net.device.queue.writeBuffer(inScale, 0, new Float32Array(batch).fill(1));
    return { x: activation, inScale };
  }
  const packedPerRow = Math.ceil(features / 4);
  const codes = make.buffer(packed ? 16 : batch * features * 4, `layer${i} codes`);
  const packedCodes = make.buffer(packed ? batch * packedPerRow * 4 : 16, `layer${i} packed codes`);
  const inScale = make.buffer(batch * 4, `layer${i} input scale`);
  const perSample = features <= PER_SAMPLE_MAX_FEATURES;
  const info = pipeline(
    net,
    'quantize_absmax8',
    quantizeAbsmaxSource,
    { WORKGROUP_SIZE, PACKED: packed ? 1 : 0, U8_INPUT: pixelInput ? 1 : 0 },
    ['uniform', 'read-only-storage', 'storage', 'storage', 'storage', 'read-only-storage'],
    perSample ? 'perSample' : 'main',
  );
  dispatches.push({
    pipeline: info.pipeline,
    bindGroup: make.bind('quantize_absmax8', info, [make.uniform([batch, features, packedPerRow, 0], 'absmax dims'), activation, codes, packedCodes, inScale, net.pixelValues]),
    groups: [perSample ? Math.ceil(batch / WORKGROUP_SIZE) : batch],
  });
  return { x: packed ? packedCodes : codes, inScale };
}

/**
 * The dispatches of conv layer i (quantize, convolve, pool) appended to `dispatches`; returns its output buffer,
 * (B, H''·W''·N) f32. `pixelInput`: the activation is the packed uint8 pixels (an 8-bit first layer).
 */
function encodeConv(
  net: NetworkResources,
  i: number,
  entry: LayerBuffers,
  activation: GPUBuffer,
  batch: number,
  pixelInput: boolean,
  make: PlanMakers,
  dispatches: Dispatch[],
): GPUBuffer {
  const geometry = entry.layer.conv!;
  const { input, pooled } = geometry;
  const features = input.height * input.width * input.channels;
  // Kernel 5 reads the codes four to a word (B, H·W·C/4), kernel 4 one f32 each (B, H·W·C).
  const { x, inScale } = layerInput(net, i, features, entry.kernel === 'conv-dot4', pixelInput, activation, batch, make, dispatches);
  const isLast = i === net.layers.length - 1;
  const out = make.buffer(batch * pooled.height * pooled.width * pooled.channels * 4, `layer${i} ${geometry.pool ? 'pooled ' : ''}output`, isLast ? GPUBufferUsage.COPY_SRC : 0);
  encodeConvDispatches(net, i, entry, x, inScale, out, batch, make, dispatches);
  return out;
}

/**
 * The convolution of conv layer i (kernel 4, 5 or 7, its max pool fused) from its quantized input x (B, H·W·C),
 * f32 or four codes to a word for kernel 5, and per-sample scales inScale (B) into out (B, H''·W''·N) f32.
 */
export function encodeConvDispatches(
  net: NetworkResources,
  i: number,
  entry: LayerBuffers,
  x: GPUBuffer,
  inScale: GPUBuffer,
  out: GPUBuffer,
  batch: number,
  make: Pick<PlanMakers, 'uniform' | 'bind'>,
  dispatches: Dispatch[],
): void {
  const { layer } = entry;
  const { input, output, kernel, stride, padTop, padLeft, pool, pooled } = layer.conv!;
  const N = layer.packed.outputSize;
  const relu = layer.activation === 'relu' ? 1 : 0;
  const dot4 = entry.kernel === 'conv-dot4';
  const integerCodes = entry.kernel === 'int8-conv';
  const name = dot4 ? 'ternary_conv_dot4' : 'ternary_conv';
  // Kernel size and input channels are pipeline constants (see ternary_conv.wgsl): one pipeline per layer shape.
  // The max pool is fused (POOL; see shared/conv_dims.wgsl): `out` is the pooled map.
  const shape = { WORKGROUP_SIZE, RELU: relu, KERNEL: kernel, IN_CHANNELS: input.channels, POOL: Math.max(1, pool) };
  const conv = dot4
    ? pipeline(net, name, convDot4Source, { ...shape, BYTE_SUMS: net.byteSums ? 1 : 0 }, LAYER_BINDINGS)
    : pipeline(net, name, convSource, { ...shape, SIGN_INPUT: layer.inputQuantizer === 'sign' ? 1 : 0, INT8_WEIGHTS: integerCodes ? 1 : 0 }, LAYER_BINDINGS);
  const dims = [batch, input.height, input.width, input.channels, output.height, output.width, N, kernel, stride, padTop, padLeft, entry.wordsPerRow];
  // Kernels 4, 5 and 7: one thread per (pooled) output position and group of filters.
  const threadsPerSample = pooled.height * pooled.width * Math.ceil(N / CONV_UNITS_PER_THREAD);
  dispatches.push({
    pipeline: conv.pipeline,
    bindGroup: make.bind(name, conv, [make.uniform(dims, `layer${i} conv dims`), entry.weights[0]!, entry.scale, entry.bias, x, inScale, out]),
    groups: [Math.ceil(threadsPerSample / WORKGROUP_SIZE), batch],
  });
}
