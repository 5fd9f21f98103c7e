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
 *
 * This file holds the network's weights on the GPU and runs forward passes; the parts are
 *   dispatchShapes.ts   which kernel runs a layer, workgroup sizes and counts, pipeline constants
 *   kernelSources.ts    the WGSL modules, assembled from ./kernels and ./kernels/shared
 *   pipelines.ts        pipelines cached per device, bind groups, a compute pass of dispatches
 *   forwardPlan.ts      a forward pass at one batch size: buffers, bind groups and dispatches, built once
 *   singleKernels.ts    one kernel at a time, for the kernel tests
 */
import { imagePixelsOf, imageShapeOf, type InferenceModel } from '../core/model/referenceModel';
import { SHIFT_PASSES, shiftedCopies, sumShiftPasses } from '../core/model/shiftAveraging';
import { modelInputPixels, unitIntervalPixels } from '../core/model/inputResolution';
import { packCodeRows, toBitPlanes } from '../core/quant/packing';
import type { GpuContext } from './device';
import { kernelFor, type KernelChoice } from './dispatchShapes';
import { buildForwardPlan, type ForwardPlan, type LayerBuffers, type NetworkResources } from './forwardPlan';
import { encodeDispatches } from './pipelines';
import { areaAverageOnly, layerOnly } from './singleKernels';

export type { KernelChoice } from './dispatchShapes';

/** Batch sizes whose forward plans (GPU buffers, bind groups) a network keeps. */
const KEPT_PLANS = 2;

/** uint8 pixels (B, K) as rows of ⌈K/4⌉ u32 words, pixel k in bits 8·(k mod 4); rows of K % 4 = 0 need no copy. */
function packPixelRows(pixels: Uint8Array, batch: number, inputSize: number): Uint8Array {
  const rowBytes = Math.ceil(inputSize / 4) * 4;
  if (rowBytes === inputSize) return pixels.subarray(0, batch * inputSize);
  const out = new Uint8Array(batch * rowBytes);
  for (let b = 0; b < batch; b++) out.set(pixels.subarray(b * inputSize, (b + 1) * inputSize), b * rowBytes);
  return out;
}

export class GpuTernaryNetwork {
  private readonly device: GPUDevice;
  private readonly resources: NetworkResources;
  private readonly created: GPUBuffer[] = [];
  /** Forward plans by batch size, the most recently used last; at most KEPT_PLANS. */
  private readonly plans = new Map<number, ForwardPlan>();
  /** Forward passes share a plan's buffers, so they run one after another. */
  private forwardQueue: Promise<unknown> = Promise.resolve();

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
    const pixelValues = this.upload(Float32Array.from({ length: 256 }, (_, p) => p / 255), 'pixel values');
    const layers = model.layers.map((layer, i): LayerBuffers => {
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
    this.resources = { device: this.device, model, layers, pixelValues, byteSums };
  }

  /** The same model on the add/sub kernel instead of dot4I8Packed (for side-by-side timing). */
  withoutDot4(): GpuTernaryNetwork {
    return new GpuTernaryNetwork(this.gpu, this.model, false, this.byteSums);
  }

  /** Kernel per layer, e.g. ['dot4', 'addsub', ...]. */
  get kernels(): KernelChoice[] {
    return this.resources.layers.map((l) => l.kernel);
  }

  /** Bytes of weights resident on the GPU (trits packed, integer codes one byte each). */
  get weightBytes(): number {
    return this.resources.layers.reduce((sum, l) => sum + l.weightBytes, 0);
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

  /** The plan for this batch size: kept from an earlier pass, or built, dropping the least recently used. */
  private planFor(batch: number): ForwardPlan {
    const cached = this.plans.get(batch);
    if (cached) {
      this.plans.delete(batch);
      this.plans.set(batch, cached);
      return cached;
    }
    const plan = buildForwardPlan(this.resources, batch);
    this.plans.set(batch, plan);
    while (this.plans.size > KEPT_PLANS) {
      const [oldest, old] = this.plans.entries().next().value as [number, ForwardPlan];
      old.buffers.forEach((b) => b.destroy());
      this.plans.delete(oldest);
    }
    return plan;
  }

  /**
   * images: (B, 784) uint8 -> logits (B, classes): one upload, one command submission, one readback (of 5B rows
   * with shift averaging). A 16×16 network with an 8-bit first layer reduces the images on the GPU
   * (area_average16.wgsl); with a float first layer the host does, with core's function
   * (core/model/inputResolution.ts).
   */
  forward(images: Uint8Array, batch: number): Promise<Float32Array> {
    const own = images.subarray(0, batch * imagePixelsOf(this.model));
    // Shift averaging (core/model/shiftAveraging.ts): the kernels run on each image's five moved copies, one batch of 5B,
    // and core sums each image's five rows of logits.
    const run = this.forwardQueue.then(async () =>
      this.model.shiftAveraging
        ? sumShiftPasses(await this.forwardNow(shiftedCopies(own, batch, imageShapeOf(this.model)), batch * SHIFT_PASSES), batch, this.model.classCount)
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
    encodeDispatches(encoder, 'ternary layers', plan.dispatches);
    encoder.copyBufferToBuffer(plan.logits, 0, plan.readback, 0, plan.logitBytes);
    this.device.queue.submit([encoder.finish()]);
    await plan.readback.mapAsync(GPUMapMode.READ);
    try {
      return new Float32Array(plan.readback.getMappedRange().slice(0));
    } finally {
      plan.readback.unmap();
    }
  }

  /** Runs only area_average16.wgsl: images (B, 784) uint8 -> (B, 256) uint8, for tests against core's definition. */
  areaAverageOnly(images: Uint8Array, batch: number): Promise<Uint8Array> {
    return areaAverageOnly(this.resources, images, batch);
  }

  /**
   * Runs only layer `index`'s matrix kernel on an input that is already quantized (as core's quantizeInput
   * gives it: values (B, K) and inScale (B); for a conv layer values (B, H·W·C)), so tests compare the kernel's
   * arithmetic alone with the reference. Returns y (B, N), or a conv layer's pooled map (B, H''·W''·N).
   */
  layerOnly(index: number, values: Float32Array, inScale: Float32Array, batch: number): Promise<Float32Array> {
    return layerOnly(this.resources, index, values, inScale, batch);
  }

  destroy(): void {
    this.plans.forEach((plan) => plan.buffers.forEach((b) => b.destroy()));
    this.plans.clear();
    this.created.forEach((b) => b.destroy());
  }
}
