/**
 * The presets: each is the field table's defaults (configFields.ts, which are the seed preset) plus the fields it
 * overrides, so a preset spells out only what makes it what it is. The measured accuracy of each preset and the
 * sweeps that chose its recipe are in docs/experiments.md; here are definitions only.
 */
import type { TrainConfig } from './config';
import { copyFieldValue, defaultConfig, differingFields, sameTraining, type FieldKey } from './configFields';
import { modelInputShape } from './inputResolution';
import { mlpLayers, MNIST_INPUT, networkSummary, type MapShape } from './layers';

export type PresetId = 'seed' | 'b158-mlp' | 'mcu-16k' | 'cnn' | 'mcu-cnn-16k' | 'kws';

/** cnn's recipe, which mcu-cnn-16k trains with too: per-channel scales, 8-bit activations, ReLU, Adam and augmentation. */
const CNN_RECIPE = {
  weightScale: 'channel',
  activationQuantizer: 'absmax8',
  hiddenActivation: 'relu',
  learningRate: 0.004,
  batchSize: 128,
  augmentShift: 2,
  augmentRotation: 10,
  augmentScale: 0.1,
} as const satisfies Partial<TrainConfig>;

/** The fields each preset sets differently from the table's defaults. */
export const PRESET_OVERRIDES: Record<PresetId, Partial<TrainConfig>> = {
  /** The seed sketch: 784-128-10, TWN ternary weights, binary (sign) activations, batch norm. */
  seed: {},
  /** A BitNet b1.58 MLP: 784-512-512-10, absmean ternary weights, 8-bit absmax activations, ReLU. */
  'b158-mlp': {
    layers: mlpLayers([512, 512]),
    weightQuantizer: 'absmean',
    threshold: 0.5,
    activationQuantizer: 'absmax8',
    outputNorm: false,
    hiddenActivation: 'relu',
    learningRate: 0.003,
    batchSize: 128,
  },
  /**
   * An MLP for a 16 KB flash / 2 KB RAM microcontroller as integer-only C (base-3 packing; core/export/mcuFootprint.ts):
   * the 16×16 area-averaged input, hidden layers 128-128-64 (57,984 trits), a ternary scale per unit, the rate
   * annealed to 0, light augmentation (±1 px, ±5°, ±5 %), 60 epochs, and shift averaging (five passes: the image and
   * its four 1-pixel shifts) at inference.
   */
  'mcu-16k': {
    inputResolution: 16,
    layers: mlpLayers([128, 128, 64]),
    weightQuantizer: 'absmean',
    threshold: 0.5,
    weightScale: 'channel',
    activationQuantizer: 'absmax8',
    hiddenActivation: 'relu',
    shiftAveraging: true,
    learningRate: 0.003,
    lrSchedule: 'cosine-zero',
    batchSize: 128,
    epochs: 60,
    augmentShift: 1,
    augmentRotation: 5,
    augmentScale: 0.05,
  },
  /**
   * A LeNet-like ternary CNN: two 3×3 conv layers of 32 filters ('same' padding), each followed by batch norm, ReLU
   * and a 2×2 max pool, then a 128-unit dense layer; a ternary scale per output channel, 8-bit activations, and
   * shifts, rotations and scalings (±2 px, ±10°, ±10 %) against overfitting. About 2.2 M multiply-accumulates per image.
   */
  cnn: {
    layers: [
      { kind: 'conv2d', filters: 32, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'conv2d', filters: 32, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'flatten' },
      { kind: 'dense', units: 128 },
    ],
    ...CNN_RECIPE,
    epochs: 10,
  },
  /**
   * A CNN for a 16 KB flash / 4 KB RAM microcontroller: on the 16×16 area-averaged input, three 3×3 conv layers (16,
   * 32 and 64 filters, 'same', each with batch norm, ReLU and a 2×2 max pool) and a 64-unit dense layer. The first two
   * conv layers have int8 weights (4,752 of the 40,208) and the output layer int4 (640): few weights, each carrying
   * much, so more levels cost little flash; the rest is ternary. The recipe is cnn's, for 30 epochs.
   */
  'mcu-cnn-16k': {
    inputResolution: 16,
    layers: [
      { kind: 'conv2d', filters: 16, kernel: 3, stride: 1, padding: 'same', weights: 'int8' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'conv2d', filters: 32, kernel: 3, stride: 1, padding: 'same', weights: 'int8' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'conv2d', filters: 64, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'flatten' },
      { kind: 'dense', units: 64 },
    ],
    ...CNN_RECIPE,
    outputWeights: 'int4',
    epochs: 30,
  },
  /**
   * Keyword spotting on the 28×28 log-mel features of 1 s of speech (core/audio/frontEnd.ts; row = mel band, column =
   * frame): a 3×3 conv of 8 filters with stride 2 (14×14×8), a 3×3 conv of 24 filters with stride 2 (7×7×24), and a
   * 64-unit dense layer. The C engine's cost is mostly per output position (core/export/detectorBudget.ts), so both
   * conv layers stride instead of pooling: about 2.7 M Cortex-M instructions per window for 12 classes, 3.9 M with
   * the front end (the budget is 4.8 M). cnn's recipe (per-channel ternary scales, 8-bit activations, ReLU, Adam) with
   * the augmentation a spectrogram takes: shifts of ±1 (a horizontal shift is a time shift, a vertical one a pitch
   * shift), no rotation or scaling; the waveform augmentation (time shift, noise, gain) is done when the data load.
   */
  kws: {
    layers: [
      { kind: 'conv2d', filters: 8, kernel: 3, stride: 2, padding: 'same' },
      { kind: 'conv2d', filters: 24, kernel: 3, stride: 2, padding: 'same' },
      { kind: 'flatten' },
      { kind: 'dense', units: 64 },
    ],
    weightScale: CNN_RECIPE.weightScale,
    activationQuantizer: CNN_RECIPE.activationQuantizer,
    hiddenActivation: CNN_RECIPE.hiddenActivation,
    learningRate: CNN_RECIPE.learningRate,
    batchSize: CNN_RECIPE.batchSize,
    augmentShift: 1,
    epochs: 20,
  },
};

