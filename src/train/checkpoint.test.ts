/**
 * Checkpoints: a run saved as safetensors, loaded and trained on gives bitwise the weights of the run that never
 * stopped (CPU backend); the strict decoder has one message per fault; a mutation fuzz test (1,200 cases) never
 * crashes, hangs or loads garbage.
 */
import { mlpLayers } from '../core/model/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEmbeddedMnist } from './embeddedMnist.testing';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, variableLayout, type Checkpoint } from '../core/run/checkpoint';
import { PRESETS, type TrainConfig } from '../core/model/config';
import type { SplitDataset } from '../core/data/dataset';
import { createRng } from '../core/data/rng';
import { encodeSafetensors } from '../core/run/safetensors';
import { FRONT_END } from '../core/audio/frontEnd';
import * as tf from './tf';
import { Trainer } from './trainer';

let data: SplitDataset;
let saved: Checkpoint;
let bytes: Uint8Array;
// Augmentation on: its transforms come from the trainer's RNG, which the checkpoint must carry for a bitwise resume.
const config: TrainConfig = { ...PRESETS.seed, layers: mlpLayers([24]), batchSize: 50, epochs: 2, augmentShift: 2, augmentRotation: 10, augmentScale: 0.1 };

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = loadEmbeddedMnist();
  const trainer = new Trainer(config, data);
  for (let i = 0; i < 4; i++) await trainer.step();
  saved = {
    config,
    datasetId: 'mnist-10k',
    classNames: data.classNames,
    conversion: null,
    preset: 'custom',
    state: await trainer.captureState(),
    curves: { loss: [{ step: 4, value: 1.5 }], validation: [], epochs: [] },
    appVersion: 'test',
  };
  bytes = encodeCheckpoint(saved);
  trainer.dispose();
});

