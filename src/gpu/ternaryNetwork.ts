/**
 * Runs a folded ternary network (core/model/referenceModel.ts) on the GPU with the kernels in ./kernels: every layer,
 * quantization included, without reading back between layers; one readback of the logits at the end.
 * The CPU reference (core/model/referenceModel.ts referenceForward) is the oracle these results are tested against.
 *
 * Per layer: input quantizer 'sign' -> quantize_sign + kernel 2 (bit planes, countOneBits);
 * 'absmax8' -> quantize_absmax8 + kernel 3 (dot4I8Packed) where the adapter has it and it is chosen, else kernel 1;
 * 'none' -> kernel 1 on the float activations.
 * A conv layer: 'absmax8' -> quantize_absmax8 over the example's whole map, then kernel 5 (ternary_conv_dot4:
 * dot4I8Packed, or byte sums on a software adapter, four filters per thread) where the adapter has it, it is chosen
 * and the input channels are a multiple of 16, else kernel 4 (ternary_conv: add/sub on packed2 words, four filters
 * per thread); 'sign' and 'none' -> kernel 4 on the raw map (binarized inside for 'sign'). A layer's max pool is
 * fused into its conv kernel (shared/conv_dims.wgsl). Maps stay NHWC and flat between layers, as in the reference.
 * An int4 or int8 layer (core/quant/weightFormats.ts) runs kernel 6 (int8_matmul) or 7 (ternary_conv with INT8_WEIGHTS) on
 * its codes, four to a word, after quantize_absmax8 for 8-bit inputs or on the raw activations (binarized inside for 'sign').
 */
import { imagePixelsOf, imageSideOf, type InferenceLayer, type InferenceModel } from '../core/model/referenceModel';
import { SHIFT_PASSES, shiftedCopies, sumShiftPasses } from '../core/model/shiftAveraging';
import { IMAGE_PIXELS, modelInputPixels, REDUCED_PIXELS, REDUCED_SIDE, unitIntervalPixels } from '../core/model/inputResolution';
import { packCodeRows, packI8x4, packSignBits, toBitPlanes } from '../core/quant/packing';
import type { GpuContext } from './device';
import quantizeAbsmaxSource from './kernels/quantize_absmax8.wgsl?raw';
import quantizeSignSource from './kernels/quantize_sign.wgsl?raw';
import addSubKernel from './kernels/ternary_addsub.wgsl?raw';
import binaryKernel from './kernels/ternary_binary.wgsl?raw';
import dot4Kernel from './kernels/ternary_dot4.wgsl?raw';
import convKernel from './kernels/ternary_conv.wgsl?raw';
import convDot4Kernel from './kernels/ternary_conv_dot4.wgsl?raw';
import intMatmulKernel from './kernels/int8_matmul.wgsl?raw';
import areaAverageSource from './kernels/area_average16.wgsl?raw';
import matrixDims from './kernels/shared/matrix_dims.wgsl?raw';
import convDims from './kernels/shared/conv_dims.wgsl?raw';
import ternaryIo from './kernels/shared/ternary_io.wgsl?raw';
import tritExpansion from './kernels/shared/trit_expansion.wgsl?raw';
import byteSums from './kernels/shared/byte_sums.wgsl?raw';

/**
 * A kernel's whole module: its own source, then the fragments it shares with others (./kernels/shared). Appended,
 * not prepended, because a `requires` directive must open the module; module-scope declarations may come in any
 * order in WGSL.
 */
const withShared = (kernel: string, ...fragments: string[]) => [kernel, ...fragments].join('\n');
const addSubSource = withShared(addSubKernel, matrixDims, ternaryIo);
const binarySource = withShared(binaryKernel, matrixDims);
const dot4Source = withShared(dot4Kernel, matrixDims, ternaryIo, tritExpansion, byteSums);
const convSource = withShared(convKernel, convDims, ternaryIo);
const convDot4Source = withShared(convDot4Kernel, convDims, ternaryIo, tritExpansion, byteSums);
const intMatmulSource = withShared(intMatmulKernel, matrixDims, ternaryIo);

export type KernelChoice = 'addsub' | 'binary' | 'dot4' | 'conv' | 'conv-dot4' | 'int8' | 'int8-conv';
const WORKGROUP_SIZE = 64;
/** Samples per thread in the add/sub and binary kernels (SAMPLES in their .wgsl files). */
const SAMPLES_PER_THREAD = 4;
/** Samples per thread in the dot4 kernel at most (its SAMPLES override, and the size of its accumulator tile). */
const DOT4_SAMPLES_PER_THREAD = 8;

