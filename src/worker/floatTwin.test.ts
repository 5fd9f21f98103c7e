/** The float twin: starts from the run when on, steps in lockstep, stops itself when it diverges, follows the run. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SplitDataset } from '../core/data/dataset';
import { Trainer } from '../train/trainer';
import { FloatTwin } from './floatTwin';
import { cpuDataset, recorder, steppingClock, TINY } from './sessionParts.testing';

let data: SplitDataset;
beforeAll(async () => {
  data = await cpuDataset();
});

describe('FloatTwin', () => {
  it('exists only while on; starts from the run\'s state and steps only in step with the run', async () => {
    const run = new Trainer(TINY, data);
    const log = recorder();
    const twin = new FloatTwin(log.post, steppingClock());
    await twin.ensure(run, data);
    expect(twin.trainer).toBeNull();
    expect(await twin.accuracy(data.validation)).toBeNull();
    twin.setEnabled(true);
    await run.step();
    await twin.ensure(run, data);
    expect(twin.trainer?.globalStep).toBe(1);
    expect(twin.trainer?.config.weightQuantizer).toBe('none');
    await run.step();
    const stepped = await twin.step(run.globalStep);
    expect(Number.isFinite(stepped.loss)).toBe(true);
    expect(stepped.ms).toBe(5);
    // Out of step (the run moved twice): no step, no time.
    await run.step();
    await run.step();
    expect(await twin.step(run.globalStep)).toEqual({ loss: Number.NaN, ms: null });
    expect(typeof (await twin.accuracy(data.validation))).toBe('number');
    twin.setEnabled(false);
    expect(twin.trainer).toBeNull();
    run.dispose();
  });

  it('a diverged twin turns itself off and says so; the run is untouched', async () => {
    const run = new Trainer(TINY, data);
    const log = recorder();
    const twin = new FloatTwin(log.post, steppingClock());
    twin.setEnabled(true);
    await twin.ensure(run, data);
    twin.trainer!.model.poisonWeights();
    await run.step();
    const result = await twin.step(run.globalStep);
    expect(Number.isNaN(result.loss)).toBe(true);
    expect(twin.trainer).toBeNull();
    expect(log.ofType('float-twin-stopped')[0]!.message).toMatch(/diverged at step 1/);
    // Off: the next ensure does not bring it back.
    await twin.ensure(run, data);
    expect(twin.trainer).toBeNull();
    run.dispose();
  });

  it('follows the run\'s inference settings and teacher', async () => {
    const run = new Trainer(TINY, data);
    const twin = new FloatTwin(recorder().post, steppingClock());
    twin.setEnabled(true);
    await twin.ensure(run, data);
    twin.applyInferenceSettings({ shiftAveraging: true, threshold: 0.9 });
    expect(twin.trainer?.config).toMatchObject({ shiftAveraging: true, threshold: 0.9 });
    twin.setTeacher(null);
    expect(twin.trainer?.teacher).toBeNull();
    twin.drop();
    run.dispose();
  });
});
