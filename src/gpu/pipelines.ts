/**
 * Compute pipelines cached per device, with explicit bind-group layouts (the kernels share buffers between
 * dispatches, so `layout: 'auto'` would not do), and bind groups made against them.
 */
import type { BindingKind } from './dispatchShapes';

export interface PipelineInfo {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

/**
 * Cached per device, not per network: a new network is built for every new set of weights (e.g. while the user
 * draws during training), and recompiling the shaders each time would cost far more than the upload.
 */
const pipelineCache = new WeakMap<GPUDevice, Map<string, PipelineInfo>>();

/** The pipeline of kernel `name` (its WGSL `source`) with these override constants and bindings, made once per device. */
export function pipelineFor(
  device: GPUDevice,
  name: string,
  source: string,
  constants: Record<string, number>,
  kinds: readonly BindingKind[],
  entryPoint = 'main',
): PipelineInfo {
  const key = `${name}.${entryPoint}:${JSON.stringify(constants)}`;
  let pipelines = pipelineCache.get(device);
  if (!pipelines) {
    pipelines = new Map();
    pipelineCache.set(device, pipelines);
  }
  let cached = pipelines.get(key);
  if (!cached) {
    const layout = device.createBindGroupLayout({
      label: `${name} layout`,
      entries: kinds.map((type, binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } })),
    });
    const pipeline = device.createComputePipeline({
      label: key,
      layout: device.createPipelineLayout({ label: `${name} pipeline layout`, bindGroupLayouts: [layout] }),
      compute: { module: device.createShaderModule({ label: name, code: source }), entryPoint, constants },
    });
    cached = { pipeline, layout };
    pipelines.set(key, cached);
  }
  return cached;
}

/** A bind group of `buffers` in binding order 0, 1, … for a pipeline made by pipelineFor. */
export function bindBuffers(device: GPUDevice, name: string, info: PipelineInfo, buffers: readonly GPUBuffer[]): GPUBindGroup {
  return device.createBindGroup({
    label: `${name} bind group`,
    layout: info.layout,
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
}

/** One dispatch of a pipeline with its bind group: groups along x (and y). */
export interface Dispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  groups: [number] | [number, number];
}

/** Records `dispatches` in order in one compute pass of `encoder`. */
export function encodeDispatches(encoder: GPUCommandEncoder, label: string, dispatches: readonly Dispatch[]): void {
  const pass = encoder.beginComputePass({ label });
  for (const dispatch of dispatches) {
    pass.setPipeline(dispatch.pipeline);
    pass.setBindGroup(0, dispatch.bindGroup);
    pass.dispatchWorkgroups(dispatch.groups[0], dispatch.groups[1]);
  }
  pass.end();
}
