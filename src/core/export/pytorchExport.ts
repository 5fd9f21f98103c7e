/**
 * The PyTorch project export: a zip that trains the page's network with PyTorch, on a CPU, one GPU or many
 * (torchrun / DistributedDataParallel), and writes checkpoints the page loads back. The code is real Python in
 * ./pytorch/ (imported as text through `?raw`, like the C engine), generic over the layer list; what belongs to this
 * model is generated here: config.json (the playground's config, schema-versioned), README.md (the network and the
 * commands) and, from a trained run, its checkpoint as init.safetensors, the starting weights. The format, the
 * command line and what parity with the page means are in docs/formats.md ("PyTorch project").
 */
import { strToU8, zipSync } from 'fflate';
import type { TrainConfig } from '../model/config';
import type { InputConversion } from '../data/imageConversion';
import { IDX_CLASS_COUNT } from '../data/dataset';
import { channelsOf } from '../data/imageConversion';
import { configInputShape } from '../model/config';
import { describeLayer, MNIST_INPUT, networkPlan, networkSummary, type MapShape } from '../model/layers';
import { CHECKPOINT_SCHEMA_VERSION } from '../run/checkpoint';
import checkpointPy from './pytorch/checkpoint.py?raw';
import dataPy from './pytorch/data.py?raw';
import modelPy from './pytorch/model.py?raw';
import optimPy from './pytorch/optim.py?raw';
import ownImagesPy from './pytorch/own_images.py?raw';
import rngPy from './pytorch/rng.py?raw';
import safetensorsPy from './pytorch/safetensors_io.py?raw';
import trainPy from './pytorch/train.py?raw';
import { IDX_DATASETS, pytorchExportProblem } from './pytorchSupport';

export { pytorchExportProblem };

/** The project's Python modules, by file name: the same for every model. */
export const PYTORCH_SOURCES: Readonly<Record<string, string>> = {
  'checkpoint.py': checkpointPy,
  'data.py': dataPy,
  'model.py': modelPy,
  'optim.py': optimPy,
  'own_images.py': ownImagesPy,
  'rng.py': rngPy,
  'safetensors_io.py': safetensorsPy,
  'train.py': trainPy,
};

/** What config.json's "format" says; its schema_version is the checkpoint schema its config follows. */
export const PYTORCH_CONFIG_FORMAT = 'bitnet-playground-pytorch';

export const PYTORCH_REQUIREMENTS = `# PyTorch 1.13 or newer and numpy; safetensors and Pillow are used when installed (optional).
torch>=1.13
numpy
`;

export interface PytorchExportOptions {
  preset: string;
  /** The dataset the run trained on (its checkpoints name it, and the page loads them only onto it). */
  datasetId: string;
  /** The run's classes in label order: the output layer's units, one per class. */
  classNames: readonly string[];
  /** How the run's own images became input (an image-folder data set); null for the IDX sets. */
  conversion: InputConversion | null;
  appVersion: string;
  /** A trained run's checkpoint (core/run/checkpoint.ts): the project starts from its weights. */
  init: Uint8Array | null;
  /** Steps the run behind `init` trained, for the README. */
  trainedSteps: number;
}

/**
 * The files of the project, by name: text files as strings, init.safetensors as bytes. Throws for a run the
 * project cannot train (pytorchExportProblem).
 */
export function pytorchProjectFiles(config: TrainConfig, options: PytorchExportOptions): Record<string, string | Uint8Array> {
  const problem = pytorchExportProblem(options.datasetId);
  if (problem !== null) throw new Error(problem);
  // A run on the page's own data names its classes and conversion; train.py builds the output layer from them and
  // maps each class folder to its label. The IDX sets' ten come from their files.
  const ownClasses = !IDX_DATASETS.includes(options.datasetId);
  const files: Record<string, string | Uint8Array> = {
    ...PYTORCH_SOURCES,
    'config.json': `${JSON.stringify(
      {
        format: PYTORCH_CONFIG_FORMAT,
        schema_version: CHECKPOINT_SCHEMA_VERSION,
        preset: options.preset,
        dataset: options.datasetId,
        appVersion: options.appVersion,
        class_names: ownClasses ? options.classNames : null,
        input_conversion: ownClasses ? options.conversion : null,
        config,
      },
      null,
      2,
    )}\n`,
    'README.md': projectReadme(config, options),
    'requirements.txt': PYTORCH_REQUIREMENTS,
  };
  if (options.init) files['init.safetensors'] = options.init;
  return files;
}

/** The files zipped, in name order, with a fixed time stamp so that the same model gives the same bytes. */
export function zipProject(files: Record<string, string | Uint8Array>): Uint8Array {
  const time = new Date(Date.UTC(2026, 0, 1));
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = {};
  for (const name of Object.keys(files).sort()) {
    const content = files[name]!;
    entries[`bitnet-pytorch/${name}`] = [typeof content === 'string' ? strToU8(content) : content, { mtime: time }];
  }
  return zipSync(entries, { level: 6 });
}

/** The sentence the page and the README give when a config's distillation cannot come along. */
export function distillationNote(config: TrainConfig): string | null {
  return config.distillWeight > 0
    ? `The run distills from a teacher in the page (α ${config.distillWeight}, T ${config.distillTemperature}); the project trains on the labels alone.`
    : null;
}

/** The network's input: the run's own images as its conversion makes them, else MNIST's, then inputResolution. */
function inputShapeOf(config: TrainConfig, options: PytorchExportOptions): MapShape {
  const { conversion } = options;
  const image = conversion === null || IDX_DATASETS.includes(options.datasetId) ? MNIST_INPUT : { height: conversion.side, width: conversion.side, channels: channelsOf(conversion.color) };
  return configInputShape(config, image);
}

