/**
 * The WGSL ternary kernels against core's reference forward pass, in real Chromium WebGPU (SwiftShader here).
 * Every case runs inside a validation error scope and fails on any WebGPU validation error; buffers are
 * destroyed afterwards. Integer paths must match exactly; float paths within a stated tolerance.
 */
import { expect, test, type Page } from '@playwright/test';
import type * as InferenceModule from '../../src/core/model/referenceModel';
import type * as InputResolutionModule from '../../src/core/model/inputResolution';
import type * as LayersModule from '../../src/core/model/layers';
import type { LayerSpec } from '../../src/core/model/layers';
import type * as RngModule from '../../src/core/data/rng';
import type * as DeviceModule from '../../src/gpu/device';
import type * as NetworkModule from '../../src/gpu/ternaryNetwork';
import type * as CompareModule from './compareOutputs';

test.beforeEach(async ({ page }) => {
  await page.goto('/e2e/gpu/harness.html');
});

interface CaseResult {
  kernels: string[];
  maxAbsDiff: number;
  maxRelDiff: number;
  exactMismatches: number;
  predictionAgreement: number;
  validationError: string | null;
  hasDot4: boolean;
  byteSums: boolean;
}

/** Runs one randomly generated network on GPU and CPU inside the page and compares. */
async function runCase(
  page: Page,
  spec: {
    sizes: number[];
    batch: number;
    activation: 'none' | 'absmax8' | 'sign';
    hidden: 'relu' | 'identity';
    seed: number;
    unitAffine: boolean;
    preferDot4: boolean;
    /** Run the first layer's matrix kernel alone on CPU-quantized input (exactness of the kernel itself). */
    layerOnly?: boolean;
    /** Kernel 3's inner product: byte sums (true) or dot4I8Packed (false); the adapter's default when absent. */
    byteSums?: boolean;
    /** Worst case for byte sums: every weight positive (trit +1) and every pixel 255 (code 127). */
    saturated?: boolean;
  },
): Promise<CaseResult> {
  return page.evaluate(async (s) => {
    // Modules come from the dev server; the casts give them their real types.
    const load = (path: string): Promise<unknown> => import(/* @vite-ignore */ path);
    const { createGpuContext } = (await load('/src/gpu/device.ts')) as typeof DeviceModule;
    const { GpuTernaryNetwork } = (await load('/src/gpu/ternaryNetwork.ts')) as typeof NetworkModule;
    const inference = (await load('/src/core/model/referenceModel.ts')) as typeof InferenceModule;
    const { createRng } = (await load('/src/core/data/rng.ts')) as typeof RngModule;
    const gpu = await createGpuContext('kernel test');
    if (!gpu) throw new Error('no WebGPU adapter');
    const rng = createRng(s.seed);
    const snapshot = s.sizes.slice(0, -1).map((inputs, i) => {
      const units = s.sizes[i + 1]!;
      const vector = (scale: number, offset: number) => Float32Array.from({ length: units }, () => offset + rng.normal() * scale);
      return {
        inputSize: inputs,
        outputSize: units,
        weight: Float32Array.from({ length: inputs * units }, () => (s.saturated ? 0.1 + Math.abs(rng.normal()) * 0.1 : rng.normal() * 0.1)),
        bias: s.unitAffine ? new Float32Array(units) : vector(0.1, 0),
        batchNorm: null,
      };
    });
    const model = inference.foldModel(snapshot, { activationQuantizer: s.activation, hiddenActivation: s.hidden }, 'twn', 0.7);
    if (s.unitAffine) for (const layer of model.layers) layer.scale.fill(1);
    if (s.layerOnly) model.layers[0]!.inputQuantizer = s.activation;
    const pixels = Uint8Array.from({ length: s.batch * s.sizes[0]! }, () => (s.saturated ? 255 : rng.int(256)));
    gpu.device.pushErrorScope('validation');
    const network = new GpuTernaryNetwork(gpu, model, s.preferDot4, s.byteSums ?? gpu.softwareAdapter);
    let fromGpu: Float32Array;
    let fromCpu: Float32Array;
    if (s.layerOnly) {
      // The matrix kernel alone, on exactly the quantized input the reference uses.
      const layer = model.layers[0]!;
      const inputs = s.sizes[0]!;
      const values = new Float32Array(s.batch * inputs);
      const inScale = new Float32Array(s.batch);
      fromCpu = new Float32Array(s.batch * layer.packed.outputSize);
      for (let b = 0; b < s.batch; b++) {
        const x = Float32Array.from(pixels.subarray(b * inputs, (b + 1) * inputs), (p) => Math.fround(p / 255) - 0.3);
        const q = inference.quantizeInput(x, s.activation);
        values.set(q.values, b * inputs);
        inScale[b] = q.inScale;
        fromCpu.set(inference.epilogue(layer, inference.ternaryAccumulate(layer, q.values), q.inScale), b * layer.packed.outputSize);
      }
      // The layer's kernel is chosen by its input quantizer; a single-layer model's first layer is 8-bit unless
      // activations are float, so for 'sign' the layer is re-labelled to exercise kernel 2.
      fromGpu = await network.layerOnly(0, values, inScale, s.batch);
    } else {
      fromGpu = await network.forward(pixels, s.batch);
      fromCpu = inference.referenceForward(model, pixels, s.batch);
    }
    network.destroy();
    const error = await gpu.device.popErrorScope();
    const { compareOutputs } = (await load('/e2e/gpu/compareOutputs.ts')) as typeof CompareModule;
    gpu.device.destroy();
    return {
      kernels: network.kernels,
      ...compareOutputs(fromGpu, fromCpu, s.batch),
      validationError: error ? error.message : null,
      hasDot4: gpu.hasDot4,
      byteSums: network.byteSums,
    };
  }, spec);
}

