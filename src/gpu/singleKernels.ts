/**
 * One kernel of the ternary network at a time, for the browser tests (e2e/gpu/kernels.spec.ts) that compare a
 * kernel's arithmetic alone with core's reference: the area average on raw images, and a layer's matrix or conv
 * kernel on an input already quantized as core's quantizeInput gives it. Each call makes its own scratch buffers
 * and destroys them after its readback; the whole forward pass is forwardPlan.ts.
 */
import { IMAGE_PIXELS, REDUCED_PIXELS } from '../core/model/inputResolution';
import { packI8x4, packSignBits } from '../core/quant/packing';
import { batchGroups, isConvKernel, LAYER_BINDINGS, matrixConstants, UNARY_BINDINGS, unitGroupsFor, WORKGROUP_SIZE } from './dispatchShapes';
import { encodeConvDispatches, type LayerBuffers, type NetworkResources } from './forwardPlan';
import { addSubSource, areaAverageSource, binarySource, dot4Source, intMatmulSource } from './kernelSources';
import { bindBuffers, encodeDispatches, pipelineFor, type Dispatch, type PipelineInfo } from './pipelines';

/** Scratch buffers of one call: made with their data, destroyed together once the result is read back. */
class Scratch {
  readonly buffers: GPUBuffer[] = [];

  constructor(private readonly device: GPUDevice) {}

