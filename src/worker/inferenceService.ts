/**
 * Inference of the trained model outside TensorFlow.js: the folded ternary network (core/model/referenceModel.ts) runs on
 * our WGSL kernels when WebGPU is there, else on the CPU reference. Used by "Evaluate with the ternary kernel",
 * the kernel benchmark and the draw-a-digit classifier. The GPU device is separate from tfjs's.
 */
import { argmaxRows, foldModel, imagePixelsOf, referenceForward, referenceLayerOutputs, softmax, type InferenceModel } from '../core/model/referenceModel';
import { channelsOfSet, type ImageSet } from '../core/data/dataset';
import { passesPerImage } from '../core/model/shiftAveraging';
import { createGpuContext, type GpuContext } from '../gpu/device';
import { GpuTernaryNetwork } from '../gpu/ternaryNetwork';
import type { Trainer } from '../train/trainer';
import { viewQuantizer } from './weightReports';

import type { FeatureMap, InferencePath } from '../protocol/messages';

/** Largest batch sent to the GPU at once: 10,000 images of 784 floats is 31 MB, within default limits. */
const MAX_GPU_BATCH = 10_000;

export class InferenceService {
  private gpu: GpuContext | null = null;
  private gpuTried = false;
  private cached: { key: string; model: InferenceModel; network: GpuTernaryNetwork | null } | null = null;

  /** Builds (or reuses) the folded model for the trainer's current weights and threshold. */
  async model(trainer: Trainer, threshold: number, weightsVersion: number): Promise<{ model: InferenceModel; network: GpuTernaryNetwork | null }> {
    const key = `${weightsVersion}:${threshold}:${trainer.config.shiftAveraging}`;
    if (this.cached?.key === key && !this.gpu?.lostReason) return this.cached;
    this.cached?.network?.destroy();
    const model = foldModel(await trainer.model.snapshot(), trainer.config, viewQuantizer(trainer), threshold, channelsOfSet(trainer.data.train));
    const gpu = await this.gpuContext();
    this.cached = { key, model, network: gpu ? new GpuTernaryNetwork(gpu, model) : null };
    return this.cached;
  }

  /** Never use WebGPU for inference (?inference=cpu): the CPU reference answers instead. */
  useCpuOnly(): void {
    this.gpuTried = true;
    this.gpu = null;
  }

  private async gpuContext(): Promise<GpuContext | null> {
    if (this.gpu && !this.gpu.lostReason) return this.gpu;
    if (this.gpuTried && !this.gpu) return null;
    this.gpuTried = true;
    try {
      this.gpu = await createGpuContext();
    } catch {
      this.gpu = null;
    }
    return this.gpu;
  }

  /** Which path inference will take here, creating the kernels' GPU device if there is one. */
  async probe(): Promise<{ path: InferencePath; adapter: string; hasDot4: boolean }> {
    const gpu = await this.gpuContext();
    return { path: gpu ? 'webgpu' : 'cpu', adapter: gpu?.adapterDescription ?? '', hasDot4: gpu?.hasDot4 ?? false };
  }

  get path(): InferencePath {
    return this.cached?.network ? 'webgpu' : 'cpu';
  }

  /** pixels: (B, side·side·channels) -> logits (B, classes) on the GPU kernels, or the CPU reference without WebGPU. */
  async logits(model: InferenceModel, network: GpuTernaryNetwork | null, pixels: Uint8Array, batch: number): Promise<Float32Array> {
    if (!network) return referenceForward(model, pixels, batch);
    const out = new Float32Array(batch * model.classCount);
    const size = imagePixelsOf(model);
    // With shift averaging each image is five on the GPU (core/model/shiftAveraging.ts).
    const chunk = Math.floor(MAX_GPU_BATCH / passesPerImage(model.shiftAveraging));
    for (let start = 0; start < batch; start += chunk) {
      const count = Math.min(chunk, batch - start);
      out.set(await network.forward(pixels.subarray(start * size, (start + count) * size), count), start * model.classCount);
    }
    return out;
  }

  async predict(model: InferenceModel, network: GpuTernaryNetwork | null, set: ImageSet): Promise<Uint8Array> {
    return argmaxRows(await this.logits(model, network, set.pixels, set.count), set.count, model.classCount);
  }

  /**
   * Class probabilities of one 28×28 image, and each conv layer's feature maps. The maps come from the CPU
   * reference, which gives every layer's output in one pass (the kernels equal it exactly; they read back only the
   * logits).
   */
  async classify(model: InferenceModel, network: GpuTernaryNetwork | null, pixels: Uint8Array): Promise<{ probabilities: Float32Array; featureMaps: FeatureMap[] }> {
    const hasConv = model.layers.some((layer) => layer.conv);
    const outputs = hasConv || !network ? referenceLayerOutputs(model, pixels) : null;
    const featureMaps = outputs
      ? model.layers.flatMap((layer, i): FeatureMap[] => (layer.conv ? [{ layer: i, ...layer.conv.pooled, values: outputs[i]! }] : []))
      : [];
    // The feature maps are the image's own; the logits, with shift averaging, the five moved copies' sum.
    const logits = network ? await network.forward(pixels, 1) : model.shiftAveraging ? referenceForward(model, pixels, 1) : outputs![outputs!.length - 1]!;
    return { probabilities: softmax(logits), featureMaps };
  }

  dispose(): void {
    this.cached?.network?.destroy();
    this.cached = null;
  }
}
