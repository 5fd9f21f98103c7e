/**
 * Exports of the current model (the Deploy panel): integer-only C as a zip, ONNX, or a PyTorch project that trains
 * it further (a zip; from a trained run with its checkpoint as the starting weights). core does the work (folding,
 * the integer model, the emitters); this file gathers what they need from the trainer and the dataset, and
 * measures the integer model against the float reference on the held-out split, for the export's README.
 */
import { networkSummary } from '../core/model/layers';
import { configInputShape, PRESETS } from '../core/model/config';
import { emitC, zipFiles, type MeasuredAccuracy } from '../core/export/cEmitter';
import { exampleClips } from '../core/export/kwsEmitter';
import { conversionLabel } from '../core/data/imageConversion';
import { channelsOfSet, imageShapeOfSet, imageValues, spreadSample, type DatasetId, type ImageSet, type SplitDataset } from '../core/data/dataset';
import { argmaxRows, foldModel, referenceForward } from '../core/model/referenceModel';
import { argmaxInt, integerForward, integerOnlyProblem, toIntegerModel, type IntegerModel } from '../core/model/integerModel';
import { exportOnnx } from '../core/export/onnxExport';
import { distillationNote, pytorchExportProblem, pytorchProjectFiles, zipProject } from '../core/export/pytorchExport';
import { encodeCheckpoint } from '../core/run/checkpoint';
import { FRONT_END, type FrontEndParameters } from '../core/audio/frontEnd';
import type { TritPacking } from '../core/quant/tritBytes';
import type { ExportFormat } from '../protocol/messages';
import type { Trainer } from '../train/trainer';
import { version as appVersion } from '../../package.json';

/** Images the export's accuracy is measured on: all of a 1,000-image split, the first 2,000 of larger ones. */
const ACCURACY_IMAGES = 2000;
/** Labelled images shipped in the C export's examples/, spread over the classes. */
const EXAMPLE_IMAGES = 8;

export interface ExportRequest {
  format: ExportFormat;
  packing: TritPacking;
  preset: string;
  datasetId: DatasetId;
}

export interface BuiltExport {
  fileName: string;
  bytes: Uint8Array;
  note: string;
}

/** The keyword front end the data set's features come from, or null for images. */
function frontEndOf(dataset: SplitDataset): FrontEndParameters | null {
  return dataset.keywords ? FRONT_END : null;
}

/** The data set named for people: "your own images (blue, green, red; 20×20 RGB)", or its id for a built-in one. */
function datasetWords(datasetId: DatasetId, dataset: SplitDataset): string {
  const names = dataset.classNames.length <= 12 ? dataset.classNames.join(', ') : `${dataset.classNames.length} classes`;
  if (dataset.report) return `your own images (${names}; ${conversionLabel(dataset.report.conversion)})`;
  if (dataset.keywords) return `your keywords (${names})`;
  return datasetId;
}

/** The README's configuration line; the output layer is as wide as the data set has classes. */
function configSummary(trainer: Trainer, datasetId: DatasetId, dataset: SplitDataset): string {
  const c = trainer.config;
  const classCount = dataset.classNames.length;
  return `${networkSummary(c.layers, configInputShape(c, imageShapeOfSet(trainer.data.train)), classCount)}, ${c.weightQuantizer} weights at t = ${c.threshold.toFixed(2)}, ${c.activationQuantizer} activations, ${c.norm}${c.outputNorm ? ' + output batch norm' : ''}, trained ${trainer.globalStep} steps on ${datasetWords(datasetId, dataset)}`;
}

function measure(model: IntegerModel, reference: ReturnType<typeof foldModel>, set: ImageSet, split: string): MeasuredAccuracy {
  const count = Math.min(ACCURACY_IMAGES, set.count);
  const pixels = set.pixels.subarray(0, count * imageValues(set));
  const scores = integerForward(model, pixels, count);
  const referencePredictions = argmaxRows(referenceForward(reference, pixels, count), count, reference.classCount);
  let integerCorrect = 0;
  let referenceCorrect = 0;
  for (let i = 0; i < count; i++) {
    if (argmaxInt(scores, i * model.classCount, model.classCount) === set.labels[i]) integerCorrect++;
    if (referencePredictions[i] === set.labels[i]) referenceCorrect++;
  }
  return { split, count, integerAccuracy: integerCorrect / count, referenceAccuracy: referenceCorrect / count };
}