  /** An empty buffer of at least `bytes` (16 at least, whole words). */
  empty(bytes: number, label: string, usage: number): GPUBuffer {
    const b = this.device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 4) * 4), usage });
    this.buffers.push(b);
    return b;
  }

  /** A buffer holding `data`. */
  filled(data: ArrayBufferView, label: string, usage: number): GPUBuffer {
    const b = this.empty(data.byteLength, label, usage | GPUBufferUsage.COPY_DST);
    this.device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
    return b;
  }

  /** Copies `bytes` of `source` out, submits `encoder`, waits for the result, then destroys every scratch buffer. */
  async submitAndRead(encoder: GPUCommandEncoder, source: GPUBuffer, bytes: number): Promise<Float32Array> {
    const readback = this.empty(bytes, 'readback', GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    encoder.copyBufferToBuffer(source, 0, readback, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    try {
      await readback.mapAsync(GPUMapMode.READ);
      return new Float32Array(readback.getMappedRange(0, bytes).slice(0));
    } finally {
      this.buffers.forEach((b) => b.destroy());
    }
  }
}

/** Runs only area_average16.wgsl: images (B, 784) uint8 -> (B, 256) uint8. */
export async function areaAverageOnly(net: NetworkResources, images: Uint8Array, batch: number): Promise<Uint8Array> {
  const { device } = net;
  const scratch = new Scratch(device);
  const input = scratch.filled(images.subarray(0, batch * IMAGE_PIXELS), 'area-only images', GPUBufferUsage.STORAGE);
  const dims = scratch.filled(Uint32Array.of(batch, 0, 0, 0), 'area-only dims', GPUBufferUsage.UNIFORM);
  const output = scratch.empty(batch * REDUCED_PIXELS, 'area-only output', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
  const info = pipelineFor(device, 'area_average16', areaAverageSource, { WORKGROUP_SIZE }, UNARY_BINDINGS);
  const encoder = device.createCommandEncoder({ label: 'area-only' });
  encodeDispatches(encoder, 'area-only pass', [
    { pipeline: info.pipeline, bindGroup: bindBuffers(device, 'area-only', info, [dims, input, output]), groups: [Math.ceil(REDUCED_PIXELS / 4 / WORKGROUP_SIZE), batch] },
  ]);
  const words = await scratch.submitAndRead(encoder, output, batch * REDUCED_PIXELS);
  return new Uint8Array(words.buffer);
}

/**
 * Runs only layer `index`'s matrix kernel on values (B, K) and inScale (B) as core's quantizeInput gives them (for
 * a conv layer values (B, H·W·C)). Returns y (B, N), or a conv layer's pooled map (B, H''·W''·N).
 */
export async function layerOnly(net: NetworkResources, index: number, values: Float32Array, inScale: Float32Array, batch: number): Promise<Float32Array> {
  const entry = net.layers[index]!;
  if (isConvKernel(entry.kernel)) return convLayerOnly(net, entry, values, inScale, batch);
  const { device } = net;
  const { layer, kernel } = entry;
  const K = layer.packed.inputSize;
  const N = layer.packed.outputSize;
  const scratch = new Scratch(device);
  let input: Uint32Array | Float32Array = values;
  if (kernel === 'binary') input = packSignBits(values, batch, K);
  if (kernel === 'dot4') input = packI8x4(values, batch, K);
  const x = scratch.filled(input, 'layer-only input', GPUBufferUsage.STORAGE);
  const output = scratch.empty(batch * N * 4, 'layer-only output', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
  const relu = layer.activation === 'relu' ? 1 : 0;
  const source = kernel === 'binary' ? binarySource : kernel === 'dot4' ? dot4Source : kernel === 'int8' ? intMatmulSource : addSubSource;
  // quantizeInput's values are already ±1 for a sign layer: no binarizing here.
  const constants = kernel === 'int8' ? { WORKGROUP_SIZE, RELU: relu } : matrixConstants(kernel, relu, batch, net.byteSums);
  const info = pipelineFor(device, kernel === 'int8' ? 'int8_matmul' : `ternary_${kernel}`, source, constants, LAYER_BINDINGS);
  const wordsPerRow = kernel === 'binary' ? Math.ceil(K / 32) : entry.wordsPerRow;
  const dims = scratch.filled(Uint32Array.of(batch, K, N, wordsPerRow), 'layer-only dims', GPUBufferUsage.UNIFORM);
  const buffers =
    kernel === 'binary'
      ? [dims, entry.weights[0]!, entry.weights[1]!, entry.scale, entry.bias, x, output]
      : [dims, entry.weights[0]!, entry.scale, entry.bias, x, scratch.filled(inScale, 'layer-only inScale', GPUBufferUsage.STORAGE), output];
  const encoder = device.createCommandEncoder({ label: 'layer-only' });
  encodeDispatches(encoder, 'layer-only pass', [
    { pipeline: info.pipeline, bindGroup: bindBuffers(device, 'layer-only', info, buffers), groups: [unitGroupsFor(kernel, N, batch), batchGroups(kernel, batch)] },
  ]);
  return scratch.submitAndRead(encoder, output, batch * N * 4);
}

/** A conv layer's kernel alone: values (B, H·W·C) -> its pooled map (B, H''·W''·N). */
async function convLayerOnly(net: NetworkResources, entry: LayerBuffers, values: Float32Array, inScale: Float32Array, batch: number): Promise<Float32Array> {
  const { device } = net;
  const scratch = new Scratch(device);
  const geometry = entry.layer.conv!;
  const { pooled } = geometry;
  const N = entry.layer.packed.outputSize;
  const make = {
    uniform: (dims: number[], label: string) =>
      scratch.filled(Uint32Array.from([...dims, ...new Array<number>((4 - (dims.length % 4)) % 4).fill(0)]), label, GPUBufferUsage.UNIFORM),
    bind: (name: string, info: PipelineInfo, buffers: GPUBuffer[]) => bindBuffers(device, name, info, buffers),
  };
  const dispatches: Dispatch[] = [];
  // The conv's output, pooled when the layer pools (the pool is fused into the conv kernels).
  const bytes = batch * pooled.height * pooled.width * N * 4;
  const result = scratch.empty(bytes, 'layer-only output', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
  const features = geometry.input.height * geometry.input.width * geometry.input.channels;
  const input = entry.kernel === 'conv-dot4' ? packI8x4(values, batch, features) : values;
  const x = scratch.filled(input, 'layer-only input', GPUBufferUsage.STORAGE);
  const scales = scratch.filled(inScale, 'layer-only inScale', GPUBufferUsage.STORAGE);
  encodeConvDispatches(net, 0, entry, x, scales, result, batch, make, dispatches);
  const encoder = device.createCommandEncoder({ label: 'conv layer-only' });
  encodeDispatches(encoder, 'conv layer-only pass', dispatches);
  return scratch.submitAndRead(encoder, result, bytes);
}