test.describe('each matrix kernel alone, on the reference quantized input: exact', () => {
  for (const [inputs, units, batch] of [
    [784, 128, 7],
    [33, 10, 1],
    [1, 1, 3],
    [17, 65, 64],
    [100, 3, 130],
  ] as const) {
    test(`kernel 2 (binary, countOneBits) is exact: ${inputs}→${units}, batch ${batch}`, async ({ page }) => {
      const result = await runCase(page, { sizes: [inputs, units], batch, activation: 'sign', hidden: 'identity', seed: inputs + units, unitAffine: false, preferDot4: true, layerOnly: true });
      expect(result.validationError).toBeNull();
      expect(result.kernels).toEqual(['binary']);
      expect(result.exactMismatches).toBe(0);
    });

    test(`kernel 1 (add/sub) on 8-bit codes is exact: ${inputs}→${units}, batch ${batch}`, async ({ page }) => {
      const result = await runCase(page, { sizes: [inputs, units], batch, activation: 'absmax8', hidden: 'identity', seed: 3 * inputs + units, unitAffine: false, preferDot4: false, layerOnly: true });
      expect(result.validationError).toBeNull();
      expect(result.kernels).toEqual(['addsub']);
      expect(result.exactMismatches).toBe(0);
    });

    for (const byteSums of [false, true]) {
      test(`kernel 3 (${byteSums ? 'byte sums' : 'dot4I8Packed'}) is exact where available: ${inputs}→${units}, batch ${batch}`, async ({ page }) => {
        const result = await runCase(page, { sizes: [inputs, units], batch, activation: 'absmax8', hidden: 'identity', seed: 5 * inputs + units, unitAffine: false, preferDot4: true, layerOnly: true, byteSums });
        expect(result.validationError).toBeNull();
        expect(result.kernels).toEqual([result.hasDot4 ? 'dot4' : 'addsub']);
        expect(result.byteSums).toBe(byteSums);
        expect(result.exactMismatches).toBe(0);
      });
    }
  }
});