/** A preset's full config: the table's defaults with its overrides, sharing no arrays with the tables. */
export function presetConfig(id: PresetId): TrainConfig {
  const config: Record<string, unknown> = { ...defaultConfig() };
  for (const [key, value] of Object.entries(PRESET_OVERRIDES[id])) config[key] = copyFieldValue(value);
  return config as unknown as TrainConfig;
}

export const PRESET_IDS = Object.keys(PRESET_OVERRIDES) as PresetId[];

export const PRESETS = Object.fromEntries(PRESET_IDS.map((id) => [id, presetConfig(id)])) as Record<PresetId, TrainConfig>;

export function isPresetId(value: string): value is PresetId {
  return Object.prototype.hasOwnProperty.call(PRESET_OVERRIDES, value);
}

export const PRESET_LABELS: Record<PresetId, string> = {
  seed: 'seed — 784-128-10, ternary weights, binary activations',
  'b158-mlp': 'b158-mlp — BitNet b1.58 MLP 784-512-512-10, 8-bit activations',
  'mcu-16k': 'mcu-16k — 16×16 input, 256-128-128-64-10, for a 16 KB / 2 KB microcontroller, augmented, 60 epochs, shift averaging (5 passes)',
  cnn: 'cnn — ternary CNN: conv 3×3 ×32, pool, conv 3×3 ×32, pool, dense 128, 8-bit activations',
  'mcu-cnn-16k': 'mcu-cnn-16k — 16×16 input, CNN (16, 32, 64 filters, dense 64; int8, ternary and int4 weights) for a 16 KB / 4 KB microcontroller, augmented, 30 epochs',
  kws: 'kws — keyword spotting on 28×28 log-mel features: conv 3×3 ×8 stride 2, conv 3×3 ×24 stride 2, dense 64, 8-bit activations',
};

/**
 * Which preset is this: `named` (the preset the config started from) while the config still trains that preset's
 * run (it differs at most in inference settings, which do not change the recipe), else 'custom'. Runs, exports and
 * benchmarks carry this name.
 */
export function presetOf(named: string, config: TrainConfig): PresetId | 'custom' {
  return isPresetId(named) && sameTraining(PRESETS[named], config) ? named : 'custom';
}

/** The fields in which a config departs from the preset it started from. */
export function changesFromPreset(preset: PresetId, config: TrainConfig): FieldKey[] {
  return differingFields(PRESETS[preset], config);
}

function number(value: number): string {
  return Number.isNaN(value) ? '?' : String(value);
}

/**
 * A config in one line, e.g. "28×28 · 784-128-10 · twn t 0.7 per layer · sign activations · batchnorm · adam 0.006
 * cosine · batch 100 × 5 epochs · seed 42": what the page shows above the settings form, and in its place while the
 * form is collapsed. classCount is the data set's (the output layer's width): 10 for the built-in sets, the
 * user's own for keywords or own images.
 */
export function configSummary(config: TrainConfig, classCount = 10, image: MapShape = MNIST_INPUT): string {
  // The map the first layer sees: the data's image, or the 16×16 area average (configInputShape, which imports this file).
  const input = config.inputResolution === 16 ? modelInputShape(16) : image;
  const parts = [`${input.height}×${input.width}${input.channels === 1 ? '' : `×${input.channels}`}`, networkSummary(config.layers, input, classCount)];
  const scale = config.weightScale === 'channel' ? 'per channel' : 'per layer';
  parts.push(config.weightQuantizer === 'none' ? 'float weights' : `${config.weightQuantizer} t ${number(config.threshold)} ${scale}`);
  if (config.outputWeights !== 'ternary') parts.push(`${config.outputWeights} output`);
  parts.push(`${config.activationQuantizer} activations`, config.norm);
  parts.push(`${config.optimizer} ${number(config.learningRate)} ${config.lrSchedule}`);
  parts.push(`batch ${number(config.batchSize)} × ${number(config.epochs)} epochs`);
  if (config.emaDecay > 0) parts.push(`EMA ${config.emaDecay}`);
  if (config.augmentShift > 0 || config.augmentRotation > 0 || config.augmentScale > 0) {
    parts.push(`augmented ±${number(config.augmentShift)} px ±${number(config.augmentRotation)}° ±${number(config.augmentScale * 100)} %`);
  }
  if (config.distillWeight > 0) parts.push(`distilled α ${config.distillWeight} T ${number(config.distillTemperature)}`);
  if (config.shiftAveraging) parts.push('shift averaging');
  parts.push(`seed ${number(config.seed)}`);
  return parts.join(' · ');
}

/** The preset's name, what the config changes from it, and the config: the line above the settings form. */
export function presetSummary(preset: PresetId, config: TrainConfig, classCount = 10, image: MapShape = MNIST_INPUT): string {
  const changed = changesFromPreset(preset, config);
  const name = changed.length === 0 ? preset : `${preset}, changed: ${changed.join(', ')}`;
  return `${name} — ${configSummary(config, classCount, image)}`;
}
