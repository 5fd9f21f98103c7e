/**
 * The PyTorch project with a run's own classes, proven with a real PyTorch as in pytorchExport.test.ts: a 3-class run
 * on the page's own images trains on its image folder (classes in the run's order, not sorted), and the checkpoint
 * it writes is one the page decodes with those names, predicting as the page's reference does; a 12-class folder
 * trains a 12-output network; a folder that lacks a class of the run or holds another is refused by name.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pytorchProjectFiles } from '../core/export/pytorchExport';
import { PRESETS } from '../core/model/config';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../core/run/checkpoint';
import { DIGIT_CLASS_NAMES, type ImageSet, type SplitDataset } from '../core/data/dataset';
import { DEFAULT_CONVERSION } from '../core/data/imageConversion';
import { encodePng } from '../core/data/png';
import { argmaxRows, foldModel, referenceForward } from '../core/model/referenceModel';
import { PYTHON, projectPredictions, runTrain, torchAvailable, writeProject } from '../../scripts/pytorchProject';
import { loadEmbeddedMnist } from './embeddedMnist.testing';
import * as tf from './tf';
import { Trainer } from './trainer';

/** CI installs python3-torch (.ci/run); a developer machine without it skips these tests. */
const runPython = torchAvailable() || !!process.env.CI;

let data: SplitDataset;
const folders: string[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = loadEmbeddedMnist();
});

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function remember(folder: string): string {
  folders.push(folder);
  return folder;
}

function readCheckpoint(path: string): Checkpoint {
  return decodeCheckpoint(new Uint8Array(readFileSync(path)));
}

function share(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** The first `count` examples of a set whose label is below `classes`. */
function firstOfClasses(set: ImageSet, classes: number, count: number): ImageSet {
  const size = set.rows * set.cols;
  const kept: number[] = [];
  for (let i = 0; i < set.count && kept.length < count; i++) if (set.labels[i]! < classes) kept.push(i);
  const pixels = new Uint8Array(kept.length * size);
  kept.forEach((source, k) => pixels.set(set.pixels.subarray(source * size, (source + 1) * size), k * size));
  return { count: kept.length, rows: set.rows, cols: set.cols, pixels, labels: Uint8Array.from(kept, (i) => set.labels[i]!) };
}

/** Writes every image of the sets as DIR/<class name>/<n>.png, 28×28 grey. */
function writeImageFolder(dir: string, sets: readonly ImageSet[], names: readonly string[]): void {
  let n = 0;
  for (const name of names) mkdirSync(join(dir, name), { recursive: true });
  for (const set of sets) {
    for (let i = 0; i < set.count; i++, n++) {
      const pixels = set.pixels.subarray(i * 784, (i + 1) * 784);
      writeFileSync(join(dir, names[set.labels[i]!]!, `${n}.png`), encodePng(pixels, 28, 28, 1));
    }
  }
}

describe.skipIf(!runPython)('PyTorch project with the run\'s classes', () => {
  it("a 3-class run on the page's own images trains on its folder with the run's class order, and the page reads its checkpoint", async () => {
    // Classes in the page's order, not sorted: folder "owl" holds label 0 (digit 0's images), "cat" 1, "dog" 2.
    const names = ['owl', 'cat', 'dog'];
    const own: SplitDataset = {
      train: firstOfClasses(data.train, names.length, 240),
      validation: firstOfClasses(data.validation, names.length, 60),
      test: null,
      classNames: names,
    };
    const conversion = { ...DEFAULT_CONVERSION, invert: 'no' as const };
    const config = PRESETS.seed;
    const trainer = new Trainer(config, own);
    await trainer.step();
    const init = encodeCheckpoint({
      config,
      datasetId: 'own',
      preset: 'seed',
      classNames: names,
      conversion,
      state: await trainer.captureState(),
      curves: { loss: [], validation: [], epochs: [] },
      appVersion: 'test',
    });
    trainer.dispose();
    const files = pytorchProjectFiles(config, { preset: 'seed', datasetId: 'own', classNames: names, conversion, appVersion: 'test', init, trainedSteps: 1 });
    const dir = remember(writeProject(files));
    writeImageFolder(join(dir, 'images'), [own.train, own.validation], names);
    runTrain(dir, ['--data', join(dir, 'images'), '--dataset', 'folder', '--max-steps', '3', '--out', join(dir, 'out'), '--device', 'cpu']);
    const saved = readCheckpoint(join(dir, 'out', 'last.safetensors'));
    expect(saved.datasetId).toBe('own');
    expect(saved.classNames).toEqual(names);
    expect(saved.conversion).toEqual(conversion);
    expect(saved.state.globalStep).toBe(3);

    // The page's reference and the project's predict() on the same images: the run's validation set.
    const set = own.validation;
    const torchPredicted = Uint8Array.from(projectPredictions(dir, 'out/last.safetensors', set.pixels));
    // The Trainer only carries the weights here; its training split need only be as long as the file's epoch order.
    const reference = new Trainer(saved.config, { ...own, train: { ...own.train, count: saved.state.epochOrder.length } });
    reference.restoreState(saved.state);
    const model = foldModel(await reference.model.snapshot(), saved.config, saved.config.weightQuantizer, saved.config.threshold);
    reference.dispose();
    expect(model.classCount).toBe(3);
    const pagePredicted = argmaxRows(referenceForward(model, set.pixels, set.count), set.count, model.classCount);
    console.log(`own 3 classes: predictions equal on ${(100 * share(pagePredicted, torchPredicted)).toFixed(2)} %, accuracy ${(100 * share(pagePredicted, set.labels)).toFixed(1)} %`);
    expect(share(pagePredicted, torchPredicted)).toBeGreaterThanOrEqual(0.98);
    expect(share(pagePredicted, set.labels)).toBeGreaterThan(0.5); // the classes were learned in the run's order
  });

  it('a folder of 12 classes trains a 12-output network; a folder that lacks a class of the run, or holds another, is refused', () => {
    const files = pytorchProjectFiles(PRESETS.seed, { preset: 'seed', datasetId: 'mnist-10k', classNames: DIGIT_CLASS_NAMES, conversion: null, appVersion: 'test', init: null, trainedSteps: 0 });
    const dir = remember(writeProject(files));
    const names = Array.from({ length: 12 }, (_, k) => `c${String(k).padStart(2, '0')}`);
    const twelve: ImageSet = { ...data.train, count: 48, labels: Uint8Array.from({ length: 48 }, (_, i) => i % 12) };
    writeImageFolder(join(dir, 'twelve'), [twelve], names);
    runTrain(dir, ['--data', join(dir, 'twelve'), '--dataset', 'folder', '--max-steps', '1', '--out', join(dir, 'out'), '--device', 'cpu']);
    const saved = readCheckpoint(join(dir, 'out', 'last.safetensors'));
    expect(saved.classNames).toEqual(names);
    expect(saved.datasetId).toBe('folder');
    // --resume names the classes now: the same folder without c11, and with an extra one, are refused by name.
    const resume = ['--resume', join(dir, 'out', 'last.safetensors'), '--max-steps', '2', '--dataset', 'folder', '--device', 'cpu', '--out', join(dir, 'again')];
    rmSync(join(dir, 'twelve', 'c11'), { recursive: true });
    mkdirSync(join(dir, 'twelve', 'zebra'));
    const refused = spawnSync(PYTHON, ['train.py', '--data', join(dir, 'twelve'), ...resume], { cwd: dir, encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('no folder for the class(es) c11; folder(s) zebra not among the run\'s classes');
    expect(refused.stderr).not.toContain('Traceback');
  });
});
