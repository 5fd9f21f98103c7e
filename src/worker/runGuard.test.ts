/** The run guard with a real trainer: snapshots and their run name, going back to the last good state, forgetting. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SplitDataset } from '../core/data/dataset';
import { Trainer, type StepResult } from '../train/trainer';
import { RunGuard, SNAPSHOT_INTERVAL_MS, SNAPSHOT_INTERVAL_STEPS } from './runGuard';
import { cpuDataset, recorder, TINY } from './sessionParts.testing';

let data: SplitDataset;
beforeAll(async () => {
  data = await cpuDataset();
});

function guard(clock = { now: 0 }) {
  const log = recorder();
  const runGuard = new RunGuard(log.post, () => clock.now, () => ({ preset: 'seed', datasetId: 'mnist-10k' }));
  return { ...log, runGuard, clock };
}

const stepResult = (globalStep: number, epochEnded = false): StepResult => ({
  epoch: 0,
  stepInEpoch: globalStep,
  globalStep,
  loss: 1,
  weightsFinite: true,
  learningRate: 0.01,
  epochEnded,
  endOfRun: null,
});

describe('RunGuard', () => {
  it('posts each good snapshot under one run name with the trainer\'s config, and goes back to the last one', async () => {
    const trainer = new Trainer(TINY, data);
    const { runGuard, ofType } = guard();
    expect(runGuard.lastGoodState).toBeNull();
    expect(() => runGuard.restoreLastGood(trainer, 'Training diverged at step 1')).toThrow('Training diverged at step 1 and there is no good state to go back to; reset.');
    await trainer.step();
    expect(await runGuard.takeSnapshot(trainer)).toBe(true);
    await trainer.step();
    trainer.applyInferenceSettings({ threshold: 1.2 });
    expect(await runGuard.takeSnapshot(trainer)).toBe(true);
    const snapshots = ofType('snapshot');
    expect(snapshots.map((s) => s.state?.globalStep)).toEqual([1, 2]);
    expect(new Set(snapshots.map((s) => s.runId)).size).toBe(1);
    expect(snapshots[1]).toMatchObject({ preset: 'seed', datasetId: 'mnist-10k', config: { threshold: 1.2 } });

    await trainer.step();
    expect(runGuard.restoreLastGood(trainer, 'x').globalStep).toBe(2);
    expect(trainer.globalStep).toBe(2);
    trainer.dispose();
  });

  it('refuses a state that is not finite and keeps the previous one', async () => {
    const trainer = new Trainer(TINY, data);
    const { runGuard, ofType } = guard();
    await runGuard.takeSnapshot(trainer);
    trainer.model.poisonWeights();
    expect(await runGuard.takeSnapshot(trainer)).toBe(false);
    expect(runGuard.lastGoodState?.globalStep).toBe(0);
    expect(ofType('snapshot')).toHaveLength(1);
    trainer.dispose();
  });

  it('forgetting a run tells the page only when there was one; the next snapshot has a new name; adopt keeps a given one', async () => {
    const trainer = new Trainer(TINY, data);
    const { runGuard, ofType } = guard();
    runGuard.forget(false);
    expect(ofType('snapshot')).toHaveLength(0);
    await runGuard.takeSnapshot(trainer);
    const first = ofType('snapshot')[0]!.runId;
    runGuard.forget(true);
    expect(ofType('snapshot')[1]).toMatchObject({ runId: null, state: null, config: null });
    expect(runGuard.lastGoodState).toBeNull();
    await runGuard.takeSnapshot(trainer);
    expect(ofType('snapshot')[2]!.runId).not.toBe(first);
    const state = await trainer.captureState();
    runGuard.adopt(trainer, state, 'kept-run');
    expect(ofType('snapshot')[3]!.runId).toBe('kept-run');
    expect(runGuard.lastGoodState).toBe(state);
    trainer.dispose();
  });

  it('a snapshot is due at epoch ends, every SNAPSHOT_INTERVAL_STEPS steps, and after SNAPSHOT_INTERVAL_MS', async () => {
    const trainer = new Trainer(TINY, data);
    const { runGuard, clock } = guard();
    await runGuard.takeSnapshot(trainer);
    expect(runGuard.due(stepResult(7))).toBe(false);
    expect(runGuard.due(stepResult(7, true))).toBe(true);
    expect(runGuard.due(stepResult(SNAPSHOT_INTERVAL_STEPS))).toBe(true);
    clock.now = SNAPSHOT_INTERVAL_MS;
    expect(runGuard.due(stepResult(7))).toBe(true);
    trainer.dispose();
  });

  it('a capture posts the state and the trainer\'s config as they are now', async () => {
    const trainer = new Trainer(TINY, data);
    const { runGuard, ofType } = guard();
    trainer.applyInferenceSettings({ shiftAveraging: true });
    await runGuard.capture(trainer);
    expect(ofType('captured')[0]).toMatchObject({ config: { shiftAveraging: true }, preset: 'seed', state: { globalStep: 0 } });
    trainer.dispose();
  });
});
