/**
 * The PyTorch project on a run's own images, proven with a real Python: data.py reads an image folder as the page's
 * loadOwnDataset does (the same files taken and skipped, the same conversion at any side, grey or RGB, the same
 * inversion and seeded split: byte for byte, through Pillow and through the built-in PNG reader), and an RGB 20×20
 * conv run exported from the page trains an epoch there into a checkpoint the page's Trainer restores and trains
 * on, predicting on the validation images as PyTorch does. CI installs python3-torch (.ci/run); a machine without
 * it skips these tests.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pytorchProjectFiles } from '../core/export/pytorchExport';
import { PRESETS, type TrainConfig } from '../core/model/config';
import { decodeCheckpoint } from '../core/run/checkpoint';
import { channelsOf, type InputConversion } from '../core/data/imageConversion';
import { loadOwnDataset, type DecodeImage, type OwnDataset } from '../core/data/ownDataset';
import { decodePng, encodePng } from '../core/data/png';
import { createRng } from '../core/data/rng';
import { shapeFolder, shapeImage } from '../core/data/shapeImages.testing';
import { argmaxRows, foldModel, referenceForward } from '../core/model/referenceModel';
import { projectPredictions, runSnippet, runTrain, torchAvailable, writeProject } from '../../scripts/pytorchProject';
import * as tf from './tf';
import { Trainer } from './trainer';

const runPython = torchAvailable() || !!process.env.CI;

const decode: DecodeImage = async (bytes) => decodePng(bytes);

const folders: string[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A project folder (any model's: data.py is the same) with `files` written under DIR/images. */
function projectWithImages(files: Record<string, Uint8Array>, config: TrainConfig = PRESETS.seed, conversion: InputConversion | null = null, classNames: readonly string[] = []): string {
  const project = pytorchProjectFiles(config, { preset: 'test', datasetId: 'own', classNames, conversion, appVersion: 'test', init: null, trainedSteps: 0 });
  const dir = writeProject(project);
  folders.push(dir);
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'images', path)), { recursive: true });
    writeFileSync(join(dir, 'images', path), bytes);
  }
  return dir;
}

async function pageLoad(files: Record<string, Uint8Array>, conversion: InputConversion): Promise<OwnDataset> {
  return loadOwnDataset({ kind: 'zip', name: 'images.zip', bytes: zipSync(files) }, { conversion, decode });
}

/** data.py's own-image load of DIR/images, its splits written as raw bytes to DIR/<tag>-*.bin. */
function pythonLoad(dir: string, dataset: OwnDataset, conversion: InputConversion, tag: string, withoutPillow: boolean): void {
  const code = [
    'import json, sys',
    ...(withoutPillow ? ['sys.modules["PIL"] = None  # the built-in PNG reader'] : []),
    'from data import load_dataset',
    `data = load_dataset("images", "folder", ("own", ${JSON.stringify(dataset.classNames)}), ${JSON.stringify(conversion)})`,
    `for name, split in (("train", data.train), ("validation", data.validation)):`,
    `    split.images.tofile(f"${tag}-{name}-pixels.bin")`,
    `    split.labels.astype("uint8").tofile(f"${tag}-{name}-labels.bin")`,
  ].join('\n');
  runSnippet(dir, code);
}

function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** Shape photos of different sizes, and what the page skips: a duplicate, a text file, a corrupt PNG, a hidden file. */
function awkwardFolder(): Record<string, Uint8Array> {
  const files = shapeFolder(7, 31);
  const rng = createRng(5);
  const grey = shapeImage('circle', rng);
  const luminance = Uint8Array.from({ length: grey.width * grey.height }, (_, p) => grey.rgba[4 * p + 1]!);
  files['circle/grey.png'] = encodePng(luminance, grey.width, grey.height, 1);
  const seeThrough = shapeImage('square', rng);
  for (let p = 0; p < seeThrough.width * seeThrough.height; p++) seeThrough.rgba[4 * p + 3] = (p * 37) % 256;
  files['square/alpha.png'] = encodePng(seeThrough.rgba, seeThrough.width, seeThrough.height, 4);
  files['square/copy.png'] = files['square/002.png']!;
  files['triangle/notes.txt'] = new TextEncoder().encode('not an image');
  files['triangle/broken.png'] = files['triangle/001.png']!.slice(0, 60);
  files['triangle/.hidden.png'] = files['triangle/003.png']!;
  return files;
}

