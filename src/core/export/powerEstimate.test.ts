import { describe, expect, it } from 'vitest';
import { CHIP_POWER, chipPowerProblem, estimatePower } from './powerEstimate';

const chip = { runMicroampsPerMhz: 100, sleepMicroamps: 2, supplyVolts: 3, clockMhz: 50 };

describe('estimatePower', () => {
  it('gives the energy of one inference from the run current per MHz, whatever the clock', () => {
    // 5,000,000 cycles at 50 MHz = 0.1 s at 100 µA/MHz × 50 MHz = 5 mA, 3 V: 15 mW × 0.1 s = 1.5 mJ.
    const estimate = estimatePower(5_000_000, chip, 1);
    expect(estimate.activeSeconds).toBeCloseTo(0.1, 12);
    expect(estimate.runMilliwatts).toBeCloseTo(15, 12);
    expect(estimate.energyMicrojoules).toBeCloseTo(1500, 9);
    expect(estimatePower(5_000_000, { ...chip, clockMhz: 10 }, 1).energyMicrojoules).toBeCloseTo(1500, 9);
  });

  it('averages run and sleep power over each second at the detection rate', () => {
    // 4 windows of 0.1 s: duty 0.4; 15 mW × 0.4 + 3 V × 2 µA × 0.6 = 6 mW + 0.0036 mW.
    const estimate = estimatePower(5_000_000, chip, 4);
    expect(estimate.dutyCycle).toBeCloseTo(0.4, 12);
    expect(estimate.keepsUp).toBe(true);
    expect(estimate.averageMilliwatts).toBeCloseTo(6.0036, 9);
    // No windows: the chip only sleeps.
    expect(estimatePower(5_000_000, chip, 0).averageMilliwatts).toBeCloseTo(0.006, 12);
  });

  it('says when the windows come faster than the chip computes them, and then never sleeps', () => {
    const estimate = estimatePower(5_000_000, chip, 20);
    expect(estimate.keepsUp).toBe(false);
    expect(estimate.dutyCycle).toBe(1);
    expect(estimate.averageMilliwatts).toBeCloseTo(estimate.runMilliwatts, 12);
  });

  it('counts more cycles per instruction where asked (a Cortex-M0+ needs more)', () => {
    const one = estimatePower(1_000_000, chip, 1);
    const more = estimatePower(1_000_000, chip, 1, 1.5);
    expect(more.cycles).toBe(1_500_000);
    expect(more.energyMicrojoules / one.energyMicrojoules).toBeCloseTo(1.5, 12);
  });

  it('puts the issue’s budget (4.8 M instructions, 4 windows a second) under 50 mW on every listed chip', () => {
    for (const target of CHIP_POWER) {
      const estimate = estimatePower(4_800_000, target, 4);
      expect(estimate.keepsUp, target.id).toBe(true);
      expect(estimate.averageMilliwatts, target.id).toBeLessThan(50);
    }
  });
});

describe('CHIP_POWER', () => {
  it('lists usable figures, each with its datasheet', () => {
    expect(new Set(CHIP_POWER.map((c) => c.id)).size).toBe(CHIP_POWER.length);
    for (const target of CHIP_POWER) {
      expect(chipPowerProblem(target), target.id).toBeNull();
      expect(target.source).toMatch(/datasheet|Specification/i);
    }
  });

  it('refuses figures the estimate cannot use', () => {
    expect(chipPowerProblem({ ...chip, runMicroampsPerMhz: 0 })).toMatch(/run current/);
    expect(chipPowerProblem({ ...chip, sleepMicroamps: -1 })).toMatch(/sleep/);
    expect(chipPowerProblem({ ...chip, supplyVolts: Number.NaN })).toMatch(/voltage/);
    expect(chipPowerProblem({ ...chip, clockMhz: Infinity })).toMatch(/clock/);
    expect(chipPowerProblem({ ...chip, sleepMicroamps: 0 })).toBeNull();
  });
});
