import { describe, expect, it } from 'vitest';
import { PRESETS } from '../core/model/config';
import { FIELD_KEYS, FIELDS } from '../core/model/configFields';
import { advancedInUse, disabledReason, FORM_LAYOUT, formFields } from './configForm';

describe('the settings form', () => {
  it('renders every field of the table exactly once', () => {
    const fields = formFields();
    expect(fields.length).toBe(new Set(fields).size);
    expect(new Set(fields)).toEqual(new Set(FIELD_KEYS));
  });

  it('puts the expert fields (Muon, EMA, STE clip, distillation) under Advanced and the rest in the main form', () => {
    const advanced = formFields({ main: [], advanced: FORM_LAYOUT.advanced });
    expect(new Set(advanced)).toEqual(new Set(FIELD_KEYS.filter((field) => FIELDS[field].advanced)));
    expect(advanced).toEqual(expect.arrayContaining(['optimizer', 'emaDecay', 'steClip', 'distillWeight', 'distillTemperature']));
    expect(advancedInUse(PRESETS.seed)).toBe(false);
    expect(advancedInUse({ ...PRESETS.seed, optimizer: 'muon' })).toBe(true);
  });

  it('disables every field while the run trains or the data loads, and says why', () => {
    for (const field of FIELD_KEYS) {
      expect(disabledReason(field, { status: 'idle', config: { ...PRESETS.seed, distillWeight: 0.5 } }), field).toBeNull();
      expect(disabledReason(field, { status: 'training', config: PRESETS.seed }), field).toMatch(/while the run trains/);
      expect(disabledReason(field, { status: 'loading', config: PRESETS.seed }), field).toMatch(/loads/);
    }
    expect(disabledReason('threshold', { status: 'training', config: PRESETS.seed })).toMatch(/threshold slider/);
  });

  it('disables a field that means nothing in the config, and says why', () => {
    expect(disabledReason('threshold', { status: 'paused', config: { ...PRESETS.seed, weightQuantizer: 'none' } })).toMatch(/float twin/);
    expect(disabledReason('distillTemperature', { status: 'idle', config: PRESETS.seed })).toMatch(/α is 0/);
  });
});