test('kernel 3 byte sums at their worst case (codes 127, trits +1, 4,100 inputs: 16-bit lanes widened in time): exact', async ({ page }) => {
  // 128 steps of 2 · 255 fill a 16-bit lane to 65,280; 4,100 inputs are 1,025 steps, so the lanes must be widened
  // to 32 bits between chunks, or the sums wrap.
  const result = await runCase(page, { sizes: [4100, 9], batch: 5, activation: 'absmax8', hidden: 'identity', seed: 17, unitAffine: false, preferDot4: true, layerOnly: true, byteSums: true, saturated: true });
  expect(result.validationError).toBeNull();
  expect(result.kernels).toEqual([result.hasDot4 ? 'dot4' : 'addsub']);
  expect(result.exactMismatches).toBe(0);
});

test.describe('whole networks with folded scales and biases', () => {
  for (const batch of [1, 2]) {
    test(`b158-style on dot4 at batch ${batch} (fewer samples per thread): the reference logits`, async ({ page }) => {
      const result = await runCase(page, { sizes: [784, 70, 45, 10], batch, activation: 'absmax8', hidden: 'relu', seed: 11 + batch, unitAffine: false, preferDot4: true });
      expect(result.validationError).toBeNull();
      expect(result.kernels).toEqual(result.hasDot4 ? ['dot4', 'dot4', 'dot4'] : ['addsub', 'addsub', 'addsub']);
      expect(result.maxRelDiff).toBeLessThan(1e-3);
      expect(result.predictionAgreement).toBe(1);
    });
  }

  test('kernel 1 on float activations: logits within 1e-4 relative, same predictions', async ({ page }) => {
    const result = await runCase(page, { sizes: [784, 96, 10], batch: 50, activation: 'none', hidden: 'relu', seed: 1, unitAffine: false, preferDot4: false });
    expect(result.validationError).toBeNull();
    expect(result.maxRelDiff).toBeLessThan(1e-4);
    expect(result.predictionAgreement).toBe(1);
  });

  for (const preferDot4 of [false, true]) {
    test(`b158-style (absmax8, ReLU, 3 layers), dot4 ${preferDot4 ? 'preferred' : 'off'}: same predictions`, async ({ page }) => {
      const result = await runCase(page, { sizes: [784, 70, 45, 10], batch: 200, activation: 'absmax8', hidden: 'relu', seed: 9, unitAffine: false, preferDot4 });
      expect(result.validationError).toBeNull();
      expect(result.maxRelDiff).toBeLessThan(1e-3);
      expect(result.predictionAgreement).toBeGreaterThanOrEqual(0.99);
    });
  }

  test('seed-style (8-bit input, binary hidden, batch 1): same predictions', async ({ page }) => {
    const result = await runCase(page, { sizes: [784, 128, 10], batch: 1, activation: 'sign', hidden: 'identity', seed: 4, unitAffine: false, preferDot4: true });
    expect(result.validationError).toBeNull();
    expect(result.kernels[1]).toBe('binary');
    expect(result.predictionAgreement).toBe(1);
  });
});

interface ConvCase {
  input: { height: number; width: number; channels: number };
  layers: LayerSpec[];
  batch: number;
  activation: 'absmax8' | 'sign' | 'none';
  seed: number;
  /** Run the first (conv) layer's kernels alone on integer codes or raw values (exactness of the kernels). */
  layerOnly: boolean;
  /** A 16×16 input (input must be 16×16×1): the network is given 28×28 images and area-averages them first. */
  reducedInput?: boolean;
  /** Weight format of the output layer (the layers' own come from their specs); ternary when absent. */
  outputWeights?: 'ternary' | 'int4' | 'int8';
  /** Kernel 5's inner product: byte sums (true) or dot4I8Packed (false); the adapter's default when absent. */
  byteSums?: boolean;
  /** Layer-only: codes 127 and equal positive weights (all trits +1), the byte sums' worst case. */
  saturated?: boolean;
  /** Shift averaging (core/model/shiftAveraging.ts): the network sums the logits of five moved copies of each image. */
  shiftAveraging?: boolean;
}

