import { describe, expect, it } from 'vitest';
import { mlpLayers } from './layers';
import { ConfigError, COSINE_FLOOR, estimateTrainingBytes, layerListProblem, learningRateAt, PRESETS, TRAINING_MEMORY_BUDGET_BYTES, validateConfig } from './config';

describe('validateConfig: the gate for form fields and anything untrusted', () => {
  it('accepts every preset as it is', () => {
    for (const preset of Object.values(PRESETS)) expect(validateConfig(preset)).toEqual(preset);
  });

  it.each([
    ['NaN learning rate', { learningRate: Number.NaN }, /learning rate must be a number/],
    ['negative batch', { batchSize: -5 }, /batch size must be between/],
    ['zero epochs', { epochs: 0 }, /epochs must be between/],
    ['huge width (a config from before layer lists)', { layers: undefined, hidden: [1e9] }, /hidden layer 1 width must be between/],
    ['text for a number', { seed: 'forty-two' }, /seed must be a number/],
    ['fractional batch', { batchSize: 12.5 }, /whole number/],
    ['unknown quantizer', { weightQuantizer: 'quinary' }, /weight quantizer must be one of/],
    ['too many hidden widths (a config from before layer lists)', { layers: undefined, hidden: [8, 8, 8, 8, 8] }, /at most 4/],
    ['a huge dense layer', { layers: mlpLayers([1e9]) }, /layer 2 \(dense\) units must be between/],
    ['too many layers', { layers: mlpLayers(Array.from({ length: 12 }, () => 8)) }, /at most 12 layers/],
    ['two pools in a row', { layers: [{ kind: 'conv2d', filters: 4, kernel: 3, stride: 4, padding: 'same' }, { kind: 'maxpool2d', size: 2 }, { kind: 'maxpool2d', size: 2 }, { kind: 'flatten' }] }, /must come right after a conv2d/],
    ['a pool on a 1×1 map', { layers: [{ kind: 'conv2d', filters: 4, kernel: 3, stride: 4, padding: 'same' }, { kind: 'conv2d', filters: 4, kernel: 3, stride: 4, padding: 'same' }, { kind: 'conv2d', filters: 4, kernel: 3, stride: 4, padding: 'same' }, { kind: 'maxpool2d', size: 2 }, { kind: 'flatten' }] }, /cannot pool a 1×1×4 map/],
    ['a pool larger than its map', { layers: [{ kind: 'conv2d', filters: 4, kernel: 5, stride: 4, padding: 'valid' }, { kind: 'maxpool2d', size: 8 }, { kind: 'flatten' }] }, /cannot pool a 6×6×4 map/],
    ['a kernel larger than its map', { layers: [{ kind: 'conv2d', filters: 4, kernel: 5, stride: 4, padding: 'valid' }, { kind: 'conv2d', filters: 4, kernel: 7, stride: 1, padding: 'valid' }, { kind: 'flatten' }] }, /does not fit its 6×6×4 input/],
    ['a conv after flatten', { layers: [{ kind: 'flatten' }, { kind: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same' }] }, /comes after a flatten/],
    ['an input resolution other than 28 or 16', { inputResolution: 20 }, /input resolution must be one of 28, 16/],
    ['an input resolution as text', { inputResolution: '16' }, /input resolution must be one of 28, 16/],
    ['a distillation weight above 1', { distillWeight: 2 }, /distillation weight must be between 0 and 1, got 2/],
    ['a NaN distillation weight', { distillWeight: Number.NaN }, /distillation weight must be a number/],
    ['a distillation temperature below 1', { distillTemperature: 0 }, /distillation temperature must be between 1 and 20/],
    ['an unknown optimizer', { optimizer: 'sgd' }, /optimizer must be one of adam, muon/],
    ['an EMA decay of 1 (the average would never move)', { emaDecay: 1 }, /EMA decay must be between 0 and 0.9999, got 1/],
    ['a NaN EMA decay', { emaDecay: Number.NaN }, /EMA decay must be a number/],
    ['a map left unflattened', { layers: [{ kind: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same' }] }, /end the list with a flatten/],
  ])('refuses %s with a message', (_, patch, message) => {
    expect(() => validateConfig({ ...PRESETS.seed, ...patch })).toThrow(ConfigError);
    expect(() => validateConfig({ ...PRESETS.seed, ...patch })).toThrow(message);
  });

  it('reads a config from before layer lists (hidden widths) as the MLP it described', () => {
    const legacy: Record<string, unknown> = { ...PRESETS['b158-mlp'], hidden: [512, 512] };
    delete legacy.layers;
    expect(validateConfig(legacy)).toEqual(PRESETS['b158-mlp']);
  });

  it('reads weight formats: absent or ternary means ternary (kept canonical), int4/int8 kept, anything else refused', () => {
    // A config saved before weight formats existed: no outputWeights, no weights on its layers.
    const old = JSON.parse(JSON.stringify(PRESETS.cnn)) as Record<string, unknown>;
    delete old.outputWeights;
    expect(validateConfig(old)).toEqual(PRESETS.cnn);
    const layers = PRESETS.cnn.layers.map((layer, i) => (layer.kind === 'conv2d' ? { ...layer, weights: i === 0 ? 'int8' : 'ternary' } : layer));
    const checked = validateConfig({ ...PRESETS.cnn, layers, outputWeights: 'int4' });
    expect(checked.layers[0]).toEqual({ ...PRESETS.cnn.layers[0], weights: 'int8' });
    expect(checked.layers[2]).toEqual(PRESETS.cnn.layers[2]);
    expect(checked.layers[2]).not.toHaveProperty('weights');
    expect(checked.outputWeights).toBe('int4');
    expect(() => validateConfig({ ...PRESETS['mcu-cnn-16k'], outputWeights: 'int3' })).toThrow(/output layer weight format/);
    expect(() => validateConfig({ ...PRESETS['mcu-16k'], layers: [{ kind: 'flatten' }, { kind: 'dense', units: 8, weights: 'fp16' }] })).toThrow(/layer 2 weight format/);
  });

  it('reads a config from before weight averaging as one trained without it', () => {
    const legacy: Record<string, unknown> = { ...PRESETS.cnn };
    delete legacy.emaDecay;
    expect(validateConfig(legacy)).toEqual({ ...PRESETS.cnn, emaDecay: 0 });
  });

  it('reads a config from before the optimizer choice as one trained with Adam', () => {
    const legacy: Record<string, unknown> = { ...PRESETS['mcu-16k'] };
    delete legacy.optimizer;
    expect(validateConfig(legacy)).toEqual({ ...PRESETS['mcu-16k'], optimizer: 'adam' });
  });

  it('reads a config from before distillation as one that learns from the labels alone (α 0, T 4)', () => {
    const legacy: Record<string, unknown> = { ...PRESETS.cnn };
    delete legacy.distillWeight;
    delete legacy.distillTemperature;
    expect(validateConfig(legacy)).toEqual({ ...PRESETS.cnn, distillWeight: 0, distillTemperature: 4 });
  });

  it('reads a config from before the input choice as one on the 28×28 image, and shapes layers on a 16×16 input', () => {
    const legacy: Record<string, unknown> = { ...PRESETS.seed };
    delete legacy.inputResolution;
    expect(validateConfig(legacy)).toEqual(PRESETS.seed);
    // Three 2×2 pools fit 28×28 (28 -> 14 -> 7 -> 3) but not 16×16 after a 5×5 valid conv (12 -> 6 -> 3 -> 1, then 1×1).
    const layers = [
      { kind: 'conv2d', filters: 4, kernel: 5, stride: 1, padding: 'valid' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'flatten' },
    ];
    expect(validateConfig({ ...PRESETS.seed, layers }).layers).toHaveLength(9);
    expect(() => validateConfig({ ...PRESETS.seed, inputResolution: 16, layers })).toThrow(/cannot pool a 1×1×4 map/);
    // The 16×16 input's first layer has 256 inputs: the estimate drops with it.
    expect(estimateTrainingBytes({ ...PRESETS.seed, inputResolution: 16 })).toBeLessThan(estimateTrainingBytes(PRESETS.seed));
  });

  it('counts feature maps × batch for a CNN', () => {
    const cnn = PRESETS.cnn;
    // Activations dominate a CNN: the estimate grows about linearly with the batch.
    const small = estimateTrainingBytes({ ...cnn, batchSize: 1 });
    const large = estimateTrainingBytes({ ...cnn, batchSize: 101 });
    expect((large - small) / 100).toBeGreaterThan(4 * 10 * 28 * 28 * 8);
  });

  it('refuses a network whose training would not fit the memory budget, showing the estimate, before any allocation', () => {
    const huge = { ...PRESETS.seed, layers: mlpLayers([2048, 2048, 2048, 2048]), batchSize: 4096 };
    expect(estimateTrainingBytes(huge)).toBeGreaterThan(TRAINING_MEMORY_BUDGET_BYTES);
    expect(() => validateConfig(huge)).toThrow(/would need about 1,784 MB while training .* over the 1,024 MB budget/);
    // The presets are far below it.
    expect(estimateTrainingBytes(PRESETS['b158-mlp'])).toBeLessThan(64 * 1024 * 1024);
    expect(validateConfig({ ...huge, batchSize: 256 }).batchSize).toBe(256);
  });
});

describe('learningRateAt: the schedule over the whole run', () => {
  const base = 0.004;
  const total = 1001;
  const at = (lrSchedule: 'constant' | 'cosine' | 'cosine-zero', step: number) => learningRateAt({ learningRate: base, lrSchedule }, step, total);

  it('keeps the base rate with a constant schedule', () => {
    expect([0, 500, 1000].map((step) => at('constant', step))).toEqual([base, base, base]);
  });

  it('starts at the base rate and ends at 5 % of it (cosine) or at zero (cosine-zero), halfway at the mean of the two', () => {
    expect(at('cosine', 0)).toBeCloseTo(base, 12);
    expect(at('cosine', total - 1)).toBeCloseTo(base * COSINE_FLOOR, 12);
    expect(at('cosine', 500)).toBeCloseTo((base * (1 + COSINE_FLOOR)) / 2, 12);
    expect(at('cosine-zero', 0)).toBeCloseTo(base, 12);
    expect(at('cosine-zero', 500)).toBeCloseTo(base / 2, 12);
    expect(at('cosine-zero', total - 1)).toBeCloseTo(0, 12);
    // Past the planned end (a resumed run with fewer epochs) it stays at the floor.
    expect(at('cosine-zero', total + 50)).toBeCloseTo(0, 12);
  });

  it('never rises, and cosine-zero is below cosine after the first step', () => {
    for (let step = 1; step < total; step++) {
      expect(at('cosine', step)).toBeLessThanOrEqual(at('cosine', step - 1));
      expect(at('cosine-zero', step)).toBeLessThanOrEqual(at('cosine-zero', step - 1));
      expect(at('cosine-zero', step)).toBeLessThan(at('cosine', step));
    }
  });

  it('reads a config with the new schedule back from a link or file, and refuses an unknown one', () => {
    expect(validateConfig({ ...PRESETS.seed, lrSchedule: 'cosine-zero' }).lrSchedule).toBe('cosine-zero');
    expect(() => validateConfig({ ...PRESETS.seed, lrSchedule: 'cosine-ish' })).toThrow(ConfigError);
  });
});

describe('layerListProblem: the layers against the data image', () => {
  it('fits the cnn preset to a 20×20 RGB image, says why three pools do not fit 8×8 and why 16×16 needs 28×28 grey', () => {
    const cnn = PRESETS.cnn.layers;
    expect(layerListProblem(cnn, 28, { height: 20, width: 20, channels: 3 })).toBeNull();
    const convPool = [
      { kind: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'maxpool2d', size: 2 },
    ];
    // 28 -> 14 -> 7 -> 3 -> 1; 8 -> 4 -> 2 -> 1 -> a pool on a 1×1 map.
    const pools = [...convPool, ...convPool, ...convPool, ...convPool, { kind: 'flatten' }];
    expect(layerListProblem(pools, 28)).toBeNull();
    expect(layerListProblem(pools, 28, { height: 8, width: 8, channels: 1 })).toMatch(/\S/);
    expect(layerListProblem(cnn, 16, { height: 20, width: 20, channels: 3 })).toMatch(/16×16 input is the area average of 28×28 grey/);
  });
});
