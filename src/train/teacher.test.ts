/**
 * Knowledge distillation: the loss against a hand computation, the teacher's forward pass against core's
 * reference, and a student that learns from the teacher's soft targets alone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEmbeddedMnist } from './embeddedMnist.testing';
import { PRESETS, type TrainConfig } from '../core/model/config';
import type { SplitDataset } from '../core/data/dataset';
import { argmaxRows, foldModel, referenceForward } from '../core/model/referenceModel';
import { mlpLayers } from '../core/model/layers';
import * as tf from './tf';
import { Teacher } from './teacher';
import { distillationLoss, Trainer } from './trainer';

let data: SplitDataset;

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = loadEmbeddedMnist();
});

const quick = (patch: Partial<TrainConfig> = {}): TrainConfig => ({ ...PRESETS.seed, epochs: 1, ...patch });

/** Σ_c target_c · −log softmax(logits)_c for one row, in float64. */
function crossEntropy(target: number[], logits: number[]): number {
  const max = Math.max(...logits);
  const logSum = Math.log(logits.reduce((sum, z) => sum + Math.exp(z - max), 0)) + max;
  return target.reduce((sum, p, c) => sum - p * (logits[c]! - logSum), 0);
}

function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** A teacher trained for `steps` steps of `config` on the embedded data, and its trainer (for comparisons). */
async function trainedTeacher(config: TrainConfig, steps: number): Promise<{ teacher: Teacher; trainer: Trainer }> {
  const trainer = new Trainer(config, data);
  for (let i = 0; i < steps; i++) await trainer.step();
  const state = await trainer.captureState();
  return { teacher: new Teacher({ config, variables: state.variables, label: 'test teacher' }), trainer };
}

describe('distillationLoss', () => {
  const student = [
    [2.0, -1.0, 0.5, 0, 0, 0, 0, 0, 0, 1.5],
    [-0.3, 0.8, 0.1, 3.0, -2.0, 0, 0.4, 0, 0.2, 0],
  ];
  const teacher = [
    [5.0, -2.0, 1.0, 0, 0, 0, 0, 0, 0, 4.0],
    [0, 1.0, 0, 6.0, -3.0, 0.5, 0, 0, 2.0, 0],
  ];
  const labels = [0, 3];
  const oneHot = labels.map((label) => Array.from({ length: 10 }, (_, c) => (c === label ? 1 : 0)));

  it('is (1 − α)·CE(labels) + α·T²·CE(softmax(teacher/T), student/T), averaged over the batch', async () => {
    for (const [weight, temperature] of [
      [0.7, 4],
      [0.3, 2],
      [1, 1],
    ] as const) {
      const value = distillationLoss(tf.tensor2d(oneHot), tf.tensor2d(student), tf.tensor2d(teacher), weight, temperature);
      const expected =
        labels.reduce((sum, _, row) => {
          const hard = crossEntropy(oneHot[row]!, student[row]!);
          const soft = crossEntropy(softmax(teacher[row]!.map((z) => z / temperature)), student[row]!.map((z) => z / temperature));
          return sum + (1 - weight) * hard + weight * temperature * temperature * soft;
        }, 0) / labels.length;
      expect((await value.data())[0]).toBeCloseTo(expected, 5);
      value.dispose();
    }
  });

  it('is the plain cross-entropy with α = 0 or without a teacher', async () => {
    const plain = labels.reduce((sum, _, row) => sum + crossEntropy(oneHot[row]!, student[row]!), 0) / labels.length;
    for (const value of [
      distillationLoss(tf.tensor2d(oneHot), tf.tensor2d(student), tf.tensor2d(teacher), 0, 4),
      distillationLoss(tf.tensor2d(oneHot), tf.tensor2d(student), null, 0.7, 4),
    ]) {
      expect((await value.data())[0]).toBeCloseTo(plain, 5);
      value.dispose();
    }
  });
});

