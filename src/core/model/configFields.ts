/**
 * The field table: every TrainConfig field declared once, with its kind, range or choices, default, label, the
 * one-sentence description the settings form shows as its help, whether it only affects inference, and the value
 * older checkpoints, autosaves and share links that lack it are read with. Everything else is derived from it:
 * validation (config.ts validateConfig), the share link (core/app/shareLink.ts), the settings form (ui/configForm.ts),
 * the presets (presets.ts: the defaults here plus each preset's overrides) and the restart test (sameTraining).
 *
 * This file is data; it is the one file under src/ allowed past 500 lines, should the table grow that far.
 * Adding a field: add it to TrainConfig (the compiler then asks for it here), write its description for someone who
 * knows neural networks but not this app, and give it a legacyDefault so that older files still load.
 */
import type { LayerSpec } from './layers';
import { mlpLayers } from './layers';
import { INPUT_RESOLUTIONS } from './inputResolution';
import { WEIGHT_FORMATS } from '../quant/weightFormats';
import type { TrainConfig } from './config';

export type FieldKey = keyof TrainConfig;

/** Where the form puts a field; the order of FIELD_SECTIONS is the order of the form. */
export const FIELD_SECTIONS = ['network', 'quantization', 'training', 'augmentation', 'inference', 'distillation'] as const;
export type FieldSection = (typeof FIELD_SECTIONS)[number];

interface FieldCommon<V> {
  /** The form's label: short, a noun phrase. */
  label: string;
  /** What validation messages call the field, mid-sentence ("learning rate must be a number"). */
  name: string;
  /** One sentence for a newcomer: what it does and when to change it. The form shows it as the field's help. */
  description: string;
  section: FieldSection;
  /** The value of the base every preset starts from (presets.ts). */
  default: V;
  /** The value a config from before this field existed is read with; absent: the field is required. */
  legacyDefault?: V;
  /** Changes how a trained run is evaluated and exported, never how it trains: changing it does not restart training. */
  inferenceOnly?: true;
  /** An expert setting: the form puts it under "Advanced". */
  advanced?: true;
}

export interface NumberFieldSpec extends FieldCommon<number> {
  kind: 'number';
  min: number;
  max: number;
  integer: boolean;
  /** The form's step for the arrows of a number input. */
  step: number;
}

export interface ChoiceFieldSpec<V extends string | number = string | number> extends FieldCommon<V> {
  kind: 'choice';
  choices: readonly V[];
  /** What the form shows for a choice, where the bare value says too little. */
  choiceLabels?: Partial<Record<V, string>>;
}

export interface BooleanFieldSpec extends FieldCommon<boolean> {
  kind: 'boolean';
}

export interface LayersFieldSpec extends FieldCommon<LayerSpec[]> {
  kind: 'layers';
}

/** The spec a field of value type V takes: numbers with a range, unions of literals as choices. */
export type FieldSpecFor<V> = [V] extends [boolean]
  ? BooleanFieldSpec
  : [V] extends [readonly unknown[]]
    ? LayersFieldSpec
    : [V] extends [string]
      ? ChoiceFieldSpec<V>
      : [V] extends [number]
        ? number extends V
          ? NumberFieldSpec
          : ChoiceFieldSpec<V>
        : never;

export type FieldTable = { [K in FieldKey]: FieldSpecFor<TrainConfig[K]> };
export type FieldSpec = FieldTable[FieldKey];

export const WEIGHT_QUANTIZERS = ['twn', 'absmean', 'fixed', 'none'] as const;
export const WEIGHT_SCALES = ['layer', 'channel'] as const;
export const ACTIVATION_QUANTIZERS = ['none', 'absmax8', 'sign'] as const;
export const NORM_KINDS = ['none', 'batchnorm'] as const;
export const HIDDEN_ACTIVATIONS = ['identity', 'relu'] as const;
export const LR_SCHEDULES = ['constant', 'cosine', 'cosine-zero'] as const;
export const OPTIMIZERS = ['adam', 'muon'] as const;

export const THRESHOLD_RANGE = { min: 0, max: 2 } as const;
/** 0.9999 averages over about the last 10,000 steps, a third of a 60-epoch run of full MNIST at batch 128. */
export const EMA_DECAY_MAX = 0.9999;
/** Hinton et al.'s range is 2–20; 4 softens MNIST teachers well. */
export const DEFAULT_DISTILL_TEMPERATURE = 4;

