import { describe, expect, it } from 'vitest';
import { readShareLink, shareParams } from '../app/shareLink';
import { INFERENCE_SETTINGS, PRESETS, presetOf, sameTraining, validateConfig, type TrainConfig } from './config';
import { defaultConfig, FIELD_KEYS, FIELDS, type FieldKey } from './configFields';
import { mlpLayers } from './layers';
import { configSummary, PRESET_IDS, PRESET_OVERRIDES, presetSummary } from './presets';

/** A valid value of the field other than the seed preset's, from its spec alone. */
function otherValue(field: FieldKey): unknown {
  const spec = FIELDS[field];
  const current = PRESETS.seed[field];
  switch (spec.kind) {
    case 'number': {
      const candidate = spec.integer ? Math.min(spec.max, Math.max(spec.min, Number(current) + 1)) : (spec.min + spec.max) / 2;
      return candidate === current ? spec.min : candidate;
    }
    case 'choice':
      return spec.choices.find((choice) => choice !== current);
    case 'boolean':
      return !current;
    case 'layers':
      return mlpLayers([48, 24]);
  }
}

describe('the field table', () => {
  it('declares every TrainConfig field, each with a label and a one-sentence description', () => {
    expect(new Set(FIELD_KEYS)).toEqual(new Set(Object.keys(PRESETS.seed)));
    for (const field of FIELD_KEYS) {
      const { label, description, name } = FIELDS[field];
      expect(label.trim(), field).not.toBe('');
      expect(name.trim(), field).not.toBe('');
      expect(description.length, `${field}'s description`).toBeGreaterThan(40);
      expect(description, `${field}'s description ends a sentence`).toMatch(/\.$/);
      expect(description, `${field}'s description is one sentence`).not.toMatch(/[.!?]\s+[A-Z]/);
    }
  });

  it('has defaults and legacy defaults that pass validation, and ranges that hold the defaults', () => {
    expect(validateConfig(defaultConfig())).toEqual(defaultConfig());
    for (const field of FIELD_KEYS) {
      const spec = FIELDS[field];
      if (spec.kind === 'number') expect(spec.default, field).toBeGreaterThanOrEqual(spec.min);
      if (spec.kind === 'number') expect(spec.default, field).toBeLessThanOrEqual(spec.max);
      if (spec.kind === 'choice') expect(spec.choices as readonly unknown[], field).toContain(spec.default);
      if (spec.legacyDefault !== undefined) {
        const old: Record<string, unknown> = { ...PRESETS.cnn };
        delete old[field];
        expect(validateConfig(old)[field], `${field} read from a config without it`).toEqual(spec.legacyDefault);
      }
    }
  });

  it('derives every preset: the defaults with its overrides, and each preset passes validation unchanged', () => {
    expect(PRESET_IDS).toEqual(['seed', 'b158-mlp', 'mcu-16k', 'cnn', 'mcu-cnn-16k', 'kws']);
    for (const id of PRESET_IDS) {
      expect(PRESETS[id]).toEqual({ ...defaultConfig(), ...PRESET_OVERRIDES[id] });
      expect(Object.keys(PRESETS[id])).toEqual(FIELD_KEYS);
      expect(validateConfig(PRESETS[id])).toEqual(PRESETS[id]);
      // The same keys in the same order: exports and checkpoints carry the config as JSON.
      expect(JSON.stringify(validateConfig(PRESETS[id]))).toBe(JSON.stringify(PRESETS[id]));
      // Overrides say only what differs from the defaults.
      for (const [field, value] of Object.entries(PRESET_OVERRIDES[id])) expect(value, `${id}.${field}`).not.toEqual(defaultConfig()[field as FieldKey]);
    }
    expect(PRESET_OVERRIDES.seed).toEqual({});
  });

  it('validates every field: a value of the wrong kind is refused by the name the table gives', () => {
    for (const field of FIELD_KEYS) {
      const spec = FIELDS[field];
      const wrong = spec.kind === 'boolean' ? 'yes' : spec.kind === 'layers' ? 'dense' : spec.kind === 'choice' ? 'no-such-choice' : 'forty-two';
      expect(() => validateConfig({ ...PRESETS.seed, [field]: wrong }), field).toThrow(spec.kind === 'layers' ? /layers/ : new RegExp(`^${spec.name.replace(/[()]/g, '\\$&')} must be`));
      expect(validateConfig({ ...PRESETS.seed, [field]: otherValue(field) })[field], field).toEqual(otherValue(field));
    }
  });

  it('round-trips every field through a share link', () => {
    for (const field of FIELD_KEYS) {
      const config = { ...PRESETS.seed, [field]: otherValue(field) } as TrainConfig;
      const params = shareParams({ preset: 'seed', datasetId: 'mnist-10k', config });
      expect(params.map(([key]) => key), field).toContain(field);
      const text = new URLSearchParams(params).toString();
      const read = readShareLink([...new URLSearchParams(text).entries()]);
      expect(read, field).toEqual({ kind: 'setup', setup: { preset: 'seed', datasetId: 'mnist-10k', config } });
    }
  });

  it('restarts training for every field but the inference-only ones, which are threshold and shift averaging', () => {
    expect([...INFERENCE_SETTINGS]).toEqual(['threshold', 'shiftAveraging']);
    for (const field of FIELD_KEYS) {
      const changed = { ...PRESETS.seed, [field]: otherValue(field) } as TrainConfig;
      expect(sameTraining(PRESETS.seed, changed), field).toBe(FIELDS[field].inferenceOnly === true);
    }
  });
});