describe('Teacher', () => {
  it("gives the logits of core's reference forward pass of the same run (an MLP and a 16×16 CNN)", async () => {
    const cnnConfig: TrainConfig = {
      ...PRESETS['mcu-cnn-16k'],
      layers: [
        { kind: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same' },
        { kind: 'maxpool2d', size: 2 },
        { kind: 'flatten' },
        { kind: 'dense', units: 16 },
      ],
      epochs: 1,
    };
    for (const config of [quick({ layers: mlpLayers([32]) }), cnnConfig]) {
      const { teacher, trainer } = await trainedTeacher(config, 20);
      const count = 300;
      const pixels = data.validation.pixels.subarray(0, count * 784);
      const logits = teacher.logits(pixels, count);
      const fromTeacher = argmaxRows((await logits.data()) as Float32Array, count, 10);
      logits.dispose();
      const model = foldModel(await trainer.model.snapshot(), config, config.weightQuantizer === 'none' ? 'twn' : config.weightQuantizer, config.threshold);
      const fromReference = argmaxRows(referenceForward(model, pixels, count), count, 10);
      let agree = 0;
      for (let i = 0; i < count; i++) if (fromTeacher[i] === fromReference[i]) agree++;
      expect(agree / count).toBeGreaterThanOrEqual(0.99);
      teacher.dispose();
      trainer.dispose();
    }
  });

  it('measures its accuracy as its run did: with shift averaging, from the five passes the reference sums', async () => {
    const config = quick({ layers: mlpLayers([32]), shiftAveraging: true });
    const { teacher, trainer } = await trainedTeacher(config, 20);
    const count = 300;
    const firstImages = { ...data.validation, count, pixels: data.validation.pixels.subarray(0, count * 784), labels: data.validation.labels.subarray(0, count) };
    const model = foldModel(await trainer.model.snapshot(), config, config.weightQuantizer === 'none' ? 'twn' : config.weightQuantizer, config.threshold);
    const rightIn = (averaged: boolean) => {
      const predicted = argmaxRows(referenceForward({ ...model, shiftAveraging: averaged }, firstImages.pixels, count), count, 10);
      return predicted.filter((p, i) => p === firstImages.labels[i]).length / count;
    };
    const accuracy = await teacher.accuracy(firstImages);
    expect(Math.abs(accuracy - rightIn(true))).toBeLessThanOrEqual(0.01);
    expect(rightIn(true)).not.toBe(rightIn(false)); // the two definitions differ on these images, so the check means something
    teacher.dispose();
    trainer.dispose();
  });

  it("refuses weights that do not fit the teacher's own configuration, and non-finite weights, with a message", async () => {
    const config = quick({ layers: mlpLayers([32]) });
    const trainer = new Trainer(config, data);
    const { variables } = await trainer.captureState();
    trainer.dispose();
    expect(() => new Teacher({ config: { ...config, layers: mlpLayers([33]) }, variables, label: 'run 3' })).toThrow(/"run 3" does not match/);
    const poisoned = variables.map((values) => values.slice());
    poisoned[0]![5] = Number.NaN;
    expect(() => new Teacher({ config, variables: poisoned, label: 'run 3' })).toThrow(/non-finite/);
  });
});

describe('Trainer with a teacher', () => {
  it('α = 0 trains exactly as without a teacher; α > 0 changes the run', async () => {
    const { teacher, trainer: teacherTrainer } = await trainedTeacher(quick({ layers: mlpLayers([32]), seed: 3 }), 30);
    teacherTrainer.dispose();
    const losses = async (config: TrainConfig, withTeacher: boolean): Promise<number[]> => {
      const student = new Trainer(config, data, withTeacher ? teacher : null);
      const out: number[] = [];
      for (let i = 0; i < 5; i++) out.push((await student.step()).loss);
      student.dispose();
      return out;
    };
    const student = quick({ layers: mlpLayers([16]) });
    const alone = await losses(student, false);
    expect(await losses({ ...student, distillWeight: 0 }, true)).toEqual(alone);
    const distilled = await losses({ ...student, distillWeight: 0.7, distillTemperature: 4 }, true);
    expect(distilled).not.toEqual(alone);
    teacher.dispose();
  });

  it("a student with α = 1 learns from the teacher's soft targets alone: a teacher taught shifted labels passes them on", async () => {
    // The teacher learns digit d as class (d + 1) mod 10; the student is trained on the true labels, with α = 1.
    const shift = (set: SplitDataset['train']) => ({ ...set, labels: set.labels.map((label) => (label + 1) % 10) });
    const shifted: SplitDataset = { ...data, train: shift(data.train), validation: shift(data.validation) };
    const teacherConfig = quick({ layers: mlpLayers([64]) });
    const teacherTrainer = new Trainer(teacherConfig, shifted);
    for (let i = 0; i < 80; i++) await teacherTrainer.step();
    expect((await teacherTrainer.evaluate(shifted.validation)).accuracy).toBeGreaterThan(0.8);
    const teacher = new Teacher({ config: teacherConfig, variables: (await teacherTrainer.captureState()).variables, label: 'shifted' });
    teacherTrainer.dispose();
    const student = new Trainer(quick({ layers: mlpLayers([32]), seed: 5, distillWeight: 1, distillTemperature: 2 }), data, teacher);
    for (let i = 0; i < 60; i++) await student.step();
    const onShifted = (await student.evaluate(shifted.validation)).accuracy;
    const onTrue = (await student.evaluate(data.validation)).accuracy;
    student.dispose();
    teacher.dispose();
    expect(onShifted).toBeGreaterThan(0.7);
    expect(onTrue).toBeLessThan(0.2);
  });
});