/**
 * The PyTorch project of the trainer's config; a trained run comes along as init.safetensors (its checkpoint, with
 * empty curves), whose weights the project starts from.
 */
async function buildPytorchExport(trainer: Trainer, preset: string, datasetId: DatasetId, dataset: SplitDataset): Promise<BuiltExport> {
  const problem = pytorchExportProblem(datasetId);
  if (problem !== null) throw new Error(problem);
  const config = trainer.config;
  const trained = trainer.globalStep > 0;
  const conversion = dataset.report?.conversion ?? null;
  const init = trained
    ? encodeCheckpoint({
        config,
        datasetId,
        preset,
        classNames: dataset.classNames,
        conversion,
        frontEnd: frontEndOf(dataset),
        state: await trainer.captureState(),
        curves: { loss: [], validation: [], epochs: [] },
        appVersion,
      })
    : null;
  const bytes = zipProject(pytorchProjectFiles(config, { preset, datasetId, classNames: dataset.classNames, conversion, appVersion, init, trainedSteps: trainer.globalStep }));
  const start = trained ? `starts from this run's weights (step ${trainer.globalStep})` : `starts from seed ${config.seed}'s initial weights`;
  const note = [`PyTorch project: python train.py --data DIR, or torchrun; ${start}`, distillationNote(config)].filter((part) => part !== null).join('. ');
  return { fileName: `bitnet-${preset}-pytorch.zip`, bytes, note };
}

/** The trainer's weights at its threshold (its config holds the inference settings in force). */
export async function buildExport(trainer: Trainer, dataset: SplitDataset, request: ExportRequest): Promise<BuiltExport> {
  const config = trainer.config;
  const model = foldModel(await trainer.model.snapshot(), config, config.weightQuantizer, config.threshold, channelsOfSet(dataset.train));
  const preset = request.preset in PRESETS ? request.preset : 'custom';
  if (request.format === 'pytorch') return buildPytorchExport(trainer, preset, request.datasetId, dataset);
  if (request.format === 'onnx') {
    const bytes = exportOnnx(model, {
      preset,
      appVersion,
      metadata: {
        config: JSON.stringify(config),
        dataset: request.datasetId,
        // The output's columns in order, as ONNX Runtime's users read metadata_props.
        class_names: JSON.stringify(dataset.classNames),
        globalStep: String(trainer.globalStep),
        // Own images: how the page converted them, so a runtime can convert its images the same way.
        ...(dataset.report && { input_conversion: JSON.stringify({ side: dataset.report.conversion.side, color: dataset.report.conversion.color, inverted: dataset.report.inverted }) }),
      },
      frontEnd: frontEndOf(dataset) ?? undefined,
    });
    return { fileName: `bitnet-${preset}.onnx`, bytes, note: `ONNX, opset 13, ${bytes.length.toLocaleString('en-US')} bytes` };
  }
  const problem = integerOnlyProblem(model);
  if (problem) throw new Error(problem);
  const integerModel = toIntegerModel(model);
  const split = dataset.validation;
  const accuracy = measure(integerModel, model, split, `${request.datasetId} validation`);
  const examples = spreadSample(split, EXAMPLE_IMAGES);
  // A keyword run's example proves the front end on speech: one validation clip per class (their features are the split's).
  const clips = dataset.keywords && dataset.validationAudio ? exampleClips(split.labels, dataset.validationAudio, dataset.classNames) : null;
  const files = emitC(integerModel, {
    packing: request.packing,
    preset,
    configSummary: configSummary(trainer, request.datasetId, dataset),
    accuracy,
    classNames: dataset.classNames,
    examples,
    appVersion,
    frontEnd: frontEndOf(dataset) ?? undefined,
    ...(dataset.report && { imageConversion: { conversion: dataset.report.conversion, inverted: dataset.report.inverted } }),
    ...(clips && clips.count > 0 && { kwsClips: clips }),
  });
  const bytes = zipFiles(files);
  const note = `integer C ${(100 * accuracy.integerAccuracy).toFixed(2)} % vs float reference ${(100 * accuracy.referenceAccuracy).toFixed(2)} % on ${accuracy.count.toLocaleString('en-US')} validation images`;
  return { fileName: `bitnet-${preset}-c.zip`, bytes, note };
}