/** A random CNN (conv layers from `layers`, then the 10-class output) on GPU and on core's reference. */
async function runConvCase(page: Page, spec: ConvCase): Promise<CaseResult & { outputs: number }> {
  return page.evaluate(async (s) => {
    const load = (path: string): Promise<unknown> => import(/* @vite-ignore */ path);
    const { createGpuContext } = (await load('/src/gpu/device.ts')) as typeof DeviceModule;
    const { GpuTernaryNetwork } = (await load('/src/gpu/ternaryNetwork.ts')) as typeof NetworkModule;
    const inference = (await load('/src/core/model/referenceModel.ts')) as typeof InferenceModule;
    const { networkPlan } = (await load('/src/core/model/layers.ts')) as typeof LayersModule;
    const { createRng } = (await load('/src/core/data/rng.ts')) as typeof RngModule;
    const gpu = await createGpuContext('conv kernel test');
    if (!gpu) throw new Error('no WebGPU adapter');
    const rng = createRng(s.seed);
    const plan = networkPlan(s.layers, s.input, 10, s.outputWeights);
    const snapshot = plan.map((layer) => ({
      weights: layer.weights,
      inputSize: layer.inputSize,
      outputSize: layer.outputSize,
      weight: Float32Array.from({ length: layer.inputSize * layer.outputSize }, () => (s.saturated ? 0.1 : rng.normal() * 0.1)),
      bias: Float32Array.from({ length: layer.outputSize }, () => rng.normal() * 0.1),
      batchNorm: null,
      conv: layer.conv,
    }));
    const model = inference.foldModel(
      snapshot,
      { activationQuantizer: s.activation, hiddenActivation: 'relu', inputResolution: s.reducedInput ? 16 : 28, shiftAveraging: s.shiftAveraging ?? false },
      'twn',
      0.7,
      s.reducedInput ? 1 : s.input.channels,
    );
    // A negative batch-norm gain folds into a negative scale, under which the fused pool's largest value comes from
    // the smallest sum: every third filter gets one (not in the saturated case, whose sums ReLU would then zero).
    if (!s.saturated) for (const layer of model.layers) if (layer.conv) layer.scale.forEach((value, j) => { if (j % 3 === 1) layer.scale[j] = -value; });
    const features = s.input.height * s.input.width * s.input.channels;
    const imageSize = s.reducedInput ? 784 : features;
    gpu.device.pushErrorScope('validation');
    const network = new GpuTernaryNetwork(gpu, model, true, s.byteSums ?? gpu.softwareAdapter);
    let fromGpu: Float32Array;
    let fromCpu: Float32Array;
    if (s.layerOnly) {
      const layer = model.layers[0]!;
      layer.inputQuantizer = s.activation === 'sign' ? 'sign' : 'absmax8';
      const weights = inference.layerWeights(layer);
      // Integer codes in [-127, 127] with a per-example scale, or raw values the kernel binarizes itself.
      const values = Float32Array.from({ length: s.batch * features }, () => (s.activation === 'sign' ? rng.normal() : s.saturated ? 127 : rng.int(255) - 127));
      const inScale = Float32Array.from({ length: s.batch }, () => (s.activation === 'sign' ? 1 : 0.001 + rng.int(1000) / 997));
      const perExample: Float32Array[] = [];
      for (let b = 0; b < s.batch; b++) {
        const x = values.subarray(b * features, (b + 1) * features);
        const q = s.activation === 'sign' ? inference.quantizeInput(x, 'sign').values : x;
        perExample.push(inference.convolve(layer, q, inScale[b]!, weights));
      }
      fromCpu = new Float32Array(perExample.reduce((n, a) => n + a.length, 0));
      perExample.forEach((a, b) => fromCpu.set(a, b * a.length));
      fromGpu = await network.layerOnly(0, values, inScale, s.batch);
    } else {
      const pixels = Uint8Array.from({ length: s.batch * imageSize }, () => (rng.int(3) === 0 ? rng.int(256) : 0));
      fromGpu = await network.forward(pixels, s.batch);
      fromCpu = inference.referenceForward(model, pixels, s.batch);
    }
    network.destroy();
    const error = await gpu.device.popErrorScope();
    const { compareOutputs } = (await load('/e2e/gpu/compareOutputs.ts')) as typeof CompareModule;
    gpu.device.destroy();
    return {
      kernels: network.kernels,
      ...compareOutputs(fromGpu, fromCpu, s.batch),
      validationError: error ? error.message : null,
      hasDot4: gpu.hasDot4,
      byteSums: network.byteSums,
      outputs: fromCpu.length,
    };
  }, spec);
}