export const CONFIG_FIELDS = {
  inputResolution: {
    kind: 'choice',
    choices: INPUT_RESOLUTIONS,
    choiceLabels: { 28: 'as the image (28×28 for MNIST)', 16: '16×16 (area average of the 28×28 image)' },
    label: 'Input',
    name: 'input resolution',
    description:
      'The image the first layer sees: the image as it is (the 28×28 digit, or your own images at the side and colours chosen when loading them), or the 16×16 area average of a 28×28 grey image, which needs a third of the first layer\'s weights and suits the smallest microcontrollers for a little accuracy.',
    section: 'network',
    default: 28,
    legacyDefault: 28,
  },
  layers: {
    kind: 'layers',
    label: 'Layers',
    name: 'layers',
    description:
      'The hidden layers between the image and the 10-class output layer, edited as rows or as one line of text ("layers as text", e.g. conv2d:16:3:1:same,maxpool2d:2,flatten,dense:64, the form share links use): conv2d layers need a flatten before the first dense layer, and each conv or dense layer stores its weights as ternary, int4 or int8.',
    section: 'network',
    default: mlpLayers([128]),
  },
  weightQuantizer: {
    kind: 'choice',
    choices: WEIGHT_QUANTIZERS,
    choiceLabels: { twn: 'twn (Ternary Weight Networks)', absmean: 'absmean (BitNet b1.58)', fixed: 'fixed (absolute threshold)', none: 'none (float twin)' },
    label: 'Weight quantizer',
    name: 'weight quantizer',
    description:
      'How the latent float weights become trits (−1, 0, +1 times a scale) in each forward pass: twn zeroes weights below t·mean|W| and scales the rest by their mean, absmean (BitNet b1.58) rounds W / mean|W| to −1, 0 or +1, fixed zeroes weights below an absolute t·0.05, and none trains the float twin, the same network with float weights, to show what ternary costs.',
    section: 'quantization',
    default: 'twn',
  },
  threshold: {
    kind: 'number',
    min: THRESHOLD_RANGE.min,
    max: THRESHOLD_RANGE.max,
    integer: false,
    step: 0.05,
    label: 'Threshold t',
    name: 'threshold t',
    description:
      'The threshold factor t of the weight quantizer: weights smaller than t times the mean |w| (t·0.05 for fixed) become 0, so a larger t gives sparser weights that are cheaper to run; it applies at once to a trained run, like the threshold slider, without restarting training.',
    section: 'quantization',
    default: 0.7,
    inferenceOnly: true,
  },
  weightScale: {
    kind: 'choice',
    choices: WEIGHT_SCALES,
    label: 'Ternary scale',
    name: 'ternary scale',
    description:
      'Ternary scale per layer or per channel: one scale s and one threshold for the whole weight matrix (W ≈ s·T), or one per output unit or filter, which follows each unit\'s own weight size for one more number per unit.',
    section: 'quantization',
    default: 'layer',
    legacyDefault: 'layer',
  },
  activationQuantizer: {
    kind: 'choice',
    choices: ACTIVATION_QUANTIZERS,
    choiceLabels: { absmax8: 'absmax8 (8-bit)', sign: 'sign (binary ±1)', none: 'none (float)' },
    label: 'Activation quantizer',
    name: 'activation quantizer',
    description:
      'How each hidden layer\'s input is quantized: absmax8 rounds each example\'s values to 8-bit integers scaled by their largest magnitude (BitNet\'s rule), sign makes them ±1, and none keeps them float; with either quantizer the pixels are read as 8-bit integers too, so the whole network runs in integer arithmetic.',
    section: 'quantization',
    default: 'sign',
  },
  norm: {
    kind: 'choice',
    choices: NORM_KINDS,
    label: 'Normalization',
    name: 'normalization',
    description:
      'What follows each hidden layer\'s matmul or convolution: batch norm keeps the values the next quantizer sees centred and scaled (and folds into an integer threshold or multiplier for export), none leaves them raw.',
    section: 'network',
    default: 'batchnorm',
  },
  outputNorm: {
    kind: 'boolean',
    label: 'Batch norm on the logits',
    name: 'output batch norm',
    description:
      'Batch norm on the 10 logits too: a ternary output layer has one scale for all classes, and this gives each class its own scale and shift, folded into the output layer for inference.',
    section: 'network',
    default: true,
  },
  hiddenActivation: {
    kind: 'choice',
    choices: HIDDEN_ACTIVATIONS,
    label: 'Hidden activation',
    name: 'hidden activation',
    description: 'The non-linearity after each hidden layer: relu, or identity when binary (sign) activations already are the non-linearity.',
    section: 'network',
    default: 'identity',
  },
  steClip: {
    kind: 'number',
    min: 0.001,
    max: 100,
    integer: false,
    step: 0.1,
    label: 'STE clip',
    name: 'STE clip',
    description:
      'The straight-through estimator (STE) hands the gradient of the quantized weights to the latent float weights as it is, except to latent weights with |w| above this clip, which get none, so that weights far past any threshold stop growing; change it only if latent weights run away.',
    section: 'quantization',
    default: 1,
    advanced: true,
  },
  outputWeights: {
    kind: 'choice',
    choices: WEIGHT_FORMATS,
    label: 'Output layer weights',
    name: 'output layer weight format',
    description:
      'How the 10-class output layer stores its weights: ternary (−1, 0 or +1 times a scale, packed five to a byte in base 3 or four to a byte in 2 bits for export), or int4 / int8 codes with a scale, which cost more flash but lose less on a layer whose few weights each carry much.',
    section: 'network',
    default: 'ternary',
    legacyDefault: 'ternary',
  },
  shiftAveraging: {
    kind: 'boolean',
    label: 'Shift averaging at inference',
    name: 'shift averaging',
    description:
      'At inference, sum the logits of the image and of four copies moved by one pixel up, down, left and right: five times the work per image and no more weights, in evaluation, the kernels, C and ONNX; a trained run switches it on or off without retraining.',
    section: 'inference',
    default: false,
    legacyDefault: false,
    inferenceOnly: true,
  },
  optimizer: {
    kind: 'choice',
    choices: OPTIMIZERS,
    label: 'Optimizer',
    name: 'optimizer',
    description:
      'adam on every variable, or muon, which orthogonalizes the momentum of each hidden weight matrix (a Newton–Schulz iteration) so that every direction of the update moves at a similar rate, and keeps Adam for the output layer, biases and batch norm, with one learning rate for both.',
    section: 'training',
    default: 'adam',
    legacyDefault: 'adam',
    advanced: true,
  },
  emaDecay: {
    kind: 'number',
    min: 0,
    max: EMA_DECAY_MAX,
    integer: false,
    step: 0.0005,
    label: 'EMA decay (0 = off)',
    name: 'EMA decay',
    description:
      'Weight averaging: keep an exponential moving average of the weights (ema ← d·ema + (1 − d)·w after each step) and end the run on the averages, which smooths out the noise of the last steps; 0 is off, 0.998 averages over about the last 500 steps.',
    section: 'training',
    default: 0,
    legacyDefault: 0,
    advanced: true,
  },
  learningRate: {
    kind: 'number',
    min: 1e-6,
    max: 1,
    integer: false,
    step: 0.0005,
    label: 'Learning rate',
    name: 'learning rate',
    description: 'The optimizer\'s step size at the start of the run (the schedule lowers it from there): too high and the trits keep flipping, too low and training crawls.',
    section: 'training',
    default: 0.006,
  },
  lrSchedule: {
    kind: 'choice',
    choices: LR_SCHEDULES,
    choiceLabels: { cosine: 'cosine (down to 5 %)', 'cosine-zero': 'cosine-zero (down to 0)' },
    label: 'LR schedule',
    name: 'learning-rate schedule',
    description:
      'How the learning rate falls over the run: constant, cosine (down to 5 % of the rate) or cosine-zero (down to 0, so that the last epochs take ever smaller steps and the trits settle).',
    section: 'training',
    default: 'cosine',
  },
  batchSize: {
    kind: 'number',
    min: 1,
    max: 4096,
    integer: true,
    step: 1,
    label: 'Batch size',
    name: 'batch size',
    description: 'Images per training step: a larger batch gives smoother gradients and fewer steps per epoch, and needs more memory.',
    section: 'training',
    default: 100,
  },
  epochs: {
    kind: 'number',
    min: 1,
    max: 1000,
    integer: true,
    step: 1,
    label: 'Epochs',
    name: 'epochs',
    description: 'Passes over the training images; the learning-rate schedule spans all of them.',
    section: 'training',
    default: 5,
  },
  seed: {
    kind: 'number',
    min: 0,
    max: 2 ** 32 - 1,
    integer: true,
    step: 1,
    label: 'Seed',
    name: 'seed',
    description: 'Seed of the random numbers for the initial weights, the batch order and the augmentation: the same seed and settings train the same run.',
    section: 'training',
    default: 42,
  },
  augmentShift: {
    kind: 'number',
    min: 0,
    max: 6,
    integer: false,
    step: 0.5,
    label: 'Augmentation: shift (± pixels)',
    name: 'augmentation shift (pixels)',
    description:
      'Each training image moves by a random offset of up to this many pixels along each axis (0 = off), so the network also learns digits that are not centred; validation and test images are never changed.',
    section: 'augmentation',
    default: 0,
    legacyDefault: 0,
  },
  augmentRotation: {
    kind: 'number',
    min: 0,
    max: 45,
    integer: false,
    step: 1,
    label: 'Augmentation: rotation (± degrees)',
    name: 'augmentation rotation (degrees)',
    description: 'Each training image turns by a random angle of up to this many degrees either way (0 = off).',
    section: 'augmentation',
    default: 0,
    legacyDefault: 0,
  },
  augmentScale: {
    kind: 'number',
    min: 0,
    max: 0.5,
    integer: false,
    step: 0.05,
    label: 'Augmentation: scaling (±)',
    name: 'augmentation scaling',
    description: 'Each training image is scaled by a random factor within 1 ± this (0.1 = 90–110 %; 0 = off).',
    section: 'augmentation',
    default: 0,
    legacyDefault: 0,
  },
  distillWeight: {
    kind: 'number',
    min: 0,
    max: 1,
    integer: false,
    step: 0.1,
    label: 'Distillation weight α',
    name: 'distillation weight',
    description:
      'The share α of the loss that comes from a teacher\'s softened predictions (a kept run, chosen above) instead of the labels: 0 is off, 0.5–0.9 is usual with a teacher.',
    section: 'distillation',
    default: 0,
    legacyDefault: 0,
    advanced: true,
  },
  distillTemperature: {
    kind: 'number',
    min: 1,
    max: 20,
    integer: false,
    step: 1,
    label: 'Distillation temperature T',
    name: 'distillation temperature',
    description:
      'Both networks\' logits are divided by T before the softmax of the teacher\'s term, so that the student also learns how the teacher ranks the wrong classes; 2–20 is the usual range.',
    section: 'distillation',
    default: DEFAULT_DISTILL_TEMPERATURE,
    legacyDefault: DEFAULT_DISTILL_TEMPERATURE,
    advanced: true,
  },
} as const satisfies FieldTable;

