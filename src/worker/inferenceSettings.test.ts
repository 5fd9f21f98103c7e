/** The checks and comparisons of inference settings as the worker receives them (pure, no tfjs). */
import { describe, expect, it } from 'vitest';
import { PRESETS, THRESHOLD_RANGE } from '../core/model/config';
import { changedSettings, givenSettings, inferenceSettingsOf, inferenceSettingsProblem } from './inferenceSettings';

describe('inference settings', () => {
  it('accept a threshold inside THRESHOLD_RANGE, ends included, and refuse one outside it or not finite', () => {
    expect(inferenceSettingsProblem({ threshold: THRESHOLD_RANGE.min })).toBeNull();
    expect(inferenceSettingsProblem({ threshold: THRESHOLD_RANGE.max, shiftAveraging: true })).toBeNull();
    expect(inferenceSettingsProblem({})).toBeNull();
    expect(inferenceSettingsProblem({ threshold: THRESHOLD_RANGE.max + 0.01 })).toBe(`Threshold 2.01 is outside ${THRESHOLD_RANGE.min}..${THRESHOLD_RANGE.max}.`);
    expect(inferenceSettingsProblem({ threshold: -0.1 })).toMatch(/outside/);
    expect(inferenceSettingsProblem({ threshold: Number.NaN })).toMatch(/outside/);
    expect(inferenceSettingsProblem({ shiftAveraging: 'yes' as unknown as boolean })).toMatch(/on or off/);
  });

  it('keep only the fields given, and compare two configs field by field', () => {
    expect(givenSettings({ threshold: undefined, shiftAveraging: false })).toEqual({ shiftAveraging: false });
    const config = PRESETS.seed;
    expect(inferenceSettingsOf(config)).toEqual({ threshold: config.threshold, shiftAveraging: config.shiftAveraging });
    expect(changedSettings(config, { ...config })).toEqual({});
    expect(changedSettings(config, { ...config, threshold: 1.1, batchSize: 7 })).toEqual({ threshold: 1.1 });
    expect(changedSettings(config, { ...config, shiftAveraging: !config.shiftAveraging })).toEqual({ shiftAveraging: !config.shiftAveraging });
  });
});