/** Rewrites the JSON header of `bytes` (keeping the data) and fixes the 8-byte length. */
function withHeaderOf(bytes: Uint8Array, edit: (header: Record<string, unknown>) => void): Uint8Array {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, unknown>;
  edit(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(bytes.subarray(8 + length), 8 + json.length);
  return out;
}

const withHeader = (edit: (header: Record<string, unknown>) => void) => withHeaderOf(bytes, edit);

const metadataEdit = (key: string, value: string) => withHeader((h) => ((h.__metadata__ as Record<string, string>)[key] = value));

describe('checkpoints', () => {
  it('restore exactly: trained on after loading, the weights equal the uninterrupted run bitwise', async () => {
    const uninterrupted = new Trainer(config, data);
    for (let i = 0; i < 4; i++) await uninterrupted.step();
    for (let i = 0; i < 6; i++) await uninterrupted.step();
    const expected = await uninterrupted.captureState();

    const loaded = decodeCheckpoint(bytes);
    expect(loaded.config).toEqual(config);
    expect(loaded.curves.loss).toEqual([{ step: 4, value: 1.5 }]);
    const resumed = new Trainer(loaded.config, data);
    resumed.restoreState(loaded.state);
    for (let i = 0; i < 6; i++) await resumed.step();
    const actual = await resumed.captureState();
    expect(actual.globalStep).toBe(10);
    actual.variables.forEach((values, i) => expect(Buffer.from(values.buffer).equals(Buffer.from(expected.variables[i]!.buffer))).toBe(true));
    uninterrupted.dispose();
    resumed.dispose();
  });

  it('a run with weight averaging carries its averages: resumed, they go on bitwise; a file without them is refused', async () => {
    const averaging = { ...config, emaDecay: 0.99 };
    const uninterrupted = new Trainer(averaging, data);
    for (let i = 0; i < 10; i++) await uninterrupted.step();
    const expected = (await uninterrupted.captureState()).averages!;
    const first = new Trainer(averaging, data);
    for (let i = 0; i < 4; i++) await first.step();
    const file = encodeCheckpoint({ ...saved, config: averaging, state: await first.captureState() });
    const resumed = new Trainer(averaging, data);
    resumed.restoreState(decodeCheckpoint(file).state);
    for (let i = 0; i < 6; i++) await resumed.step();
    const actual = (await resumed.captureState()).averages!;
    expect(actual).toHaveLength(expected.length);
    actual.forEach((values, i) => expect(Buffer.from(values.buffer).equals(Buffer.from(expected[i]!.buffer))).toBe(true));
    // The averages differ from the weights: the test compares something the file had to carry.
    expect(Buffer.from(actual[0]!.buffer).equals(Buffer.from((await resumed.captureState()).variables[0]!.buffer))).toBe(false);
    // A config that averages, on a file without averages.
    const withoutAverages = metadataEdit('config', JSON.stringify(averaging));
    expect(() => decodeCheckpoint(withoutAverages)).toThrow(/Tensor "ema.layer0.weight" is missing/);
    [uninterrupted, first, resumed].forEach((trainer) => trainer.dispose());
  });

  it('carries the sparsity chart, so a resumed run shows its history; an older file has none; a bad one is refused', () => {
    const sparsity = [{ step: 2, overall: 0.41, layers: [0.4, 0.45] }, { step: 4, overall: 0.43, layers: [0.42, 0.47] }];
    const withSparsity = encodeCheckpoint({ ...saved, curves: { ...saved.curves, sparsity } });
    expect(decodeCheckpoint(withSparsity).curves.sparsity).toEqual(sparsity);
    expect(decodeCheckpoint(bytes).curves.sparsity).toBeUndefined();
    const curves = { ...saved.curves, sparsity: [{ step: 2, overall: 'high', layers: [] }] };
    expect(() => decodeCheckpoint(metadataEdit('curves', JSON.stringify(curves)))).toThrow(/sparsity points/);
  });

  it('carries what the end of a run did; a file written before that was recorded says nothing of it', () => {
    expect(decodeCheckpoint(bytes).state.endOfRun).toBeNull();
    const endOfRun = { weightsAveraged: false, batchNormRecalibrated: true };
    const finished = encodeCheckpoint({ ...saved, state: { ...saved.state, epoch: config.epochs, stepInEpoch: 0, endOfRun } });
    expect(decodeCheckpoint(finished).state.endOfRun).toEqual(endOfRun);
    const older = withHeaderOf(finished, (h) => delete (h.__metadata__ as Record<string, string>).end_of_run);
    const loaded = decodeCheckpoint(older);
    expect(loaded.state.epoch).toBe(config.epochs);
    expect(loaded.state.endOfRun).toBeNull();
  });

  it('migrates a schema-1 checkpoint, written before augmentation existed: it loads with augmentation off', () => {
    const { augmentShift, augmentRotation, augmentScale, ...older } = config;
    expect([augmentShift, augmentRotation, augmentScale]).toEqual([2, 10, 0.1]);
    const loaded = decodeCheckpoint(withHeader((h) => {
      const metadata = h.__metadata__ as Record<string, string>;
      metadata.schema_version = '1';
      metadata.config = JSON.stringify(older);
    }));
    expect(loaded.config).toEqual({ ...config, augmentShift: 0, augmentRotation: 0, augmentScale: 0 });
  });

  it('migrates a schema-2 checkpoint, written before layer lists: its hidden widths load as the same MLP', () => {
    const older: Record<string, unknown> = { ...config };
    delete older.layers;
    const loaded = decodeCheckpoint(withHeader((h) => {
      const metadata = h.__metadata__ as Record<string, string>;
      metadata.schema_version = '2';
      metadata.config = JSON.stringify({ ...older, hidden: [24] });
    }));
    expect(loaded.config).toEqual(config);
  });

  it('a CNN round-trips bitwise: conv weights are stored as their (kh·kw·C_in, C_out) matrices', async () => {
    const cnnConfig: TrainConfig = {
      ...config,
      layers: [{ kind: 'conv2d', filters: 3, kernel: 3, stride: 1, padding: 'same' }, { kind: 'maxpool2d', size: 2 }, { kind: 'conv2d', filters: 5, kernel: 5, stride: 2, padding: 'valid' }, { kind: 'flatten' }, { kind: 'dense', units: 8 }],
      batchSize: 8,
    };
    expect(variableLayout(cnnConfig, 10).filter((slot) => slot.name.endsWith('.weight')).map((slot) => slot.shape)).toEqual([[9, 3], [75, 5], [125, 8], [8, 10]]);
    const trainer = new Trainer(cnnConfig, data);
    for (let i = 0; i < 3; i++) await trainer.step();
    const file = encodeCheckpoint({ ...saved, config: cnnConfig, state: await trainer.captureState() });
    const loaded = decodeCheckpoint(file);
    expect(loaded.config).toEqual(cnnConfig);
    const resumed = new Trainer(loaded.config, data);
    resumed.restoreState(loaded.state);
    for (let i = 0; i < 2; i++) {
      await trainer.step();
      await resumed.step();
    }
    const [expected, actual] = [await trainer.captureState(), await resumed.captureState()];
    actual.variables.forEach((values, i) => expect(Buffer.from(values.buffer).equals(Buffer.from(expected.variables[i]!.buffer))).toBe(true));
    trainer.dispose();
    resumed.dispose();
  });

  it('stores the class names and the input conversion; a three-class run round-trips, an older file means its data set', async () => {
    const three: SplitDataset = {
      ...data,
      train: { ...data.train, labels: data.train.labels.map((label) => label % 3) },
      validation: { ...data.validation, labels: data.validation.labels.map((label) => label % 3) },
      classNames: ['circle', 'square', 'triangle'],
    };
    const trainer = new Trainer(config, three);
    await trainer.step();
    const conversion = { side: 28, color: 'grey', invert: 'auto' } as const;
    const file = encodeCheckpoint({ ...saved, datasetId: 'own', classNames: three.classNames, conversion, state: await trainer.captureState() });
    trainer.dispose();
    const loaded = decodeCheckpoint(file);
    expect(loaded.classNames).toEqual(['circle', 'square', 'triangle']);
    expect(loaded.conversion).toEqual(conversion);
    expect(variableLayout(loaded.config, 3).find((slot) => slot.name === 'layer1.weight')!.shape).toEqual([24, 3]);
    const withMetadata = (edit: (metadata: Record<string, string>) => void) =>
      withHeaderOf(file, (h) => edit(h.__metadata__ as Record<string, string>));
    expect(() => decodeCheckpoint(withMetadata((m) => (m.class_names = '["a","a","b"]')))).toThrow(/"class_names" are not 2 to 100 distinct names/);
    expect(() => decodeCheckpoint(withMetadata((m) => (m.class_names = '["a","b"]')))).toThrow(/needs \[24, 2\]/);
    expect(() => decodeCheckpoint(withMetadata((m) => (m.input_conversion = '{"side":99}')))).toThrow(/"input_conversion"/);
    const older = decodeCheckpoint(withHeader((h) => {
      const metadata = h.__metadata__ as Record<string, string>;
      delete metadata.class_names;
      delete metadata.input_conversion;
      metadata.schema_version = '3';
    }));
    expect(older.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(older.conversion).toBeNull();
  });

  it('validates an RGB 20×20 run against its conversion: the first layer has 20·20·3 inputs, a grey conversion is refused', async () => {
    const count = 20;
    const pixels = Uint8Array.from({ length: count * 20 * 20 * 3 }, (_, i) => (i * 37) % 256);
    const set = { count, rows: 20, cols: 20, channels: 3, pixels, labels: Uint8Array.from({ length: count }, (_, i) => i % 3) };
    const rgb: SplitDataset = { ...data, train: set, validation: set, classNames: ['red', 'green', 'blue'] };
    const trainer = new Trainer({ ...config, augmentRotation: 0, augmentScale: 0, batchSize: 10 }, rgb);
    await trainer.step();
    const conversion = { side: 20, color: 'rgb', invert: 'no' } as const;
    const file = encodeCheckpoint({ ...saved, datasetId: 'own', classNames: rgb.classNames, conversion, state: await trainer.captureState() });
    trainer.dispose();
    const loaded = decodeCheckpoint(file);
    expect(loaded.conversion).toEqual(conversion);
    expect(variableLayout(loaded.config, 3, { height: 20, width: 20, channels: 3 })[0]!.shape).toEqual([1200, 24]);
    const grey = withHeaderOf(file, (h) => ((h.__metadata__ as Record<string, string>).input_conversion = '{"side":20,"color":"grey","invert":"no"}'));
    expect(() => decodeCheckpoint(grey)).toThrow(/needs \[400, 24\]/);
  });

  it('stores the keyword front end of a run on keywords; absent or null means none; another front end is refused', () => {
    const file = encodeCheckpoint({ ...saved, datasetId: 'keywords', frontEnd: FRONT_END });
    expect(decodeCheckpoint(file).frontEnd).toEqual(FRONT_END);
    expect(decodeCheckpoint(bytes).frontEnd).toBeNull();
    const withMetadata = (edit: (metadata: Record<string, string>) => void) => withHeaderOf(file, (h) => edit(h.__metadata__ as Record<string, string>));
    expect(decodeCheckpoint(withMetadata((m) => delete m.front_end)).frontEnd).toBeNull();
    expect(() => decodeCheckpoint(withMetadata((m) => (m.front_end = JSON.stringify({ ...FRONT_END, id: 'log-mel-v9', melBands: 40 }))))).toThrow(/front end "log-mel-v9" differs from this app's \("log-mel-v1"\)/);
    expect(() => decodeCheckpoint(withMetadata((m) => (m.front_end = '[1, 2]')))).toThrow(/"front_end" is not a front end's parameters/);
  });

  it('names every tensor per layer, as docs/formats.md says a Python user finds them', () => {
    const names = variableLayout(config, 10).map((slot) => slot.name);
    expect(names).toEqual([
      'layer0.weight', 'layer0.bias', 'layer0.bn.gamma', 'layer0.bn.beta', 'layer0.bn.moving_mean', 'layer0.bn.moving_variance',
      'layer1.weight', 'layer1.bias', 'layer1.bn.gamma', 'layer1.bn.beta', 'layer1.bn.moving_mean', 'layer1.bn.moving_variance',
    ]);
  });

  it.each<[string, () => Uint8Array, RegExp]>([
    ['header length past the end', () => Uint8Array.from([255, 255, 0, 0, 0, 0, 0, 0, 123]), /runs past the end of the file/],
    ['a header over 16 MB', () => { const b = bytes.slice(); new DataView(b.buffer).setBigUint64(0, 20_000_000n, true); return b; }, /more than 16 MB/],
    ['a header that is not JSON', () => { const b = bytes.slice(); b[9] = 0x7b; b[10] = 0x7b; return b; }, /not JSON/],
    ['an unknown dtype', () => withHeader((h) => ((h['layer0.bias'] as { dtype: string }).dtype = 'BF16')), /unknown or unsupported dtype "BF16"/],
    ['offsets that overlap', () => withHeader((h) => {
      const bias = h['layer0.bias'] as { data_offsets: number[] };
      bias.data_offsets = [bias.data_offsets[0]! - 4, bias.data_offsets[1]! - 4];
    }), /overlaps|gap/],
    ['offsets past the data', () => withHeader((h) => ((h['trainer.epoch_order'] as { data_offsets: number[] }).data_offsets[1]! += 4_000_000)), /run past the data/],
    ['shapes that do not match the config', () => metadataEdit('config', JSON.stringify({ ...config, layers: mlpLayers([25]) })), /shape|does not match/],
    ['a different architecture', () => metadataEdit('config', JSON.stringify({ ...config, layers: mlpLayers([24, 24]) })), /architecture/],
    ['unknown config fields', () => metadataEdit('config', JSON.stringify({ ...config, dropout: 0.5, momentum: 1 })), /unknown fields: dropout, momentum/],
    ['an invalid config value', () => metadataEdit('config', JSON.stringify({ ...config, learningRate: -1 })), /learning rate must be between/],
    ['a newer schema version', () => metadataEdit('schema_version', '5'), /schema version 5, newer/],
    ['another file format', () => metadataEdit('format', 'pytorch'), /not a BitNet Playground checkpoint/],
    ['a malformed end of run', () => metadataEdit('end_of_run', '{"weightsAveraged":1}'), /"end_of_run" is not/],
    ['the end of a run that has not finished', () => metadataEdit('end_of_run', '{"weightsAveraged":false,"batchNormRecalibrated":true}'), /has not finished/],
    ['a flipped bit in the data', () => { const b = bytes.slice(); b[b.length - 100]! ^= 4; return b; }, /checksum|permutation/],
  ])('refuses %s with a clear message', (_, make, message) => {
    expect(() => decodeCheckpoint(make())).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(make())).toThrow(message);
  });

  it('refuses non-finite weights even with a matching checksum', () => {
    const state = { ...saved.state, variables: saved.state.variables.map((v, i) => (i === 0 ? Float32Array.from(v, (x, k) => (k === 3 ? Number.NaN : x)) : v)) };
    expect(() => decodeCheckpoint(encodeCheckpoint({ ...saved, state }))).toThrow(/non-finite/);
  });

  it('a safetensors file that is not a checkpoint gets a message', () => {
    const other = encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [2], data: Float32Array.from([1, 2]) }], { format: 'pt' });
    expect(() => decodeCheckpoint(other)).toThrow(/not a BitNet Playground checkpoint/);
  });

  it('fuzz: 1,200 mutated files never crash, hang or load anything but a valid checkpoint', () => {
    const rng = createRng(99);
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const outcomes = { refused: 0, loaded: 0 };
    for (let i = 0; i < 1200; i++) {
      let mutated: Uint8Array;
      const kind = i % 4;
      if (kind === 0) mutated = bytes.slice(0, rng.int(bytes.length));
      else if (kind === 1) {
        mutated = bytes.slice();
        for (let n = 1 + rng.int(3); n > 0; n--) mutated[rng.int(mutated.length)]! ^= 1 << rng.int(8);
      } else if (kind === 2) {
        mutated = bytes.slice();
        for (let n = 1 + rng.int(3); n > 0; n--) mutated[8 + rng.int(headerLength)] = 32 + rng.int(95);
      } else {
        mutated = bytes.slice();
        mutated[rng.int(8)] = rng.int(256);
      }
      const started = performance.now();
      try {
        const loaded = decodeCheckpoint(mutated);
        outcomes.loaded++;
        // What loads is a whole, consistent checkpoint: every tensor of its architecture, finite and in shape.
        const slots = variableLayout(loaded.config, loaded.classNames.length);
        expect(loaded.state.variables.map((v) => v.length)).toEqual(slots.map((s) => s.shape.reduce((a, b) => a * b, 1)));
        expect(loaded.state.variables.every((v) => v.every(Number.isFinite))).toBe(true);
      } catch (error) {
        if (!(error instanceof CheckpointError)) throw new Error(`case ${i} threw ${String(error)}`, { cause: error });
        outcomes.refused++;
      }
      expect(performance.now() - started).toBeLessThan(2000);
    }
    console.log(`checkpoint fuzz: ${outcomes.refused} refused with a message, ${outcomes.loaded} loaded (header edits that keep it valid)`);
    expect(outcomes.refused).toBeGreaterThan(1000);
  });
});