describe('which preset is this', () => {
  it('names the preset while the config trains its run, else custom', () => {
    expect(presetOf('mcu-16k', PRESETS['mcu-16k'])).toBe('mcu-16k');
    expect(presetOf('mcu-16k', { ...PRESETS['mcu-16k'], threshold: 0.9, shiftAveraging: false })).toBe('mcu-16k');
    expect(presetOf('mcu-16k', { ...PRESETS['mcu-16k'], epochs: 3 })).toBe('custom');
    expect(presetOf('custom', PRESETS.seed)).toBe('custom');
    expect(presetOf('no-such-preset', PRESETS.seed)).toBe('custom');
  });

  it('summarizes a preset in one line, with what the config changes from it', () => {
    expect(configSummary(PRESETS.seed)).toBe('28×28 · 784-128-10 · twn t 0.7 per layer · sign activations · batchnorm · adam 0.006 cosine · batch 100 × 5 epochs · seed 42');
    expect(configSummary(PRESETS['mcu-16k'])).toContain('16×16 · 256-128-128-64-10');
    expect(configSummary(PRESETS['mcu-16k'])).toContain('shift averaging');
    expect(presetSummary('seed', PRESETS.seed)).toMatch(/^seed — 28×28/);
    // Own images: the data's image, as the first layer sees it.
    expect(presetSummary('seed', PRESETS.seed, 3, { height: 20, width: 20, channels: 3 })).toMatch(/^seed — 20×20×3 · 1200-128-3 · /);
    expect(configSummary(PRESETS['mcu-16k'], 3, { height: 20, width: 20, channels: 3 })).toContain('16×16 · 256-128-128-64-3');
    expect(presetSummary('seed', { ...PRESETS.seed, epochs: 9, seed: 1 })).toMatch(/^seed, changed: epochs, seed — /);
    expect(configSummary(PRESETS.seed)).not.toContain('\n');
  });

  it('gives the output layer the data set\'s class count: a 4-word keyword model ends in dense 4, a built-in set in dense 10', () => {
    expect(presetSummary('kws', PRESETS.kws, 4)).toContain('dense 64, dense 4 ·');
    expect(presetSummary('kws', PRESETS.kws)).toContain('dense 64, dense 10 ·');
    expect(configSummary(PRESETS.seed, 3)).toContain('784-128-3 ·');
    expect(configSummary(PRESETS.seed, 10)).toBe(configSummary(PRESETS.seed));
  });
});