describe.skipIf(!runPython)("PyTorch project on a run's own images", () => {
  it.each([
    { side: 20, color: 'rgb', invert: 'auto' },
    { side: 28, color: 'grey', invert: 'auto' },
    { side: 13, color: 'rgb', invert: 'no' },
  ] as InputConversion[])('data.py loads a folder as the page does, byte for byte: %o', async (conversion) => {
    const files = awkwardFolder();
    const dataset = await pageLoad(files, conversion);
    expect(dataset.report.skipped.length).toBe(3); // the duplicate, the text file, the corrupt PNG
    expect(dataset.train.channels ?? 1).toBe(channelsOf(conversion.color));
    const dir = projectWithImages(files);
    pythonLoad(dir, dataset, conversion, 'pillow', false);
    pythonLoad(dir, dataset, conversion, 'builtin', true);
    for (const tag of ['pillow', 'builtin']) {
      expect(readBytes(join(dir, `${tag}-train-pixels.bin`))).toEqual(dataset.train.pixels);
      expect(readBytes(join(dir, `${tag}-train-labels.bin`))).toEqual(dataset.train.labels);
      expect(readBytes(join(dir, `${tag}-validation-pixels.bin`))).toEqual(dataset.validation.pixels);
      expect(readBytes(join(dir, `${tag}-validation-labels.bin`))).toEqual(dataset.validation.labels);
    }
  });

  it('train/ and val/ folders inside a wrapping folder: the held-out folder is the validation split, as in the page', async () => {
    const shapes = shapeFolder(6, 8);
    const files: Record<string, Uint8Array> = {};
    for (const [path, bytes] of Object.entries(shapes)) {
      const held = Number(path.slice(-7, -4)) >= 4;
      files[`photos/${held ? 'val' : 'train'}/${path}`] = bytes;
    }
    const conversion: InputConversion = { side: 16, color: 'grey', invert: 'yes' };
    const dataset = await pageLoad(files, conversion);
    expect(dataset.report.splitFolders).toBe(true);
    const dir = projectWithImages(files);
    pythonLoad(dir, dataset, conversion, 'split', false);
    expect(readBytes(join(dir, 'split-train-pixels.bin'))).toEqual(dataset.train.pixels);
    expect(readBytes(join(dir, 'split-validation-pixels.bin'))).toEqual(dataset.validation.pixels);
    expect(readBytes(join(dir, 'split-validation-labels.bin'))).toEqual(dataset.validation.labels);
  });

  it('an RGB 20×20 conv run trains an epoch in PyTorch, and the page restores its checkpoint, trains on and predicts alike', async () => {
    const conversion: InputConversion = { side: 20, color: 'rgb', invert: 'auto' };
    const files = shapeFolder(40, 77);
    const dataset = await pageLoad(files, conversion);
    const config: TrainConfig = {
      ...PRESETS.cnn,
      layers: [
        { kind: 'conv2d', filters: 8, kernel: 3, stride: 1, padding: 'same' },
        { kind: 'maxpool2d', size: 2 },
        { kind: 'flatten' },
        { kind: 'dense', units: 32 },
      ],
      batchSize: 16,
      epochs: 2,
    };
    const dir = projectWithImages(files, config, conversion, dataset.classNames);
    const stepsPerEpoch = Math.ceil(dataset.train.count / config.batchSize);
    const run = runTrain(dir, ['--data', 'images', '--dataset', 'folder', '--max-steps', String(stepsPerEpoch), '--out', 'out', '--device', 'cpu']);
    expect(run.lines[0]!.step).toBe(stepsPerEpoch);
    const saved = decodeCheckpoint(readBytes(join(dir, 'out', 'epoch-1.safetensors')));
    expect(saved.conversion).toEqual(conversion);
    expect(saved.classNames).toEqual(dataset.classNames);
    expect(saved.state.epochOrder.length).toBe(dataset.train.count);

    const trainer = new Trainer(saved.config, dataset);
    trainer.restoreState(saved.state);
    const model = foldModel(await trainer.model.snapshot(), saved.config, saved.config.weightQuantizer, saved.config.threshold, 3);
    const set = dataset.validation;
    const pagePredicted = argmaxRows(referenceForward(model, set.pixels, set.count), set.count, model.classCount);
    const torchPredicted = projectPredictions(dir, 'out/epoch-1.safetensors', set.pixels);
    const same = torchPredicted.filter((label, i) => label === pagePredicted[i]).length / set.count;
    const correct = Array.from(pagePredicted).filter((label, i) => label === set.labels[i]).length / set.count;
    console.log(`own RGB 20×20: predictions equal on ${(100 * same).toFixed(1)} % of ${set.count}, page accuracy ${(100 * correct).toFixed(1)} %`);
    expect(same).toBeGreaterThanOrEqual(0.99);

    // The page trains on from PyTorch's state: the second epoch's first steps.
    for (let k = 0; k < 3; k++) {
      const loss = (await trainer.step()).loss;
      expect(Number.isFinite(loss)).toBe(true);
    }
    expect((await trainer.captureState()).globalStep).toBe(stepsPerEpoch + 3);
    trainer.dispose();
  });
});