test.describe('conv kernels (the max pool fused)', () => {
  const conv = (filters: number, kernel: number, stride: number, padding: 'valid' | 'same'): LayerSpec => ({ kind: 'conv2d', filters, kernel, stride, padding });
  for (const [name, input, layer, pool, batch] of [
    ['kernel 3, same, 3→5 channels', { height: 9, width: 9, channels: 3 }, conv(5, 3, 1, 'same'), 0, 1],
    ['kernel 5, valid, 7→6 channels, pool 2', { height: 13, width: 11, channels: 7 }, conv(6, 5, 1, 'valid'), 2, 130],
    ['kernel 3, same, stride 2, 1→7 channels, pool 3', { height: 28, width: 28, channels: 1 }, conv(7, 3, 2, 'same'), 3, 130],
    ['kernel 5, same, 5→9 channels', { height: 7, width: 7, channels: 5 }, conv(9, 5, 1, 'same'), 0, 1],
  ] as const) {
    for (const activation of ['absmax8', 'sign'] as const) {
      test(`exact on ${activation === 'sign' ? 'binarized' : 'integer'} inputs: ${name}, batch ${batch}`, async ({ page }) => {
        const layers: LayerSpec[] = pool ? [layer, { kind: 'maxpool2d', size: pool }, { kind: 'flatten' }] : [layer, { kind: 'flatten' }];
        const result = await runConvCase(page, { input, layers, batch, activation, seed: batch + pool + input.channels, layerOnly: true });
        expect(result.validationError).toBeNull();
        expect(result.kernels[0]).toBe('conv');
        expect(result.outputs).toBeGreaterThan(0);
        expect(result.exactMismatches).toBe(0);
      });
    }
  }

  // Input channels a multiple of 16: 8-bit codes go to kernel 5 (dot4I8Packed) where the adapter has it.
  for (const [name, input, layer, pool, batch] of [
    ['kernel 3, same, 16→6 channels', { height: 7, width: 7, channels: 16 }, conv(6, 3, 1, 'same'), 0, 1],
    ['kernel 3, same, stride 2, 32→9 channels, pool 2', { height: 12, width: 10, channels: 32 }, conv(9, 3, 2, 'same'), 2, 70],
    ['kernel 5, valid, 48→32 channels', { height: 9, width: 9, channels: 48 }, conv(32, 5, 1, 'valid'), 0, 3],
    ['kernel 3, valid, 16→5 channels, pool 3', { height: 12, width: 11, channels: 16 }, conv(5, 3, 1, 'valid'), 3, 2],
  ] as const) {
    for (const byteSums of [false, true]) {
      test(`exact on integer inputs with ${byteSums ? 'byte sums' : 'dot4I8Packed'} where the adapter has it: ${name}, batch ${batch}`, async ({ page }) => {
        const layers: LayerSpec[] = pool ? [layer, { kind: 'maxpool2d', size: pool }, { kind: 'flatten' }] : [layer, { kind: 'flatten' }];
        const result = await runConvCase(page, { input, layers, batch, activation: 'absmax8', seed: 40 + batch + input.channels, layerOnly: true, byteSums });
        expect(result.validationError).toBeNull();
        expect(result.kernels[0]).toBe(result.hasDot4 ? 'conv-dot4' : 'conv');
        expect(result.byteSums).toBe(byteSums);
        expect(result.outputs).toBeGreaterThan(0);
        expect(result.exactMismatches).toBe(0);
      });
    }
  }

  test('kernel 5 byte sums at their worst case (codes 127, trits +1, 528 channels: 16-bit lanes widened within a tap): exact', async ({ page }) => {
    // A tap of 528 channels is 33 words of trits, 132 steps of 2 · 255 per 16-bit lane: past 65,535 unless the
    // lanes are widened after 32 words.
    const layers: LayerSpec[] = [conv(3, 3, 1, 'same'), { kind: 'flatten' }];
    const result = await runConvCase(page, { input: { height: 4, width: 3, channels: 528 }, layers, batch: 2, activation: 'absmax8', seed: 29, layerOnly: true, byteSums: true, saturated: true });
    expect(result.validationError).toBeNull();
    expect(result.kernels[0]).toBe(result.hasDot4 ? 'conv-dot4' : 'conv');
    expect(result.exactMismatches).toBe(0);
  });

  test('a whole CNN with a 16-channel second conv (dot4I8Packed where the adapter has it): the reference logits, batch 130', async ({ page }) => {
    const layers: LayerSpec[] = [conv(16, 3, 1, 'same'), { kind: 'maxpool2d', size: 2 }, conv(20, 3, 1, 'same'), { kind: 'maxpool2d', size: 2 }, { kind: 'flatten' }, { kind: 'dense', units: 24 }];
    const result = await runConvCase(page, { input: { height: 28, width: 28, channels: 1 }, layers, batch: 130, activation: 'absmax8', seed: 23, layerOnly: false });
    expect(result.validationError).toBeNull();
    expect(result.kernels.slice(0, 2)).toEqual(['conv', result.hasDot4 ? 'conv-dot4' : 'conv']);
    expect(result.maxRelDiff).toBeLessThan(1e-3);
    expect(result.predictionAgreement).toBe(1);
  });

  test('a whole CNN (8-bit, conv, pool, conv stride 2, dense) on the kernels: the reference logits, batch 130', async ({ page }) => {
    const layers: LayerSpec[] = [conv(6, 5, 1, 'valid'), { kind: 'maxpool2d', size: 2 }, conv(10, 3, 2, 'same'), { kind: 'flatten' }, { kind: 'dense', units: 24 }];
    const result = await runConvCase(page, { input: { height: 28, width: 28, channels: 1 }, layers, batch: 130, activation: 'absmax8', seed: 17, layerOnly: false });
    expect(result.validationError).toBeNull();
    expect(result.kernels.slice(0, 2)).toEqual(['conv', 'conv']);
    expect(result.maxRelDiff).toBeLessThan(1e-3);
    expect(result.predictionAgreement).toBe(1);
  });

  test('area_average16.wgsl gives core\'s 16×16 area average bit for bit, batch 300', async ({ page }) => {
    const result = await page.evaluate(async () => {
      const load = (path: string): Promise<unknown> => import(/* @vite-ignore */ path);
      const { createGpuContext } = (await load('/src/gpu/device.ts')) as typeof DeviceModule;
      const { GpuTernaryNetwork } = (await load('/src/gpu/ternaryNetwork.ts')) as typeof NetworkModule;
      const inference = (await load('/src/core/model/referenceModel.ts')) as typeof InferenceModule;
      const { areaAverage16 } = (await load('/src/core/model/inputResolution.ts')) as typeof InputResolutionModule;
      const { createRng } = (await load('/src/core/data/rng.ts')) as typeof RngModule;
      const gpu = await createGpuContext('area average test');
      if (!gpu) throw new Error('no WebGPU adapter');
      const rng = createRng(31);
      const batch = 300;
      // Sparse ink like MNIST, with full-range pixels (255s test the largest sums).
      const images = Uint8Array.from({ length: batch * 784 }, () => (rng.int(3) === 0 ? (rng.int(2) === 0 ? 255 : rng.int(256)) : 0));
      const snapshot = [{ inputSize: 256, outputSize: 10, weight: new Float32Array(2560).fill(0.1), bias: new Float32Array(10), batchNorm: null, conv: null }];
      const model = inference.foldModel(snapshot, { activationQuantizer: 'absmax8', hiddenActivation: 'relu', inputResolution: 16 }, 'twn', 0.7);
      gpu.device.pushErrorScope('validation');
      const network = new GpuTernaryNetwork(gpu, model, true);
      const fromGpu = await network.areaAverageOnly(images, batch);
      network.destroy();
      const error = await gpu.device.popErrorScope();
      const fromCore = areaAverage16(images, batch);
      let mismatches = 0;
      for (let i = 0; i < fromCore.length; i++) if (fromGpu[i] !== fromCore[i]) mismatches++;
      gpu.device.destroy();
      return { mismatches, values: fromCore.length, validationError: error ? error.message : null };
    });
    expect(result.validationError).toBeNull();
    expect(result.values).toBe(300 * 256);
    expect(result.mismatches).toBe(0);
  });

  for (const [name, layers] of [
    ['dense 64, dense 32', [{ kind: 'flatten' }, { kind: 'dense', units: 64 }, { kind: 'dense', units: 32 }]],
    ['conv, pool, dense', [conv(4, 3, 1, 'same'), { kind: 'maxpool2d', size: 2 }, { kind: 'flatten' }, { kind: 'dense', units: 16 }]],
  ] as const) {
    test(`a 16×16 input (area average of 28×28 images): ${name}, the reference logits, batch 65`, async ({ page }) => {
      const result = await runConvCase(page, { input: { height: 16, width: 16, channels: 1 }, layers: [...layers], batch: 65, activation: 'absmax8', seed: 23, layerOnly: false, reducedInput: true });
      expect(result.validationError).toBeNull();
      expect(result.outputs).toBe(65 * 10);
      expect(result.maxRelDiff).toBeLessThan(1e-3);
      expect(result.predictionAgreement).toBe(1);
    });
  }

  // Shift averaging: the kernels run five moved copies of each image and core sums their logits, as the reference.
  for (const [name, input, layers, reducedInput] of [
    ['a 16×16 input, dense 64, dense 32', { height: 16, width: 16, channels: 1 }, [{ kind: 'flatten' }, { kind: 'dense', units: 64 }, { kind: 'dense', units: 32 }], true],
    ['the 28×28 image, conv, pool, dense', { height: 28, width: 28, channels: 1 }, [conv(4, 3, 1, 'same'), { kind: 'maxpool2d', size: 2 }, { kind: 'flatten' }, { kind: 'dense', units: 16 }], false],
    // RGB images: a pixel moves with its three channels (NHWC), into a conv layer of 3 input channels or a dense one.
    ['a 12×12 RGB image, conv, pool, dense', { height: 12, width: 12, channels: 3 }, [conv(4, 3, 1, 'same'), { kind: 'maxpool2d', size: 2 }, { kind: 'flatten' }, { kind: 'dense', units: 16 }], false],
    ['a 10×10 RGB image, dense 32', { height: 10, width: 10, channels: 3 }, [{ kind: 'flatten' }, { kind: 'dense', units: 32 }], false],
  ] as const) {
    test(`shift averaging on ${name}: the reference's summed logits, batch 13`, async ({ page }) => {
      const result = await runConvCase(page, { input, layers: [...layers], batch: 13, activation: 'absmax8', seed: 29, layerOnly: false, reducedInput, shiftAveraging: true });
      expect(result.validationError).toBeNull();
      expect(result.outputs).toBe(13 * 10);
      expect(result.maxRelDiff).toBeLessThan(1e-3);
      expect(result.predictionAgreement).toBe(1);
    });
  }
});

