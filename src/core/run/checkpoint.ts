/**
 * Checkpoint files: a whole training run as safetensors (safetensors.ts). Tensors, named per layer:
 *   layer{i}.weight (in, out), layer{i}.bias (out), and with batch norm layer{i}.bn.{gamma,beta,moving_mean,
 *   moving_variance} (out), all float32 latent values; adam.m.<name> and adam.v.<name> for every trainable one
 *   (with config.optimizer 'muon', a hidden weight's adam.m is Muon's momentum and its adam.v stays 0); with
 *   config.emaDecay > 0, ema.<name> for every trainable one, its moving average (src/train/weightAverage.ts);
 *   trainer.epoch_order (train count) uint32, the current epoch's example order.
 * __metadata__ (strings): format, schema_version, config (JSON), dataset, class_names (JSON array: the output
 *   layer's classes in order), input_conversion (JSON {side, color, invert} for an image-folder data set, or null
 *   for the IDX ones), front_end (JSON of the keyword front end's parameters, core/audio/frontEnd.ts FRONT_END, for
 *   a model trained on keywords, else null; absent in older files: null), preset, epoch, step_in_epoch, global_step, adam_step, rng (JSON), curves (JSON),
 *   app_version, data_crc32 (of the tensor data, so a flipped bit anywhere is caught).
 * decodeCheckpoint is strict: every fault has its own message and nothing of the current run is touched until a
 * file has passed every check. Schema version 1 is the first; a newer one is refused with a message.
 */
import { configInputShape, validateConfig, type TrainConfig } from '../model/config';
import { FIELD_KEYS } from '../model/configFields';
import { MNIST_INPUT, networkPlan, type MapShape } from '../model/layers';
import { builtInClassNames, DATASET_IDS, type DatasetId } from '../data/dataset';
import { MAX_CLASS_NAME_LENGTH, MAX_CLASSES, MIN_CLASSES } from '../data/imageFolder';
import { dataImageShape, parseConversion, type InputConversion } from '../data/imageConversion';
import { FRONT_END, type FrontEndParameters } from '../audio/frontEnd';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type NamedTensor } from './safetensors';
import type { SeriesPoint, SparsityPoint } from './series';
import type { EndOfRun, TrainerState } from './trainerState';

export const CHECKPOINT_FORMAT = 'bitnet-playground-checkpoint';
/**
 * 2: the config gained the augmentation fields (a schema-1 file loads with augmentation off).
 * 3: the network is a list of layers (`layers`); a schema-1 or -2 file's `hidden` widths load as the MLP they were.
 * 4: class_names and input_conversion (any number of classes); older files are of their built-in data set's ten.
 */
export const CHECKPOINT_SCHEMA_VERSION = 4;

export interface CheckpointCurves {
  loss: SeriesPoint[];
  validation: SeriesPoint[];
  epochs: { epoch: number; globalStep: number; validationAccuracy: number; testAccuracy: number | null }[];
  /** The sparsity-over-steps chart's points; absent in files written before it was kept (the chart starts empty). */
  sparsity?: SparsityPoint[];
}

