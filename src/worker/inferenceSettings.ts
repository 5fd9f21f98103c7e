/**
 * Inference-only settings (core/model/config.ts INFERENCE_SETTINGS) as the worker receives them: checked, stripped
 * of undefined fields, and compared with a config. Pure functions; the trainer's config holds the values
 * (Trainer.applyInferenceSettings), and the session applies them.
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