/**
 * Units per thread in the dot4 kernel (UNITS in ternary_dot4.wgsl); the add/sub and binary kernels do one.
 * (Tiling the add/sub kernel the same way made it slower on SwiftShader: 410 ms instead of 300 at batch 1000.)
 */
const DOT4_UNITS_PER_THREAD = 4;
/** Filters each thread of a convolution kernel computes (convThread in kernels/shared/conv_dims.wgsl). */
const CONV_UNITS_PER_THREAD = 4;

const SMALL_BATCH_WORKGROUP = 16;
/** Rows quantize_absmax8 quantizes with a thread per sample (its perSample entry point); longer ones a workgroup each. */
const PER_SAMPLE_MAX_FEATURES = 1024;

/**
 * Threads per workgroup of a matrix kernel. The dot4 kernel with all samples in one thread's tile (batch ≤ 8) has
 * one thread per four units, and 64-thread workgroups would put a 128-unit layer in one workgroup: on a software
 * adapter one CPU core, the others idle. Workgroups of 16 spread it (the cnn shape's 1,568→128 layer at batch 1
 * on SwiftShader: 1.2–1.4 ms with 64, 0.8 with 16, 0.7–0.8 with 8).
 */
function matrixWorkgroupSize(kernel: KernelChoice, batch: number): number {
  return kernel === 'dot4' && batch <= DOT4_SAMPLES_PER_THREAD ? SMALL_BATCH_WORKGROUP : WORKGROUP_SIZE;
}

