import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/presets';
import { detectorBudget, networkInstructionEstimate, type FrontEndCost } from './detectorBudget';
import { configFootprint } from './mcuFootprint';

describe('networkInstructionEstimate', () => {
  it('stays within 10 % of the instructions bench:mcu measured on QEMU (docs/benchmarks.md)', () => {
    // mcu-16k, five passes: 1,392,840–1,418,360 over four seeds; mcu-cnn-16k: 7.22–7.33 M.
    expect(networkInstructionEstimate(PRESETS['mcu-16k'], 10) / 1_410_000).toBeGreaterThan(0.9);
    expect(networkInstructionEstimate(PRESETS['mcu-16k'], 10) / 1_410_000).toBeLessThan(1.1);
    expect(networkInstructionEstimate(PRESETS['mcu-cnn-16k'], 10) / 7_270_000).toBeGreaterThan(0.9);
    expect(networkInstructionEstimate(PRESETS['mcu-cnn-16k'], 10) / 7_270_000).toBeLessThan(1.1);
  });

  it('counts a conv layer once per output position and each pass of shift averaging', () => {
    const dense = { layers: [{ kind: 'flatten' as const }, { kind: 'dense' as const, units: 16 }] };
    const one = networkInstructionEstimate(dense, 4);
    expect(Math.abs(networkInstructionEstimate({ ...dense, shiftAveraging: true }, 4) - 5 * one)).toBeLessThanOrEqual(3);
    // 784×16 + 16×4 weights at the dense rate.
    expect(Math.abs(one - 4.6 * (784 * 16 + 16 * 4))).toBeLessThanOrEqual(1);
  });
});

describe('detectorBudget', () => {
  it('adds the front end to the network, the larger stack counting once', () => {
    const network = configFootprint(PRESETS['mcu-cnn-16k'], 'base3');
    const frontEnd: FrontEndCost = { flashBytes: 3000, ramBytes: 2000, stackBytes: 100, instructions: 500_000, source: 'test' };
    const budget = detectorBudget(network, 1_000_000, frontEnd);
    expect(budget.flashBytes).toBe(network.flashBytes + 3000);
    expect(budget.ramBytes).toBe(network.ramBytes + 2000);
    expect(budget.stackBytes).toBe(Math.max(network.stackBytes, 100));
    expect(budget.instructions).toBe(1_500_000);
    expect(budget.frontEndInstructions).toBe(500_000);
  });
});
