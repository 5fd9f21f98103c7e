/**
 * The settings form as data, derived from the field table (core/model/configFields.ts): which fields it renders, in
 * which section, which go under "Advanced", and when a field is disabled and why. Pure, so Node tests can check that
 * the form covers every field; ui/ConfigPanel.tsx renders it.
 */
import type { TrainConfig } from '../core/model/config';
import { FIELD_KEYS, FIELD_SECTIONS, FIELDS, type FieldKey, type FieldSection } from '../core/model/configFields';
import type { TrainStatus } from '../protocol/messages';

/** One control per field, or an editor that shows several fields together. */
export type FormBlock =
  | { kind: 'field'; field: FieldKey }
  /** ui/LayerEditor.tsx: the layer rows, the layers as text, and the output layer's weight format. */
  | { kind: 'layer-editor'; fields: FieldKey[] }
  /** ui/DistillationPanel.tsx: the teacher, then α and T. */
  | { kind: 'distillation'; fields: FieldKey[] };

export interface FormSection {
  section: FieldSection;
  title: string;
  blocks: FormBlock[];
}

export interface FormLayout {
  main: FormSection[];
  /** Expert settings, behind the form's "Advanced" disclosure. */
  advanced: FormSection[];
}

export const SECTION_TITLES: Record<FieldSection, string> = {
  network: 'Network',
  quantization: 'Quantization',
  training: 'Training',
  augmentation: 'Augmentation',
  inference: 'Inference',
  distillation: 'Knowledge distillation',
};

/** Fields that an editor of several fields shows instead of a control of their own. */
const EDITORS: Partial<Record<FieldKey, Exclude<FormBlock['kind'], 'field'>>> = {
  layers: 'layer-editor',
  outputWeights: 'layer-editor',
  distillWeight: 'distillation',
  distillTemperature: 'distillation',
};

function sections(advanced: boolean): FormSection[] {
  const result: FormSection[] = [];
  for (const section of FIELD_SECTIONS) {
    const blocks: FormBlock[] = [];
    for (const field of FIELD_KEYS) {
      const spec = FIELDS[field];
      if (spec.section !== section || (spec.advanced === true) !== advanced) continue;
      const editor = EDITORS[field];
      if (editor === undefined) {
        blocks.push({ kind: 'field', field });
        continue;
      }
      // An editor appears once, where its first field would be.
      const existing = blocks.find((block) => block.kind === editor);
      if (existing && existing.kind !== 'field') existing.fields.push(field);
      else blocks.push({ kind: editor, fields: [field] });
    }
    if (blocks.length > 0) result.push({ section, title: SECTION_TITLES[section], blocks });
  }
  return result;
}

export const FORM_LAYOUT: FormLayout = { main: sections(false), advanced: sections(true) };

/** Every field the form renders, in the order it renders them (a field twice would be a bug). */
export function formFields(layout: FormLayout = FORM_LAYOUT): FieldKey[] {
  return [...layout.main, ...layout.advanced].flatMap((section) => section.blocks.flatMap((block) => (block.kind === 'field' ? [block.field] : block.fields)));
}

export interface FormState {
  status: TrainStatus;
  config: TrainConfig;
}

/**
 * Why a field cannot be changed now, for its description (null: it can). While the data loads or the run trains,
 * every field waits, since a change restarts training; some fields mean nothing in some configs.
 */
export function disabledReason(field: FieldKey, { status, config }: FormState): string | null {
  if (status === 'loading') return 'Disabled while the dataset loads.';
  if (status === 'training') {
    if (field === 'threshold') return 'Disabled while the run trains: move t with the threshold slider, or pause to type it here.';
    if (FIELDS[field].inferenceOnly) return 'Disabled while the run trains: pause to change it (the run keeps its weights).';
    return 'Disabled while the run trains, as a change restarts training from scratch: pause first.';
  }
  if (field === 'threshold' && config.weightQuantizer === 'none') return 'Disabled for the float twin (weight quantizer none), whose weights are not quantized.';
  if (field === 'distillTemperature' && !(config.distillWeight > 0)) return 'Disabled while the distillation weight α is 0: T only shapes the teacher\'s term.';
  return null;
}

/** True when the Advanced disclosure should start open: an advanced field differs from its default. */
export function advancedInUse(config: TrainConfig, layout: FormLayout = FORM_LAYOUT): boolean {
  return formFields({ main: [], advanced: layout.advanced }).some((field) => JSON.stringify(config[field]) !== JSON.stringify(FIELDS[field].default));
}
