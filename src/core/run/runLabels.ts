/**
 * Labels for runs shown side by side (the run list's comparison): each run is named by the settings in which it
 * differs from the others, e.g. "learningRate 0.01 · layers 784-256-10", so two curves read as the experiment they are.
 */
import { configInputShape, type TrainConfig } from '../model/config';
import { networkSummary, type LayerSpec } from '../model/layers';
import { conversionLabel, dataImageShape, type InputConversion } from '../data/imageConversion';

export interface LabelledRunInput {
  preset: string;
  datasetId: string;
  config: TrainConfig;
  /** The data set's classes (the output layer's width); absent: a built-in set's ten. */
  classNames?: readonly string[];
  /** Own images' conversion (side, colour): the image the first layer sees; absent or null: 28×28 grey. */
  conversion?: InputConversion | null;
}

type Setting = { name: string; value: (run: LabelledRunInput) => string };

const PRESET: Setting = { name: 'preset', value: (run) => run.preset };
const DATASET: Setting = { name: 'dataset', value: (run) => run.datasetId };
const IMAGE: Setting = { name: 'image', value: (run) => conversionLabel(run.conversion ?? { side: 28, color: 'grey' }) };
const CONFIG_SETTINGS: Setting[] = [
  ...(
    [
      'inputResolution',
      'layers',
      'weightQuantizer',
      'threshold',
      'activationQuantizer',
      'norm',
      'outputNorm',
      'hiddenActivation',
      'steClip',
      'outputWeights',
      'shiftAveraging',
      'optimizer',
      'emaDecay',
      'learningRate',
      'lrSchedule',
      'batchSize',
      'epochs',
      'seed',
      'augmentShift',
      'augmentRotation',
      'augmentScale',
      'distillWeight',
      'distillTemperature',
    ] as const satisfies readonly (keyof TrainConfig)[]
  ).map((field) => ({
    name: field,
    value: (run: LabelledRunInput) => {
      const value = run.config[field];
      return Array.isArray(value) ? networkSummary(value as LayerSpec[]) : String(value);
    },
  })),
];

function differs(setting: Setting, runs: readonly LabelledRunInput[]): boolean {
  return new Set(runs.map(setting.value)).size > 1;
}

/**
 * The settings that tell the runs apart: runs of different named presets are told apart by preset (their fields
 * differ in the ways the presets do), anything else by the config fields that differ; the dataset and the image
 * (own images' side and colour) when they differ.
 */
function labelSettings(runs: readonly LabelledRunInput[]): Setting[] {
  const byPreset = differs(PRESET, runs) && runs.every((run) => run.preset !== 'custom');
  const settings = byPreset ? [PRESET] : CONFIG_SETTINGS.filter((setting) => differs(setting, runs));
  const data = [DATASET, IMAGE].filter((setting) => differs(setting, runs));
  return [...data, ...settings];
}

/** The names of the settings the labels use. */
export function differingSettings(runs: readonly LabelledRunInput[]): string[] {
  return labelSettings(runs).map((setting) => setting.name);
}

/**
 * One label per run from the settings that differ; runs that differ in nothing get their preset and a number, so
 * that identical setups stay apart on the chart.
 */
export function runLabels(runs: readonly LabelledRunInput[]): string[] {
  const chosen = labelSettings(runs);
  const labels = runs.map((run) => chosen.map((setting) => `${setting.name} ${setting.value(run)}`).join(' · '));
  const seen = new Map<string, number>();
  return labels.map((label, i) => {
    const base = label || runs[i]!.preset;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    const duplicates = labels.filter((other, j) => (other || runs[j]!.preset) === base).length;
    return duplicates > 1 ? `${base} #${count}` : base;
  });
}

/**
 * The epoch a run is in, counted 1..epochs as the page shows it everywhere: the one in progress, or the last once
 * the run has finished. completedEpochs is the trainer's count of finished epochs (TrainerState.epoch: 0 during the
 * first epoch, `epochs` once the run is over), so adding one is right only while an epoch remains.
 */
export function epochInProgress(completedEpochs: number, epochs: number): number {
  return Math.max(1, Math.min(completedEpochs + 1, epochs));
}

/**
 * How a kept run is named where it is chosen on its own (the teacher of distillation): preset, network, dataset,
 * how far it trained and its last validation accuracy, e.g. "seed · 784-128-10 · mnist · epoch 3 (step 300) · 91.2 %"; run.epoch is the count of finished epochs.
 */
export function standaloneRunLabel(run: LabelledRunInput & { epoch: number; step: number; validationAccuracy: number | null }): string {
  const accuracy = run.validationAccuracy === null ? 'not validated' : `${(run.validationAccuracy * 100).toFixed(1)} %`;
  return [run.preset, networkSummary(run.config.layers, configInputShape(run.config, dataImageShape(run.conversion)), run.classNames?.length ?? 10), run.datasetId, `epoch ${epochInProgress(run.epoch, run.config.epochs)} (step ${run.step})`, accuracy].join(' · ');
}