export interface Checkpoint {
  config: TrainConfig;
  datasetId: string;
  /** The output layer's classes, in label order. */
  classNames: readonly string[];
  /** How images became input, for an image-folder data set; null for the IDX ones (28×28 grey as stored). */
  conversion: InputConversion | null;
  /** For a model trained on keywords, the front end its input features come from; null (or absent) otherwise. */
  frontEnd?: FrontEndParameters | null;
  preset: string;
  state: TrainerState;
  curves: CheckpointCurves;
  appVersion: string;
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

interface VariableSlot {
  name: string;
  shape: number[];
  trainable: boolean;
}

/**
 * The model's variables in TernaryNetwork.stateVariables() order, with their shapes, from the config alone. A conv
 * layer's weight is its (kh·kw·C_in, C_out) matrix (core/model/layers.ts), so every weight is 2-D. `image`: the
 * data's image (own images: the conversion's side × side × 1 or 3), which sets the first layer's fan-in.
 */
export function variableLayout(
  config: Pick<TrainConfig, 'layers' | 'norm' | 'outputNorm'> & Partial<Pick<TrainConfig, 'inputResolution'>>,
  classCount: number,
  image: MapShape = MNIST_INPUT,
): VariableSlot[] {
  const slots: VariableSlot[] = [];
  networkPlan(config.layers, configInputShape(config, image), classCount).forEach((layer, i) => {
    const [fanIn, fanOut] = [layer.inputSize, layer.outputSize];
    slots.push({ name: `layer${i}.weight`, shape: [fanIn, fanOut], trainable: true }, { name: `layer${i}.bias`, shape: [fanOut], trainable: true });
    if (!layer.isOutput ? config.norm === 'batchnorm' : config.outputNorm) {
      slots.push(
        { name: `layer${i}.bn.gamma`, shape: [fanOut], trainable: true },
        { name: `layer${i}.bn.beta`, shape: [fanOut], trainable: true },
        { name: `layer${i}.bn.moving_mean`, shape: [fanOut], trainable: false },
        { name: `layer${i}.bn.moving_variance`, shape: [fanOut], trainable: false },
      );
    }
  });
  return slots;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (the zip/PNG polynomial) of the tensors' bytes, in file order. */
function crc32OfTensors(tensors: readonly NamedTensor[]): number {
  let crc = 0xffffffff;
  for (const tensor of tensors) {
    const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function tensorsOf(checkpoint: Checkpoint): NamedTensor[] {
  const slots = variableLayout(checkpoint.config, checkpoint.classNames.length, dataImageShape(checkpoint.conversion));
  const { state } = checkpoint;
  if (state.variables.length !== slots.length) throw new RangeError('encodeCheckpoint: state does not match the config');
  const tensors: NamedTensor[] = slots.map((slot, i) => ({ name: slot.name, dtype: 'F32', shape: slot.shape, data: state.variables[i]! }));
  const trainable = slots.filter((slot) => slot.trainable);
  trainable.forEach((slot, i) => tensors.push({ name: `adam.m.${slot.name}`, dtype: 'F32', shape: slot.shape, data: state.optimizer.firstMoments[i]! }));
  trainable.forEach((slot, i) => tensors.push({ name: `adam.v.${slot.name}`, dtype: 'F32', shape: slot.shape, data: state.optimizer.secondMoments[i]! }));
  if (checkpoint.config.emaDecay > 0) {
    const averages = state.averages;
    if (!averages || averages.length !== trainable.length) throw new RangeError('encodeCheckpoint: a run with weight averaging needs its averages');
    trainable.forEach((slot, i) => tensors.push({ name: `ema.${slot.name}`, dtype: 'F32', shape: slot.shape, data: averages[i]! }));
  }
  tensors.push({ name: 'trainer.epoch_order', dtype: 'U32', shape: [state.epochOrder.length], data: state.epochOrder });
  return tensors;
}

export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const tensors = tensorsOf(checkpoint);
  const { state } = checkpoint;
  return encodeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    schema_version: String(CHECKPOINT_SCHEMA_VERSION),
    config: JSON.stringify(checkpoint.config),
    dataset: checkpoint.datasetId,
    class_names: JSON.stringify(checkpoint.classNames),
    input_conversion: JSON.stringify(checkpoint.conversion),
    front_end: JSON.stringify(checkpoint.frontEnd ?? null),
    preset: checkpoint.preset,
    epoch: String(state.epoch),
    step_in_epoch: String(state.stepInEpoch),
    global_step: String(state.globalStep),
    adam_step: String(state.optimizer.step),
    rng: JSON.stringify(state.rng),
    end_of_run: JSON.stringify(state.endOfRun),
    curves: JSON.stringify(checkpoint.curves),
    app_version: checkpoint.appVersion,
    data_crc32: String(crc32OfTensors(tensors)),
  });
}

function integerField(metadata: Record<string, string>, key: string): number {
  const text = metadata[key];
  if (text === undefined) throw new CheckpointError(`The checkpoint's metadata has no "${key}".`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new CheckpointError(`The checkpoint's "${key}" is not a whole number (${JSON.stringify(text)}).`);
  return value;
}

function jsonField(metadata: Record<string, string>, key: string): unknown {
  const text = metadata[key];
  if (text === undefined) throw new CheckpointError(`The checkpoint's metadata has no "${key}".`);
  try {
    return JSON.parse(text);
  } catch {
    throw new CheckpointError(`The checkpoint's "${key}" is not valid JSON.`);
  }
}

/**
 * What the trainer did when the run ended (weight averages taken, batch norm recalibrated); null while it runs.
 * Files written before it was recorded lack the key: null, nothing is known.
 */
function endOfRunField(metadata: Record<string, string>, finished: boolean): EndOfRun | null {
  if (metadata.end_of_run === undefined) return null;
  const value = jsonField(metadata, 'end_of_run') as Partial<Record<keyof EndOfRun, unknown>> | null;
  if (value === null) return null;
  if (typeof value !== 'object' || typeof value.weightsAveraged !== 'boolean' || typeof value.batchNormRecalibrated !== 'boolean') {
    throw new CheckpointError('The checkpoint\'s "end_of_run" is not {"weightsAveraged": boolean, "batchNormRecalibrated": boolean}.');
  }
  if (!finished) throw new CheckpointError('The checkpoint records the end of a run that has not finished.');
  return { weightsAveraged: value.weightsAveraged, batchNormRecalibrated: value.batchNormRecalibrated };
}

/** The config in a checkpoint (or a share link): unknown fields are named, then every value is validated. */
export function checkpointConfig(raw: unknown): TrainConfig {
  if (typeof raw !== 'object' || raw === null) throw new CheckpointError('The checkpoint holds no configuration object.');
  // `hidden`: the MLP widths of schema 1 and 2, which validateConfig turns into layers.
  const known = new Set<string>([...FIELD_KEYS, 'hidden']);
  const unknown = Object.keys(raw).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new CheckpointError(`The checkpoint's configuration has unknown fields: ${unknown.join(', ')}.`);
  try {
    // Migration: the field table's legacy defaults fill what older schemas lack (schema 1 trained without
    // augmentation); configs written before layer lists (schema ≤ 2) have `hidden` and no `layers`.
    return validateConfig(raw);
  } catch (error) {
    throw new CheckpointError(`The checkpoint's configuration is invalid: ${(error as Error).message}`);
  }
}

/** The classes a file names, or for a file written before they were stored, its built-in data set's ten. */
function classNamesField(metadata: Record<string, string>, datasetId: string): readonly string[] {
  if (metadata.class_names === undefined) {
    return builtInClassNames(DATASET_IDS.includes(datasetId as DatasetId) ? (datasetId as DatasetId) : 'mnist');
  }
  const names = jsonField(metadata, 'class_names');
  const valid =
    Array.isArray(names) &&
    names.length >= MIN_CLASSES &&
    names.length <= MAX_CLASSES &&
    names.every((name) => typeof name === 'string' && name.length > 0 && [...name].length <= MAX_CLASS_NAME_LENGTH) &&
    new Set(names).size === names.length;
  if (!valid) throw new CheckpointError(`The checkpoint's "class_names" are not ${MIN_CLASSES} to ${MAX_CLASSES} distinct names.`);
  return names as string[];
}

function conversionField(metadata: Record<string, string>): InputConversion | null {
  const raw = jsonField(metadata, 'input_conversion');
  if (raw === null) return null;
  const conversion = parseConversion(raw);
  if (conversion === null) throw new CheckpointError('The checkpoint\'s "input_conversion" is not {side, color, invert}.');
  return conversion;
}

/**
 * The keyword front end a file names: null, or exactly this app's FRONT_END (features from any other front end
 * would not be what this app computes, so such a file is refused rather than run on the wrong input).
 */
function frontEndField(metadata: Record<string, string>): FrontEndParameters | null {
  const raw = jsonField(metadata, 'front_end') as { id?: unknown } | null;
  if (raw === null) return null;
  if (typeof raw !== 'object' || typeof raw.id !== 'string') throw new CheckpointError('The checkpoint\'s "front_end" is not a front end\'s parameters.');
  if (JSON.stringify(raw) !== JSON.stringify(FRONT_END)) {
    throw new CheckpointError(`The checkpoint's keyword front end "${raw.id}" differs from this app's ("${FRONT_END.id}"); its model would see other features.`);
  }
  return FRONT_END;
}

function curvesField(metadata: Record<string, string>): CheckpointCurves {
  const raw = jsonField(metadata, 'curves') as Partial<CheckpointCurves> | null;
  const points = (value: unknown): value is SeriesPoint[] =>
    Array.isArray(value) && value.every((p) => typeof p === 'object' && p !== null && Number.isFinite((p as SeriesPoint).step) && Number.isFinite((p as SeriesPoint).value));
  if (!raw || !points(raw.loss) || !points(raw.validation) || !Array.isArray(raw.epochs)) {
    throw new CheckpointError('The checkpoint\'s "curves" are not series of {step, value} points.');
  }
  const sparsity = raw.sparsity;
  if (sparsity === undefined) return { loss: raw.loss, validation: raw.validation, epochs: raw.epochs };
  const sparsityPoints = Array.isArray(sparsity) && sparsity.every((p: unknown) => {
    const point = p as Partial<SparsityPoint> | null;
    return typeof point === 'object' && point !== null && Number.isFinite(point.step) && Number.isFinite(point.overall)
      && Array.isArray(point.layers) && point.layers.every((share) => Number.isFinite(share));
  });
  if (!sparsityPoints) throw new CheckpointError('The checkpoint\'s "curves" hold sparsity points that are not {step, overall, layers}.');
  return { loss: raw.loss, validation: raw.validation, epochs: raw.epochs, sparsity };
}

/** File bytes -> a checkpoint that passed every check; throws CheckpointError with one clear message. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  let file;
  try {
    file = decodeSafetensors(bytes);
  } catch (error) {
    if (error instanceof SafetensorsError) throw new CheckpointError(`Not a readable checkpoint: ${error.message}`);
    throw error;
  }
  const { metadata, tensors } = file;
  if (metadata.format !== CHECKPOINT_FORMAT) throw new CheckpointError('This safetensors file is not a BitNet Playground checkpoint.');
  const version = integerField(metadata, 'schema_version');
  if (version > CHECKPOINT_SCHEMA_VERSION) {
    throw new CheckpointError(`This checkpoint has schema version ${version}, newer than this app reads (${CHECKPOINT_SCHEMA_VERSION}); update the app.`);
  }
  if (version < 1) throw new CheckpointError(`Schema version ${version} does not exist.`);
  const config = checkpointConfig(jsonField(metadata, 'config'));
  const datasetId = metadata.dataset ?? '';
  const classNames = classNamesField(metadata, datasetId);
  const conversion = metadata.input_conversion === undefined ? null : conversionField(metadata);
  const frontEnd = metadata.front_end === undefined ? null : frontEndField(metadata);
  const slots = variableLayout(config, classNames.length, dataImageShape(conversion));
  const trainable = slots.filter((slot) => slot.trainable);
  const expected = new Map<string, number[]>();
  slots.forEach((slot) => expected.set(slot.name, slot.shape));
  trainable.forEach((slot) => expected.set(`adam.m.${slot.name}`, slot.shape).set(`adam.v.${slot.name}`, slot.shape));
  const averaged = config.emaDecay > 0;
  if (averaged) trainable.forEach((slot) => expected.set(`ema.${slot.name}`, slot.shape));
  for (const [name, shape] of expected) {
    const tensor = tensors.get(name);
    if (!tensor) throw new CheckpointError(`Tensor "${name}" is missing: the checkpoint is from a different architecture than its configuration says.`);
    if (tensor.dtype !== 'F32') throw new CheckpointError(`Tensor "${name}" is ${tensor.dtype}, not F32.`);
    if (tensor.shape.join('x') !== shape.join('x')) {
      throw new CheckpointError(`Tensor "${name}" has shape [${tensor.shape.join(', ')}], but the configuration's architecture needs [${shape.join(', ')}].`);
    }
    if (!(tensor.data as Float32Array).every(Number.isFinite)) throw new CheckpointError(`Tensor "${name}" holds non-finite values (NaN or infinity).`);
  }
  const order = tensors.get('trainer.epoch_order');
  if (!order || order.dtype !== 'U32' || order.shape.length !== 1) throw new CheckpointError('The checkpoint has no valid trainer.epoch_order.');
  const extra = [...tensors.keys()].filter((name) => !expected.has(name) && name !== 'trainer.epoch_order');
  if (extra.length > 0) throw new CheckpointError(`The checkpoint has tensors this architecture does not: ${extra.slice(0, 5).join(', ')}.`);
  const averages = averaged ? trainable.map((s) => tensors.get(`ema.${s.name}`)!) : [];
  const ordered = [
    ...slots.map((s) => tensors.get(s.name)!),
    ...trainable.map((s) => tensors.get(`adam.m.${s.name}`)!),
    ...trainable.map((s) => tensors.get(`adam.v.${s.name}`)!),
    ...averages,
    order,
  ];
  if (String(crc32OfTensors(ordered)) !== metadata.data_crc32) throw new CheckpointError('The tensor data does not match its checksum: the file is corrupt.');
  const count = order.data.length;
  const epochOrder = order.data as Uint32Array;
  const seen = new Uint8Array(count);
  for (const index of epochOrder) {
    if (index >= count || seen[index]) throw new CheckpointError('trainer.epoch_order is not a permutation of the training examples.');
    seen[index] = 1;
  }
  const rng = jsonField(metadata, 'rng') as { state?: unknown; spareNormal?: unknown } | null;
  if (!rng || !Number.isSafeInteger(rng.state) || !(rng.spareNormal === null || Number.isFinite(rng.spareNormal))) {
    throw new CheckpointError('The checkpoint\'s random-number state is invalid.');
  }
  const epoch = integerField(metadata, 'epoch');
  const stepInEpoch = integerField(metadata, 'step_in_epoch');
  if (epoch > config.epochs) throw new CheckpointError(`The checkpoint is at epoch ${epoch} of a ${config.epochs}-epoch run.`);
  return {
    config,
    datasetId,
    classNames,
    conversion,
    frontEnd,
    preset: metadata.preset ?? 'custom',
    appVersion: metadata.app_version ?? '',
    curves: curvesField(metadata),
    state: {
      epoch,
      stepInEpoch,
      globalStep: integerField(metadata, 'global_step'),
      epochOrder,
      rng: { state: rng.state as number, spareNormal: rng.spareNormal as number | null },
      variables: slots.map((s) => tensors.get(s.name)!.data as Float32Array),
      optimizer: {
        step: integerField(metadata, 'adam_step'),
        firstMoments: trainable.map((s) => tensors.get(`adam.m.${s.name}`)!.data as Float32Array),
        secondMoments: trainable.map((s) => tensors.get(`adam.v.${s.name}`)!.data as Float32Array),
      },
      averages: averaged ? averages.map((tensor) => tensor.data as Float32Array) : null,
      endOfRun: endOfRunField(metadata, epoch === config.epochs),
    },
  };
}