function layerTable(config: TrainConfig, input: MapShape, classCount: number): string {
  const plan = networkPlan(config.layers, input, classCount, config.outputWeights);
  const hidden = config.layers.filter((layer) => layer.kind === 'conv2d' || layer.kind === 'dense');
  const rows = plan.map((layer, i) => {
    const name = layer.isOutput ? `dense ${classCount} (output)${layer.weights === 'ternary' ? '' : ` ${layer.weights}`}` : describeLayer(hidden[i]!);
    const pool = layer.conv?.pool ? `, max pool ${layer.conv.pool}` : '';
    return `| layer${i} | ${name}${pool} | (${layer.inputSize}, ${layer.outputSize}) | ${layer.weights} |`;
  });
  return ['| name | layer | weight (K, N) | weights |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** "20×20 RGB, ink inverted when most borders are light": how the run's images become input. */
function conversionWords(options: PytorchExportOptions): string {
  const conversion = options.conversion;
  if (conversion === null) return '28×28 grey';
  const invert = { auto: 'inverted when most images have a light border', yes: 'inverted', no: 'not inverted' }[conversion.invert];
  return `${conversion.side}×${conversion.side} ${conversion.color === 'rgb' ? 'RGB' : 'grey'}, ${invert}`;
}

function projectReadme(config: TrainConfig, options: PytorchExportOptions): string {
  const input = inputShapeOf(config, options);
  const start = options.init
    ? `It starts from the weights of the page's run (init.safetensors, ${options.trainedSteps} steps trained), with a fresh optimizer and schedule; delete the file to start from the seed's random weights.`
    : `It starts from the seed's random weights, the same the page draws for seed ${config.seed}.`;
  const distilled = distillationNote(config);
  const own = !IDX_DATASETS.includes(options.datasetId);
  const classCount = own ? options.classNames.length : IDX_CLASS_COUNT;
  const classes = own
    ? `\n\nThe run's ${classCount} classes, in label order: ${options.classNames.join(', ')}. Train it on the image folder the page loaded (\`python train.py --data DIR --dataset folder\`): one folder per class, named so, images of any size and format, read, converted (${conversionWords(options)}) and split as the page does, so the page trains on from its checkpoints; a folder missing a class or holding another is refused. Its checkpoints carry these names, so "Load checkpoint" takes them on the same data set (${options.datasetId}).`
    : '';
  return `# BitNet Playground network "${options.preset}", as a PyTorch project

${networkSummary(config.layers, input, classCount)} on ${input.height}×${input.width}${input.channels === 1 ? '' : `×${input.channels}`} input: ${config.weightQuantizer} weights (t = ${config.threshold}, scale per ${config.weightScale}), ${config.activationQuantizer} activations, ${config.norm}${config.outputNorm ? ' + output batch norm' : ''}, ${config.optimizer} ${config.learningRate} ${config.lrSchedule}, batch ${config.batchSize} × ${config.epochs} epochs, seed ${config.seed}. ${start}${classes}${distilled ? `\n\n${distilled}` : ''}

${layerTable(config, input, classCount)}

## Train

\`\`\`
pip install -r requirements.txt      # or Debian: apt install python3-torch python3-numpy
python train.py --data DIR           # MNIST IDX files, the page's mnist-10k-*.idx.gz, or an image folder
python train.py --data DIR --dataset fashion-mnist --epochs 30 --out runs/fashion
torchrun --nproc_per_node=4 train.py --data DIR        # DistributedDataParallel: NCCL on GPUs, gloo on CPUs
torchrun --nnodes=2 --node_rank=0 --master_addr=HOST --nproc_per_node=8 train.py --data DIR
python train.py --data DIR --resume runs/last.safetensors   # continue a run (also a checkpoint saved in the page)
\`\`\`

Options: \`--dataset mnist|fashion-mnist|folder\`, \`--epochs N\`, \`--max-steps N\`, \`--out DIR\` (default runs), \`--device cpu|cuda\`.
An image folder is \`DIR/<class>/*.png\` (or \`DIR/train/<class>/\` and \`DIR/test/<class>/\`)${own ? '' : ` of 28×28 grayscale images, ink
high as in MNIST; its 2 to 100 folders in sorted order are the classes`}.

Each epoch prints one JSON line, \`{"epoch", "step", "trainLoss", "valAcc", "testAcc"}\`, and rank 0 writes
\`OUT/epoch-<n>.safetensors\` and \`OUT/last.safetensors\`: playground checkpoints. Load them in the page with "Load
checkpoint" (on the same dataset): the curves, the weights, the threshold slider, drawing and the C and ONNX exports
work on them.

Under torchrun each process takes its share of every global batch of ${config.batchSize}, batch norm uses the global
batch's statistics and the gradients are averaged, so the run is the one-process run whatever the number of
processes; the learning rate stays ${config.learningRate}.

## Files

- \`model.py\`: the network, quantizers and straight-through estimators (\`torch.autograd.Function\`s), batch norm
- \`train.py\`: the training loop, evaluation, checkpoints, DDP
- \`data.py\`: IDX and image-folder loading, the page's train/validation split, augmentation, 16×16 input, shift averaging
- \`own_images.py\`: a run's own images read, converted (any side, grey or RGB) and split as the page does
- \`optim.py\`: Adam, Muon, weight averaging, the learning-rate schedule
- \`rng.py\`: the page's seeded random numbers (same seed, same initial weights and batch order)
- \`checkpoint.py\`, \`safetensors_io.py\`: the playground's checkpoint format
- \`config.json\`: the page's configuration (schema ${CHECKPOINT_SCHEMA_VERSION}); \`requirements.txt\`
`;
}
