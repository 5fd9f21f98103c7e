/** Requests on the weights: drawn digits coalesced to the newest, exports answered (also when they fail). */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SplitDataset } from '../core/data/dataset';
import { Trainer } from '../train/trainer';
import { ModelQueries } from './modelQueries';
import { cpuDataset, recorder, steppingClock, TINY } from './sessionParts.testing';

let data: SplitDataset;
beforeAll(async () => {
  data = await cpuDataset();
});

describe('ModelQueries', () => {
  it('answers only the newest of the drawings offered before its answer ran', async () => {
    const log = recorder();
    const queries = new ModelQueries(log.post, steppingClock());
    queries.inference.useCpuOnly();
    const trainer = new Trainer(TINY, data);
    const digit = (i: number) => data.validation.pixels.slice(i * 784, (i + 1) * 784);
    expect(queries.offerDrawing(1, digit(1))).toBe(true);
    expect(queries.offerDrawing(2, digit(2))).toBe(false);
    await queries.answerNewestDrawing(trainer, 1);
    await queries.answerNewestDrawing(trainer, 1);
    const answers = log.ofType('classification');
    expect(answers.map((a) => [a.requestId, a.path])).toEqual([[2, 'cpu']]);
    expect(answers[0]!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    queries.offerDrawing(3, digit(3));
    await expect(queries.answerNewestDrawing(null, 1)).rejects.toThrow('There is no model yet');
    queries.dispose();
    trainer.dispose();
  });

  it('an export follows the trainer\'s threshold; a failing one is answered with its reason', async () => {
    const log = recorder();
    const queries = new ModelQueries(log.post, steppingClock());
    const trainer = new Trainer(TINY, data);
    trainer.applyInferenceSettings({ threshold: 1.25 });
    await queries.exportModel({ type: 'export', format: 'onnx', packing: 'base3' }, () => ({ active: trainer, dataset: data }), 'custom', 'mnist-10k');
    const ready = log.ofType('export-ready')[0]!;
    expect(ready.fileName).toBe('bitnet-custom.onnx');
    expect(new TextDecoder('latin1').decode(ready.bytes)).toContain('"threshold":1.25');
    await queries.exportModel({ type: 'export', format: 'c', packing: 'base3' }, () => { throw new Error('No dataset is loaded yet.'); }, 'custom', 'mnist-10k');
    expect(log.ofType('export-failed')[0]).toEqual({ type: 'export-failed', format: 'c', message: 'No dataset is loaded yet.' });
    queries.dispose();
    trainer.dispose();
  });
});
