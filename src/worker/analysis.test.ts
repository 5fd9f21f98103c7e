/** What the page learns of a run: validation and epoch-end figures, mistakes, the sweep and the inference evaluation. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SplitDataset } from '../core/data/dataset';
import { matrixAccuracy } from '../core/run/mistakes';
import { Trainer, type StepResult } from '../train/trainer';
import { postAnalysis, postEvaluations, postInferenceEvaluation, postSweep, validationDue, validationInterval } from './analysis';
import { FloatTwin } from './floatTwin';
import { cpuDataset, recorder, steppingClock, TINY } from './sessionParts.testing';

let data: SplitDataset;
beforeAll(async () => {
  data = await cpuDataset();
});

describe('analysis', () => {
  it('validates every ~1/8 epoch, at least every 20 steps, and at epoch ends', async () => {
    expect(validationInterval(40)).toBe(20);
    expect(validationInterval(800)).toBe(100);
    const trainer = new Trainer(TINY, data);
    const result = await trainer.step();
    expect(validationDue(trainer, result)).toBe(false);
    expect(validationDue(trainer, { ...result, epochEnded: true })).toBe(true);
    expect(validationDue(trainer, { ...result, globalStep: validationInterval(trainer.stepsPerEpoch) })).toBe(true);
    trainer.dispose();
  });

  it('an epoch end brings validation, test and the mistakes; the twin\'s figures sit beside the run\'s', async () => {
    const trainer = new Trainer(TINY, data);
    const log = recorder();
    const twin = new FloatTwin(log.post, steppingClock());
    twin.setEnabled(true);
    await twin.ensure(trainer, data);
    const result: StepResult = { ...(await trainer.step()), epochEnded: true };
    await twin.step(result.globalStep);
    await postEvaluations(trainer, twin, data, result, log.post);
    expect(log.events.map((e) => e.type)).toEqual(['validation', 'epoch-end', 'analysis']);
    const validation = log.ofType('validation')[0]!;
    expect(validation.accuracy).toBe((await trainer.evaluate(data.validation)).accuracy);
    expect(validation.twinAccuracy).toBe(await twin.accuracy(data.validation));
    expect(log.ofType('epoch-end')[0]).toMatchObject({ epoch: 1, validationAccuracy: validation.accuracy, twinValidationAccuracy: validation.twinAccuracy });
    const { analysis } = log.ofType('analysis')[0]!;
    expect(matrixAccuracy(analysis.matrix, analysis.classCount)).toBeCloseTo(validation.accuracy, 6);
    twin.drop();
    trainer.dispose();
  });

  it('analysis alone: the confusion matrix counts the validation split', async () => {
    const trainer = new Trainer(TINY, data);
    const log = recorder();
    await postAnalysis(trainer, data, log.post);
    const { analysis } = log.ofType('analysis')[0]!;
    expect(analysis.matrix.reduce((a, b) => a + b, 0)).toBe(data.validation.count);
    expect(analysis.clips).toBeUndefined();
    trainer.dispose();
  });

  it('a keyword set\'s mistakes come with their clips, in the order of the mistakes', async () => {
    const trainer = new Trainer(TINY, data);
    // Clip k holds k in every sample, so each clip names the validation example it belongs to.
    const validationAudio = Array.from({ length: data.validation.count }, (_, k) => new Int16Array(4).fill(k));
    const log = recorder();
    await postAnalysis(trainer, { ...data, validationAudio }, log.post);
    const { analysis } = log.ofType('analysis')[0]!;
    expect(analysis.mistakes.length).toBeGreaterThan(0);
    expect(analysis.clips!.map((clip) => clip[0])).toEqual(analysis.mistakes.map((mistake) => mistake.index));
    // Sent as copies: the data set's clips stay whole.
    expect(analysis.clips![0]).not.toBe(validationAudio[analysis.mistakes[0]!.index]);
    trainer.dispose();
  });

  it('the sweep leaves the model at the trainer\'s threshold; the inference evaluation names the settings in force', async () => {
    const trainer = new Trainer(TINY, data);
    for (let i = 0; i < 3; i++) await trainer.step();
    trainer.applyInferenceSettings({ threshold: 1.1 });
    const before = (await trainer.evaluate(data.validation)).accuracy;
    const log = recorder();
    await postSweep(trainer, data.validation, log.post);
    const sweep = log.ofType('sweep')[0]!;
    expect(sweep.currentThreshold).toBe(1.1);
    expect(sweep.points).toHaveLength(21);
    expect((await trainer.evaluate(data.validation)).accuracy).toBe(before);
    await postInferenceEvaluation(trainer, data.validation, log.post, steppingClock());
    expect(log.ofType('inference-evaluation')[0]).toEqual({ type: 'inference-evaluation', settings: { threshold: 1.1, shiftAveraging: false }, accuracy: before, milliseconds: 5 });
    trainer.dispose();
  });
});