test.describe('integer-coded weights (int4 and int8 layers): kernels 6 and 7', () => {
  const conv = (filters: number, kernel: number, stride: number, padding: 'valid' | 'same', weights: 'int4' | 'int8'): LayerSpec => ({ kind: 'conv2d', filters, kernel, stride, padding, weights });
  for (const [name, input, layer, pool, batch] of [
    ['int8, kernel 3, same, 3→5 channels', { height: 9, width: 9, channels: 3 }, conv(5, 3, 1, 'same', 'int8'), 0, 1],
    ['int4, kernel 5, valid, 7→6 channels, pool 2', { height: 13, width: 11, channels: 7 }, conv(6, 5, 1, 'valid', 'int4'), 2, 70],
    ['int8, kernel 3, same, stride 2, 16→9 channels, pool 2', { height: 12, width: 10, channels: 16 }, conv(9, 3, 2, 'same', 'int8'), 2, 3],
  ] as const) {
    for (const activation of ['absmax8', 'sign'] as const) {
      test(`conv exact on ${activation === 'sign' ? 'binarized' : 'integer'} inputs: ${name}, batch ${batch}`, async ({ page }) => {
        const layers: LayerSpec[] = pool ? [layer, { kind: 'maxpool2d', size: pool }, { kind: 'flatten' }] : [layer, { kind: 'flatten' }];
        const result = await runConvCase(page, { input, layers, batch, activation, seed: 60 + batch + input.channels, layerOnly: true });
        expect(result.validationError).toBeNull();
        expect(result.kernels[0]).toBe('int8-conv');
        expect(result.outputs).toBeGreaterThan(0);
        expect(result.exactMismatches).toBe(0);
      });
    }
  }

  test('a whole CNN in mixed formats (int8 conv, int4 conv, ternary dense, int4 output): the reference logits, batch 65', async ({ page }) => {
    const layers: LayerSpec[] = [conv(8, 3, 1, 'same', 'int8'), { kind: 'maxpool2d', size: 2 }, conv(16, 3, 1, 'same', 'int4'), { kind: 'maxpool2d', size: 2 }, { kind: 'flatten' }, { kind: 'dense', units: 24 }];
    const result = await runConvCase(page, { input: { height: 16, width: 16, channels: 1 }, layers, batch: 65, activation: 'absmax8', seed: 29, layerOnly: false, reducedInput: true, outputWeights: 'int4' });
    expect(result.validationError).toBeNull();
    expect(result.kernels[0]).toBe('int8-conv');
    expect(result.kernels[1]).toBe('int8-conv');
    expect(result.kernels[3]).toBe('int8');
    expect(result.maxRelDiff).toBeLessThan(1e-3);
    expect(result.predictionAgreement).toBe(1);
  });

  for (const activation of ['absmax8', 'sign'] as const) {
    test(`an MLP with an int8 first layer and an int4 output on ${activation} activations: the reference logits, batch 33`, async ({ page }) => {
      const layers: LayerSpec[] = [{ kind: 'flatten' }, { kind: 'dense', units: 40, weights: 'int8' }, { kind: 'dense', units: 20 }];
      const result = await runConvCase(page, { input: { height: 28, width: 28, channels: 1 }, layers, batch: 33, activation, seed: 31, layerOnly: false, outputWeights: 'int4' });
      expect(result.validationError).toBeNull();
      expect(result.kernels).toEqual(['int8', activation === 'sign' ? 'binary' : expect.any(String), 'int8']);
      expect(result.maxRelDiff).toBeLessThan(1e-3);
      expect(result.predictionAgreement).toBe(1);
    });
  }
});
