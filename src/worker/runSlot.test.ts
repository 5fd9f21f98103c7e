/** The run slot and the run's reports: one trainer built from the config, versions of its weights, weight views. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SplitDataset } from '../core/data/dataset';
import { RunReports, WEIGHT_REPORT_INTERVAL_MS } from './runReports';
import { RunSlot } from './runSlot';
import { cpuDataset, recorder, TINY } from './sessionParts.testing';

let data: SplitDataset;
beforeAll(async () => {
  data = await cpuDataset();
});

describe('RunSlot', () => {
  it('needs data and a config; builds the trainer once; a new trainer names new weights', async () => {
    const slot = new RunSlot();
    expect(() => slot.ensureTrainer(null)).toThrow('No dataset is loaded yet.');
    slot.dataset = data;
    expect(() => slot.ensureTrainer(null)).toThrow('No configuration has been set.');
    slot.config = { ...TINY, threshold: 0.9 };
    const trainer = slot.ensureTrainer(null);
    expect(slot.ensureTrainer(null)).toBe(trainer);
    expect(trainer.config.threshold).toBe(0.9);
    const first = slot.weightsVersion();
    await trainer.step();
    const stepped = slot.weightsVersion();
    expect(stepped).not.toBe(first);
    expect(slot.detachTrainer()).toBe(trainer);
    expect(slot.trainer).toBeNull();
    trainer.dispose();
    const next = slot.ensureTrainer(null);
    expect(next).not.toBe(trainer);
    expect(slot.weightsVersion()).not.toBe(first);
    next.dispose();
  });
});

describe('RunReports', () => {
  it('weight views at the trainer\'s threshold; progress of the steps recorded; forgetRun drops both baselines', async () => {
    const clock = { now: 0 };
    const log = recorder();
    const reports = new RunReports(log.post, () => clock.now);
    const slot = new RunSlot();
    slot.dataset = data;
    slot.config = TINY;
    const trainer = slot.ensureTrainer(null);
    await reports.postWeights(trainer);
    expect(log.ofType('weights')[0]!.report).toMatchObject({ threshold: TINY.threshold, flipRatio: null });
    trainer.applyInferenceSettings({ threshold: 1.4 });
    await reports.postWeights(trainer);
    const moved = log.ofType('weights')[1]!.report;
    expect(moved.threshold).toBe(1.4);
    expect(moved.flipRatio).not.toBeNull();
    expect(reports.weightsDue()).toBe(false);
    clock.now = WEIGHT_REPORT_INTERVAL_MS;
    expect(reports.weightsDue()).toBe(true);

    reports.flushPending(trainer);
    expect(log.ofType('progress')).toHaveLength(0);
    reports.progress.record(1, 2.3, 10, Number.NaN, false);
    reports.flushPending(trainer);
    expect(Array.from(log.ofType('progress')[0]!.lossSteps)).toEqual([1]);
    reports.progress.record(2, 2.2, 10, Number.NaN, false);
    reports.forgetRun();
    expect(reports.progress.hasPending).toBe(false);
    await reports.postWeights(trainer);
    expect(log.ofType('weights')[2]!.report.flipRatio).toBeNull();
    trainer.dispose();
  });
});
