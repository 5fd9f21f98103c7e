/**
 * Inference-only settings (core/model/config.ts INFERENCE_SETTINGS) as the worker receives them: checked, stripped
 * of undefined fields, merged while they wait, and compared with a config. The trainer's config holds the values
 * in force (Trainer.applyInferenceSettings); the session applies them.
 */
import { INFERENCE_SETTINGS, THRESHOLD_RANGE, type InferenceSettings, type TrainConfig } from '../core/model/config';

type Key = keyof InferenceSettings;

/** Why these settings cannot be applied (a message for the page), or null when they can. */
export function inferenceSettingsProblem(settings: Partial<InferenceSettings>): string | null {
  const { threshold, shiftAveraging } = settings;
  if (threshold !== undefined && !(Number.isFinite(threshold) && threshold >= THRESHOLD_RANGE.min && threshold <= THRESHOLD_RANGE.max)) {
    return `Threshold ${threshold} is outside ${THRESHOLD_RANGE.min}..${THRESHOLD_RANGE.max}.`;
  }
  if (shiftAveraging !== undefined && typeof shiftAveraging !== 'boolean') return `Shift averaging must be on or off, not ${String(shiftAveraging)}.`;
  return null;
}

/** The fields that are given (a message may spell an absent field as undefined). */
export function givenSettings(settings: Partial<InferenceSettings>): Partial<InferenceSettings> {
  return Object.fromEntries(INFERENCE_SETTINGS.filter((key) => settings[key] !== undefined).map((key) => [key, settings[key]])) as Partial<InferenceSettings>;
}

/** The inference settings a config holds. */
export function inferenceSettingsOf(config: TrainConfig): InferenceSettings {
  return Object.fromEntries(INFERENCE_SETTINGS.map((key) => [key, config[key]])) as InferenceSettings;
}

/** The inference settings of `next` that differ from those of `current` (empty: none). */
export function changedSettings(current: TrainConfig, next: TrainConfig): Partial<InferenceSettings> {
  const changed = INFERENCE_SETTINGS.filter((key: Key) => current[key] !== next[key]);
  return Object.fromEntries(changed.map((key) => [key, next[key]])) as Partial<InferenceSettings>;
}

/**
 * Settings received and not yet applied, merged field by field: when moves arrive faster than they are applied,
 * each field is applied once, at its newest value.
 */
export class SettingsInbox {
  private pending: Partial<InferenceSettings> | null = null;

  /** Takes the settings in, or says why they are refused (and keeps nothing of them). */
  offer(settings: Partial<InferenceSettings>): string | null {
    const problem = inferenceSettingsProblem(settings);
    if (problem === null) this.pending = { ...this.pending, ...givenSettings(settings) };
    return problem;
  }

  /** What waits, merged (null: nothing since the last take). */
  take(): Partial<InferenceSettings> | null {
    const settings = this.pending;
    this.pending = null;
    return settings;
  }
}