/** The table widened to its spec types, for code that walks every field. */
export const FIELDS: FieldTable = CONFIG_FIELDS;

/** Every config field, in the table's order. */
export const FIELD_KEYS = Object.keys(CONFIG_FIELDS) as FieldKey[];

export type InferenceKey = { [K in FieldKey]: (typeof CONFIG_FIELDS)[K] extends { inferenceOnly: true } ? K : never }[FieldKey];

function isInferenceKey(key: FieldKey): key is InferenceKey {
  return FIELDS[key].inferenceOnly === true;
}

/**
 * Settings that change how a trained run is evaluated, run and exported, never how it trains: a run keeps training
 * when only these change (the threshold slider; shift averaging, core/model/shiftAveraging.ts).
 */
export const INFERENCE_SETTINGS: readonly InferenceKey[] = FIELD_KEYS.filter(isInferenceKey);

/** A copy of a field's value that shares no arrays or objects with the table. */
export function copyFieldValue<V>(value: V): V {
  return (Array.isArray(value) ? value.map((item: unknown) => (typeof item === 'object' && item !== null ? { ...item } : item)) : value) as V;
}

/** The base every preset starts from: each field's default. */
export function defaultConfig(): TrainConfig {
  const config: Record<string, unknown> = {};
  for (const key of FIELD_KEYS) config[key] = copyFieldValue(FIELDS[key].default);
  return config as unknown as TrainConfig;
}

/** The fields in which two configs differ, in the table's order (layer lists compare by value). */
export function differingFields(a: TrainConfig, b: TrainConfig): FieldKey[] {
  return FIELD_KEYS.filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}

/** True when two configs train the same run: they differ at most in INFERENCE_SETTINGS (no restart needed). */
export function sameTraining(a: TrainConfig, b: TrainConfig): boolean {
  return differingFields(a, b).every(isInferenceKey);
}