/** Workgroups along the unit axis. */
function unitGroupsFor(kernel: KernelChoice, units: number, batch: number): number {
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
function matrixConstants(kernel: KernelChoice, relu: number, batch: number, byteSums: boolean): Record<string, number> {
  return kernel === 'dot4'
    ? { WORKGROUP_SIZE: matrixWorkgroupSize(kernel, batch), RELU: relu, SAMPLES: samplesPerThread(kernel, batch), BYTE_SUMS: byteSums ? 1 : 0 }
    : { WORKGROUP_SIZE, RELU: relu };
}

/** Workgroups along the batch axis. */
function batchGroups(kernel: KernelChoice, batch: number): number {
  return Math.ceil(batch / samplesPerThread(kernel, batch));
}

type BindingKind = 'uniform' | 'read-only-storage' | 'storage';

interface LayerBuffers {
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

/** Which kernel runs a layer, given its input quantizer. */
function kernelFor(layer: InferenceLayer, preferDot4: boolean, hasDot4: boolean): KernelChoice {
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

/** uint8 pixels (B, K) as rows of ⌈K/4⌉ u32 words, pixel k in bits 8·(k mod 4); rows of K % 4 = 0 need no copy. */
function packPixelRows(pixels: Uint8Array, batch: number, inputSize: number): Uint8Array {
  const rowBytes = Math.ceil(inputSize / 4) * 4;
  if (rowBytes === inputSize) return pixels.subarray(0, batch * inputSize);
  const out = new Uint8Array(batch * rowBytes);
  for (let b = 0; b < batch; b++) out.set(pixels.subarray(b * inputSize, (b + 1) * inputSize), b * rowBytes);
  return out;
}

/** Batch sizes whose forward plans (GPU buffers, bind groups) a network keeps. */
const KEPT_PLANS = 2;

interface ForwardPlan {
  input: GPUBuffer;
  /** True when the input is the uint8 pixels packed four to a word, false for f32 values. */
  pixelInput: boolean;
  /**
   * True when the input is the 28×28 images and area_average16.wgsl reduces them for a 16×16 network (an 8-bit
   * first layer); a float first layer at 16×16 gets core's reduced pixels from the host instead.
   */
  reducesOnGpu: boolean;
  dispatches: { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; groups: [number] | [number, number] }[];
  logits: GPUBuffer;
  readback: GPUBuffer;
  logitBytes: number;
  /** Everything the plan created, destroyed with it. */
  buffers: GPUBuffer[];
}

/** What planFor() makes its buffers and bind groups with (each buffer kept in the plan, destroyed with it). */
interface PlanMakers {
  buffer: (bytes: number, label: string, extra?: number) => GPUBuffer;
  uniform: (values: number[], label: string) => GPUBuffer;
  bind: (name: string, info: ReturnType<GpuTernaryNetwork['pipeline']>, entries: GPUBuffer[]) => GPUBindGroup;
}

const pipelineCache = new WeakMap<GPUDevice, Map<string, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }>>();

export class GpuTernaryNetwork {
  private readonly device: GPUDevice;
  private readonly layers: LayerBuffers[];
  private readonly created: GPUBuffer[] = [];
  /** pixel value p -> p/255 rounded to f32 in JS, exactly as core's reference computes it. */
  private readonly pixelValues: GPUBuffer;

  constructor(
    private readonly gpu: GpuContext,
    readonly model: InferenceModel,
    preferDot4 = true,
    /**
     * Kernel 3's inner product: byte sums in 16-bit lanes instead of dot4I8Packed (ternary_dot4.wgsl). Both are
     * exact; dot4I8Packed is one instruction on a GPU and emulated on a software adapter, where byte sums win.
     */
    readonly byteSums = gpu.softwareAdapter,
  ) {
    this.device = gpu.device;
    this.pixelValues = this.upload(Float32Array.from({ length: 256 }, (_, p) => p / 255), 'pixel values');
    this.layers = model.layers.map((layer, i) => {
      const kernel = kernelFor(layer, preferDot4, gpu.hasDot4);
      const { inputSize: K, outputSize: N } = layer.packed;
      const integerCodes = kernel === 'int8' || kernel === 'int8-conv';
      const weights =
        kernel === 'binary'
          ? (() => {
              const planes = toBitPlanes(layer.packed);
              return [this.upload(planes.plus, `layer${i} plus plane`), this.upload(planes.minus, `layer${i} minus plane`)];
            })()
          : integerCodes
            ? [this.upload(packCodeRows(layer.codes, K, N), `layer${i} ${layer.weights} codes`)]
            : [this.upload(layer.packed.words, `layer${i} packed2 weights`)];
      return {
        layer,
        kernel,
        weights,
        wordsPerRow: integerCodes ? Math.ceil(K / 4) : layer.packed.wordsPerRow,
        scale: this.upload(layer.scale, `layer${i} scale`),
        bias: this.upload(layer.bias, `layer${i} bias`),
        weightBytes: weights.reduce((sum, buffer) => sum + buffer.size, 0),
      };
    });
  }

  /** The same model on the add/sub kernel instead of dot4I8Packed (for side-by-side timing). */
  withoutDot4(): GpuTernaryNetwork {
    return new GpuTernaryNetwork(this.gpu, this.model, false, this.byteSums);
  }

  /** Kernel per layer, e.g. ['dot4', 'addsub', ...]. */
  get kernels(): KernelChoice[] {
    return this.layers.map((l) => l.kernel);
  }

  /** Bytes of weights resident on the GPU (trits packed, integer codes one byte each). */
  get weightBytes(): number {
    return this.layers.reduce((sum, l) => sum + l.weightBytes, 0);
  }

  private upload(data: Uint32Array | Float32Array, label: string): GPUBuffer {
    const buffer = this.device.createBuffer({
      label,
      size: Math.max(16, Math.ceil(data.byteLength / 4) * 4),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    this.created.push(buffer);
    return buffer;
  }

  private pipeline(name: string, source: string, constants: Record<string, number>, kinds: BindingKind[], entryPoint = 'main') {
    const key = `${name}.${entryPoint}:${JSON.stringify(constants)}`;
    // Cached per device, not per network: a new network is built for every new set of weights (e.g. while the
    // user draws during training), and recompiling the shaders each time would cost far more than the upload.
    let pipelines = pipelineCache.get(this.device);
    if (!pipelines) {
      pipelines = new Map();
      pipelineCache.set(this.device, pipelines);
    }
    let cached = pipelines.get(key);
    if (!cached) {
      const layout = this.device.createBindGroupLayout({
        label: `${name} layout`,
        entries: kinds.map((type, binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } })),
      });
      const pipeline = this.device.createComputePipeline({
        label: key,
        layout: this.device.createPipelineLayout({ label: `${name} pipeline layout`, bindGroupLayouts: [layout] }),
        compute: { module: this.device.createShaderModule({ label: name, code: source }), entryPoint, constants },
      });
      cached = { pipeline, layout };
      pipelines.set(key, cached);
    }
    return cached;
  }

  /**
   * What a forward pass at one batch size needs on the GPU, built once and kept: activation, scale and uniform
   * buffers, bind groups, the logits' readback buffer, and the dispatches in order. Creating these per call cost
   * more than the kernels at small batches (the drawn digit); the two most recent batch sizes are kept.
   */
  private readonly plans = new Map<number, ForwardPlan>();
  /** Forward passes share a plan's buffers, so they run one after another. */
  private forwardQueue: Promise<unknown> = Promise.resolve();

  private planFor(batch: number): ForwardPlan {
    const cached = this.plans.get(batch);
    if (cached) {
      // Most recently used last.
      this.plans.delete(batch);
      this.plans.set(batch, cached);
      return cached;
    }
    const buffers: GPUBuffer[] = [];
    const buffer = (bytes: number, label: string, extra = 0): GPUBuffer => {
      const b = this.device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 4) * 4), usage: GPUBufferUsage.STORAGE | extra });
      buffers.push(b);
      return b;
    };
    const uniform = (values: number[], label: string): GPUBuffer => {
      const b = this.device.createBuffer({ label, size: Math.max(16, Math.ceil(values.length / 4) * 16), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      this.device.queue.writeBuffer(b, 0, Uint32Array.from(values));
      buffers.push(b);
      return b;
    };
    const bind = (name: string, pipelineInfo: ReturnType<GpuTernaryNetwork['pipeline']>, entries: GPUBuffer[]) =>
      this.device.createBindGroup({
        label: `${name} bind group`,
        layout: pipelineInfo.layout,
        entries: entries.map((b, binding) => ({ binding, resource: { buffer: b } })),
      });
    const inputSize = this.model.inputSize;
    // An 8-bit first layer reads the uint8 pixels themselves, four to a word (see quantize_absmax8.wgsl); a float
    // first layer needs them as f32.
    const pixelInput = this.layers[0]?.layer.inputQuantizer === 'absmax8';
    const reducesOnGpu = pixelInput && this.model.inputResolution === REDUCED_SIDE;
    const inputBytes = reducesOnGpu ? batch * IMAGE_PIXELS : pixelInput ? batch * Math.ceil(inputSize / 4) * 4 : batch * inputSize * 4;
    const input = buffer(inputBytes, reducesOnGpu ? 'input images' : 'input activations', GPUBufferUsage.COPY_DST);
    const dispatches: ForwardPlan['dispatches'] = [];
    let activation = input;
    if (reducesOnGpu) {
      // (B, 196) u32 images -> (B, 64) u32 reduced pixels, which the first layer reads as its packed uint8 input.
      const reduced = buffer(batch * REDUCED_PIXELS, 'reduced input');
      const average = this.pipeline('area_average16', areaAverageSource, { WORKGROUP_SIZE }, ['uniform', 'read-only-storage', 'storage']);
      dispatches.push({
        pipeline: average.pipeline,
        bindGroup: bind('area_average16', average, [uniform([batch, 0, 0, 0], 'area average dims'), input, reduced]),
        groups: [Math.ceil(REDUCED_PIXELS / 4 / WORKGROUP_SIZE), batch],
      });
      activation = reduced;
    }

    this.layers.forEach((entry, i) => {
      const { layer, kernel } = entry;
      const K = layer.packed.inputSize;
      const N = layer.packed.outputSize;
      const relu = layer.activation === 'relu' ? 1 : 0;
      if (kernel === 'conv' || kernel === 'conv-dot4' || kernel === 'int8-conv') {
        activation = this.encodeConv(i, entry, activation, batch, i === 0 && pixelInput, { buffer, uniform, bind }, dispatches);
        return;
      }
      const output = buffer(batch * N * 4, `layer${i} output`, i === this.layers.length - 1 ? GPUBufferUsage.COPY_SRC : 0);
      const unitGroups = unitGroupsFor(kernel, N, batch);
      if (kernel === 'binary') {
        const wordsPerRow = Math.ceil(K / 32);
        const bits = buffer(batch * wordsPerRow * 4, `layer${i} sign bits`);
        const quantize = this.pipeline('quantize_sign', quantizeSignSource, { WORKGROUP_SIZE }, ['uniform', 'read-only-storage', 'storage']);
        dispatches.push({
          pipeline: quantize.pipeline,
          bindGroup: bind('quantize_sign', quantize, [uniform([batch, K, wordsPerRow, 0], 'sign dims'), activation, bits]),
          groups: [Math.ceil(wordsPerRow / WORKGROUP_SIZE), batch],
        });
        const matmul = this.pipeline('ternary_binary', binarySource, { WORKGROUP_SIZE, RELU: relu }, [
          'uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage',
        ]);
        dispatches.push({
          pipeline: matmul.pipeline,
          bindGroup: bind('ternary_binary', matmul, [uniform([batch, K, N, wordsPerRow], 'binary dims'), entry.weights[0]!, entry.weights[1]!, entry.scale, entry.bias, bits, output]),
          groups: [unitGroups, batchGroups(kernel, batch)],
        });
      } else {
        const { x, inScale } = this.layerInput(i, K, kernel === 'dot4', i === 0 && pixelInput, activation, batch, { buffer, uniform, bind }, dispatches);
        const name = kernel === 'int8' ? 'int8_matmul' : `ternary_${kernel}`;
        const source = kernel === 'dot4' ? dot4Source : kernel === 'int8' ? intMatmulSource : addSubSource;
        const constants = kernel === 'int8' ? { WORKGROUP_SIZE, RELU: relu, SIGN_INPUT: layer.inputQuantizer === 'sign' ? 1 : 0 } : matrixConstants(kernel, relu, batch, this.byteSums);
        const matmul = this.pipeline(name, source, constants, [
          'uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage',
        ]);
        dispatches.push({
          pipeline: matmul.pipeline,
          bindGroup: bind(name, matmul, [uniform([batch, K, N, entry.wordsPerRow], `${kernel} dims`), entry.weights[0]!, entry.scale, entry.bias, x, inScale, output]),
          groups: [unitGroups, batchGroups(kernel, batch)],
        });
      }
      activation = output;
    });
    const logitBytes = batch * this.model.classCount * 4;
    const readback = this.device.createBuffer({ label: 'logits readback', size: logitBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    buffers.push(readback);
    const plan: ForwardPlan = { input, pixelInput, reducesOnGpu, dispatches, logits: activation, readback, logitBytes, buffers };
    this.plans.set(batch, plan);
    while (this.plans.size > KEPT_PLANS) {
      const [oldest, old] = this.plans.entries().next().value as [number, ForwardPlan];
      old.buffers.forEach((b) => b.destroy());
      this.plans.delete(oldest);
    }
    return plan;
  }

  /**
   * Layer i's input as its kernel reads it, from `activation` ((B, features) f32, or the packed pixels when
   * `pixelInput`): for 'absmax8', quantize_absmax8's codes ((B, features) f32, or four to a word with `packed`) and
   * per-sample scales, its dispatch appended to `dispatches`; otherwise the activation itself with scales of 1.
   * Rows of up to PER_SAMPLE_MAX_FEATURES values take the quantizer's perSample entry point (a thread per sample,
   * no barrier, a few workgroups per batch); longer rows a workgroup per sample, its threads sharing the row.
   */
  private layerInput(
    i: number,
    features: number,
    packed: boolean,
    pixelInput: boolean,
    activation: GPUBuffer,
    batch: number,
    make: PlanMakers,
    dispatches: ForwardPlan['dispatches'],
  ): { x: GPUBuffer; inScale: GPUBuffer } {
    if (this.layers[i]!.layer.inputQuantizer !== 'absmax8') {
      const inScale = make.buffer(batch * 4, `layer${i} unit input scale`, GPUBufferUsage.COPY_DST);
      this.device.queue.writeBuffer(inScale, 0, new Float32Array(batch).fill(1));
      return { x: activation, inScale };
    }
    const packedPerRow = Math.ceil(features / 4);
    const codes = make.buffer(packed ? 16 : batch * features * 4, `layer${i} codes`);
    const packedCodes = make.buffer(packed ? batch * packedPerRow * 4 : 16, `layer${i} packed codes`);
    const inScale = make.buffer(batch * 4, `layer${i} input scale`);
    const perSample = features <= PER_SAMPLE_MAX_FEATURES;
    const info = this.pipeline('quantize_absmax8', quantizeAbsmaxSource, { WORKGROUP_SIZE, PACKED: packed ? 1 : 0, U8_INPUT: pixelInput ? 1 : 0 }, [
      'uniform', 'read-only-storage', 'storage', 'storage', 'storage', 'read-only-storage',
    ], perSample ? 'perSample' : 'main');
    dispatches.push({
      pipeline: info.pipeline,
      bindGroup: make.bind('quantize_absmax8', info, [make.uniform([batch, features, packedPerRow, 0], 'absmax dims'), activation, codes, packedCodes, inScale, this.pixelValues]),
      groups: [perSample ? Math.ceil(batch / WORKGROUP_SIZE) : batch],
    });
    return { x: packed ? packedCodes : codes, inScale };
  }

  /**
   * The dispatches of conv layer i (quantize, convolve, pool) appended to `dispatches`; returns its output buffer,
   * (B, H''·W''·N) f32. `pixelInput`: the activation is the packed uint8 pixels (an 8-bit first layer).
   */
  private encodeConv(
    i: number,
    entry: LayerBuffers,
    activation: GPUBuffer,
    batch: number,
    pixelInput: boolean,
    make: PlanMakers,
    dispatches: ForwardPlan['dispatches'],
  ): GPUBuffer {
    const { layer } = entry;
    const geometry = layer.conv!;
    const { input, pooled } = geometry;
    const features = input.height * input.width * input.channels;
    // Kernel 5 reads the codes four to a word (B, H·W·C/4), kernel 4 one f32 each (B, H·W·C).
    const { x, inScale } = this.layerInput(i, features, entry.kernel === 'conv-dot4', pixelInput, activation, batch, make, dispatches);
    const isLast = i === this.layers.length - 1;
    const out = make.buffer(batch * pooled.height * pooled.width * pooled.channels * 4, `layer${i} ${geometry.pool ? 'pooled ' : ''}output`, isLast ? GPUBufferUsage.COPY_SRC : 0);
    this.encodeConvDispatches(i, entry, x, inScale, out, batch, make, dispatches);
    return out;
  }

  private encodeConvDispatches(
    i: number,
    entry: LayerBuffers,
    x: GPUBuffer,
    inScale: GPUBuffer,
    out: GPUBuffer,
    batch: number,
    make: Pick<PlanMakers, 'uniform' | 'bind'>,
    dispatches: ForwardPlan['dispatches'],
  ): void {
    const { layer } = entry;
    const { input, output, kernel, stride, padTop, padLeft, pool, pooled } = layer.conv!;
    const N = layer.packed.outputSize;
    const kinds: BindingKind[] = ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage'];
    const relu = layer.activation === 'relu' ? 1 : 0;
    const dot4 = entry.kernel === 'conv-dot4';
    const integerCodes = entry.kernel === 'int8-conv';
    const name = dot4 ? 'ternary_conv_dot4' : 'ternary_conv';
    // Kernel size and input channels are pipeline constants (see ternary_conv.wgsl): one pipeline per layer shape.
    // The max pool is fused (POOL; see shared/conv_dims.wgsl): `out` is the pooled map.
    const shape = { WORKGROUP_SIZE, RELU: relu, KERNEL: kernel, IN_CHANNELS: input.channels, POOL: Math.max(1, pool) };
    const conv = dot4
      ? this.pipeline(name, convDot4Source, { ...shape, BYTE_SUMS: this.byteSums ? 1 : 0 }, kinds)
      : this.pipeline(name, convSource, { ...shape, SIGN_INPUT: layer.inputQuantizer === 'sign' ? 1 : 0, INT8_WEIGHTS: integerCodes ? 1 : 0 }, kinds);
    const dims = [batch, input.height, input.width, input.channels, output.height, output.width, N, kernel, stride, padTop, padLeft, entry.wordsPerRow];
    // Kernels 4, 5 and 7: one thread per (pooled) output position and group of filters.
    const threadsPerSample = pooled.height * pooled.width * Math.ceil(N / CONV_UNITS_PER_THREAD);
    dispatches.push({
      pipeline: conv.pipeline,
      bindGroup: make.bind(name, conv, [make.uniform(dims, `layer${i} conv dims`), entry.weights[0]!, entry.scale, entry.bias, x, inScale, out]),
      groups: [Math.ceil(threadsPerSample / WORKGROUP_SIZE), batch],
    });
  }

  /**
   * images: (B, 784) uint8 -> logits (B, classes): one upload, one command submission, one readback (of 5B rows
   * with shift averaging). A 16×16
   * network with an 8-bit first layer reduces the images on the GPU (area_average16.wgsl); with a float first
   * layer the host does, with core's function (core/model/inputResolution.ts).
   */
  forward(images: Uint8Array, batch: number): Promise<Float32Array> {
    const own = images.subarray(0, batch * imagePixelsOf(this.model));
    // Shift averaging (core/model/shiftAveraging.ts): the kernels run on each image's five moved copies, one batch of 5B,
    // and core sums each image's five rows of logits.
    const run = this.forwardQueue.then(async () =>
      this.model.shiftAveraging
        ? sumShiftPasses(await this.forwardNow(shiftedCopies(own, batch, imageSideOf(this.model)), batch * SHIFT_PASSES), batch, this.model.classCount)
        : this.forwardNow(own, batch),
    );
    this.forwardQueue = run.catch(() => undefined);
    return run;
  }

  /** images: (B, 784) uint8. */
  private async forwardNow(images: Uint8Array, batch: number): Promise<Float32Array> {
    if (this.gpu.lostReason) throw new Error(`The GPU device was lost (${this.gpu.lostReason}).`);
    const plan = this.planFor(batch);
    const inputSize = this.model.inputSize;
    let input: Uint8Array | Float32Array = images;
    if (!plan.reducesOnGpu) {
      const pixels = modelInputPixels(this.model.inputResolution, images, batch);
      input = plan.pixelInput ? packPixelRows(pixels, batch, inputSize) : unitIntervalPixels(pixels.subarray(0, batch * inputSize));
    }
    this.device.queue.writeBuffer(plan.input, 0, input.buffer, input.byteOffset, input.byteLength);
    const encoder = this.device.createCommandEncoder({ label: 'ternary forward' });
    const pass = encoder.beginComputePass({ label: 'ternary layers' });
    for (const dispatch of plan.dispatches) {
      pass.setPipeline(dispatch.pipeline);
      pass.setBindGroup(0, dispatch.bindGroup);
      pass.dispatchWorkgroups(dispatch.groups[0], dispatch.groups[1]);
    }
    pass.end();
    encoder.copyBufferToBuffer(plan.logits, 0, plan.readback, 0, plan.logitBytes);
    this.device.queue.submit([encoder.finish()]);
    await plan.readback.mapAsync(GPUMapMode.READ);
    try {
      return new Float32Array(plan.readback.getMappedRange().slice(0));
    } finally {
      plan.readback.unmap();
    }
  }

  /** Copies `bytes` of `source` out, submits, waits for the result, then destroys the call's scratch buffers. */
  private async submitAndRead(encoder: GPUCommandEncoder, source: GPUBuffer, bytes: number, scratch: GPUBuffer[]): Promise<Float32Array> {
    const readback = this.device.createBuffer({ label: 'readback', size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    scratch.push(readback);
    encoder.copyBufferToBuffer(source, 0, readback, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    try {
      await readback.mapAsync(GPUMapMode.READ);
      return new Float32Array(readback.getMappedRange().slice(0));
    } finally {
      scratch.forEach((b) => b.destroy());
    }
  }

  /** Runs only area_average16.wgsl: images (B, 784) uint8 -> (B, 256) uint8, for tests against core's definition. */
  async areaAverageOnly(images: Uint8Array, batch: number): Promise<Uint8Array> {
    const scratch: GPUBuffer[] = [];
    const make = (bytes: number, label: string, usage: number) => {
      const b = this.device.createBuffer({ label, size: Math.max(16, bytes), usage });
      scratch.push(b);
      return b;
    };
    const input = make(batch * IMAGE_PIXELS, 'area-only images', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    this.device.queue.writeBuffer(input, 0, images.buffer, images.byteOffset, batch * IMAGE_PIXELS);
    const dims = make(16, 'area-only dims', GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.device.queue.writeBuffer(dims, 0, Uint32Array.of(batch, 0, 0, 0));
    const output = make(batch * REDUCED_PIXELS, 'area-only output', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    const info = this.pipeline('area_average16', areaAverageSource, { WORKGROUP_SIZE }, ['uniform', 'read-only-storage', 'storage']);
    const encoder = this.device.createCommandEncoder({ label: 'area-only' });
    const pass = encoder.beginComputePass({ label: 'area-only pass' });
    pass.setPipeline(info.pipeline);
    pass.setBindGroup(0, this.device.createBindGroup({ label: 'area-only bind group', layout: info.layout, entries: [dims, input, output].map((b, binding) => ({ binding, resource: { buffer: b } })) }));
    pass.dispatchWorkgroups(Math.ceil(REDUCED_PIXELS / 4 / WORKGROUP_SIZE), batch);
    pass.end();
    const words = await this.submitAndRead(encoder, output, batch * REDUCED_PIXELS, scratch);
    return new Uint8Array(words.buffer);
  }

  /**
   * Runs only layer `index`'s matrix kernel on an input that is already quantized (as core's quantizeInput
   * gives it: values (B, K) and inScale (B); for a conv layer values (B, H·W·C)), so tests compare the kernel's
   * arithmetic alone with the reference. Returns y (B, N), or a conv layer's pooled map (B, H''·W''·N).
   */
  async layerOnly(index: number, values: Float32Array, inScale: Float32Array, batch: number): Promise<Float32Array> {
    const entry = this.layers[index]!;
    const { layer, kernel } = entry;
    const K = layer.packed.inputSize;
    const N = layer.packed.outputSize;
    const scratch: GPUBuffer[] = [];
    const make = (data: ArrayBufferView, label: string, kind: number) => {
      const b = this.device.createBuffer({ label, size: Math.max(16, Math.ceil(data.byteLength / 4) * 4), usage: kind | GPUBufferUsage.COPY_DST });
      this.device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
      scratch.push(b);
      return b;
    };
    if (kernel === 'conv' || kernel === 'conv-dot4' || kernel === 'int8-conv') return this.convLayerOnly(entry, values, inScale, batch, make, scratch);
    let input: Uint32Array | Float32Array = values;
    if (kernel === 'binary') input = packSignBits(values, batch, K);
    if (kernel === 'dot4') input = packI8x4(values, batch, K);
    const x = make(input, 'layer-only input', GPUBufferUsage.STORAGE);
    const output = this.device.createBuffer({ label: 'layer-only output', size: Math.max(16, batch * N * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    scratch.push(output);
    const relu = layer.activation === 'relu' ? 1 : 0;
    const kinds: BindingKind[] = ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage'];
    const source = kernel === 'binary' ? binarySource : kernel === 'dot4' ? dot4Source : kernel === 'int8' ? intMatmulSource : addSubSource;
    // quantizeInput's values are already ±1 for a sign layer: no binarizing here.
    const constants = kernel === 'int8' ? { WORKGROUP_SIZE, RELU: relu } : matrixConstants(kernel, relu, batch, this.byteSums);
    const info = this.pipeline(kernel === 'int8' ? 'int8_matmul' : `ternary_${kernel}`, source, constants, kinds);
    const wordsPerRow = kernel === 'binary' ? Math.ceil(K / 32) : entry.wordsPerRow;
    const dims = make(Uint32Array.of(batch, K, N, wordsPerRow), 'layer-only dims', GPUBufferUsage.UNIFORM);
    const buffers =
      kernel === 'binary'
        ? [dims, entry.weights[0]!, entry.weights[1]!, entry.scale, entry.bias, x, output]
        : [dims, entry.weights[0]!, entry.scale, entry.bias, x, make(inScale, 'layer-only inScale', GPUBufferUsage.STORAGE), output];
    const encoder = this.device.createCommandEncoder({ label: 'layer-only' });
    const pass = encoder.beginComputePass({ label: 'layer-only pass' });
    pass.setPipeline(info.pipeline);
    pass.setBindGroup(0, this.device.createBindGroup({ label: 'layer-only bind group', layout: info.layout, entries: buffers.map((b, binding) => ({ binding, resource: { buffer: b } })) }));
    pass.dispatchWorkgroups(unitGroupsFor(kernel, N, batch), batchGroups(kernel, batch));
    pass.end();
    return this.submitAndRead(encoder, output, batch * N * 4, scratch);
  }

  private async convLayerOnly(
    entry: LayerBuffers,
    values: Float32Array,
    inScale: Float32Array,
    batch: number,
    make: (data: ArrayBufferView, label: string, kind: number) => GPUBuffer,
    scratch: GPUBuffer[],
  ): Promise<Float32Array> {
    const geometry = entry.layer.conv!;
    const { pooled } = geometry;
    const N = entry.layer.packed.outputSize;
    const helpers = {
      uniform: (dims: number[], label: string) => make(Uint32Array.from([...dims, ...new Array<number>((4 - (dims.length % 4)) % 4).fill(0)]), label, GPUBufferUsage.UNIFORM),
      bind: (name: string, info: ReturnType<GpuTernaryNetwork['pipeline']>, entries: GPUBuffer[]) =>
        this.device.createBindGroup({ label: `${name} bind group`, layout: info.layout, entries: entries.map((b, binding) => ({ binding, resource: { buffer: b } })) }),
    };
    const dispatches: ForwardPlan['dispatches'] = [];
    // The conv's output, pooled when the layer pools (the pool is fused into the conv kernels).
    const bytes = batch * pooled.height * pooled.width * N * 4;
    const result = make(new Uint8Array(Math.max(16, bytes)), 'layer-only output', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    const features = geometry.input.height * geometry.input.width * geometry.input.channels;
    const input = entry.kernel === 'conv-dot4' ? packI8x4(values, batch, features) : values;
    this.encodeConvDispatches(0, entry, make(input, 'layer-only input', GPUBufferUsage.STORAGE), make(inScale, 'layer-only inScale', GPUBufferUsage.STORAGE), result, batch, helpers, dispatches);
    const encoder = this.device.createCommandEncoder({ label: 'conv layer-only' });
    const pass = encoder.beginComputePass({ label: 'conv layer-only pass' });
    for (const dispatch of dispatches) {
      pass.setPipeline(dispatch.pipeline);
      pass.setBindGroup(0, dispatch.bindGroup);
      pass.dispatchWorkgroups(dispatch.groups[0], dispatch.groups[1]);
    }
    pass.end();
    return this.submitAndRead(encoder, result, bytes, scratch);
  }

  destroy(): void {
    this.plans.forEach((plan) => plan.buffers.forEach((b) => b.destroy()));
    this.plans.clear();
    this.created.forEach((b) => b.destroy());
  }
}
