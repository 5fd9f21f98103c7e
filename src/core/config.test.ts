import { describe, expect, it } from 'vitest';
import { ConfigError, estimateTrainingBytes, PRESETS, TRAINING_MEMORY_BUDGET_BYTES, validateConfig } from './config';

describe('validateConfig: the gate for form fields and anything untrusted', () => {
  it('accepts every preset as it is', () => {
    for (const preset of Object.values(PRESETS)) expect(validateConfig(preset)).toEqual(preset);
  });

  it.each([
    ['NaN learning rate', { learningRate: Number.NaN }, /learning rate must be a number/],
    ['negative batch', { batchSize: -5 }, /batch size must be between/],
    ['zero epochs', { epochs: 0 }, /epochs must be between/],
    ['huge width', { hidden: [1e9] }, /hidden layer 1 width must be between/],
    ['text for a number', { seed: 'forty-two' }, /seed must be a number/],
    ['fractional batch', { batchSize: 12.5 }, /whole number/],
    ['unknown quantizer', { weightQuantizer: 'quinary' }, /weight quantizer must be one of/],
    ['too many layers', { hidden: [8, 8, 8, 8, 8] }, /at most 4/],
  ])('refuses %s with a message', (_, patch, message) => {
    expect(() => validateConfig({ ...PRESETS.seed, ...patch })).toThrow(ConfigError);
    expect(() => validateConfig({ ...PRESETS.seed, ...patch })).toThrow(message);
  });

  it('refuses a network whose training would not fit the memory budget, showing the estimate, before any allocation', () => {
    const huge = { ...PRESETS.seed, hidden: [2048, 2048, 2048, 2048], batchSize: 4096 };
    expect(estimateTrainingBytes(huge)).toBeGreaterThan(TRAINING_MEMORY_BUDGET_BYTES);
    expect(() => validateConfig(huge)).toThrow(/would need about 1,784 MB while training .* over the 1,024 MB budget/);
    // The presets are far below it.
    expect(estimateTrainingBytes(PRESETS['b158-mlp'])).toBeLessThan(64 * 1024 * 1024);
    expect(validateConfig({ ...huge, batchSize: 256 }).batchSize).toBe(256);
  });
});
