/** Progress batching, pure: what a flush reports, how the twin's losses stay aligned, and what a reset forgets. */
import { describe, expect, it } from 'vitest';
import { PROGRESS_INTERVAL_MS, ProgressBatcher, type RunPosition } from './progressBatcher';

const position: RunPosition = { epoch: 0, stepInEpoch: 3, stepsPerEpoch: 40, globalStep: 3, totalSteps: 40 };

describe('ProgressBatcher', () => {
  it('reports the steps since the last flush with their mean time and the slowest, then starts empty', () => {
    const batcher = new ProgressBatcher();
    expect(batcher.hasPending).toBe(false);
    batcher.noteStepTime(10);
    batcher.record(1, 2.5, 10, Number.NaN, false);
    batcher.noteStepTime(30);
    batcher.record(2, 2.0, 30, Number.NaN, false);
    // A diverged step counts toward the slowest, not toward the losses or the mean.
    batcher.noteStepTime(50);
    expect(batcher.hasPending).toBe(true);
    const { event, transfer } = batcher.flush(position, 0.01, 1000);
    expect(Array.from(event.lossSteps)).toEqual([1, 2]);
    expect(Array.from(event.losses)).toEqual([2.5, 2.0]);
    expect(event).toMatchObject({ globalStep: 3, learningRate: 0.01, slowestStepMs: 50, stepMs: 20, twinLosses: null, twinStepMs: null });
    expect(transfer).toEqual([event.lossSteps.buffer, event.losses.buffer]);
    expect(batcher.hasPending).toBe(false);
    const empty = batcher.flush(position, 0, 1001).event;
    expect(empty).toMatchObject({ slowestStepMs: 0, stepMs: null });
    expect(empty.losses.length).toBe(0);
  });

  it('keeps the twin losses aligned with the run: NaN for steps the twin did not take', () => {
    const batcher = new ProgressBatcher();
    batcher.record(1, 2.5, 10, Number.NaN, false);
    batcher.record(2, 2.4, 10, 2.3, true);
    batcher.noteTwinTime(8);
    // Dropped after diverging: the step still gets a NaN, so the arrays stay the same length.
    batcher.record(3, 2.2, 10, Number.NaN, false);
    const { event, transfer } = batcher.flush(position, 0, 0);
    expect(Array.from(event.twinLosses!)).toEqual(Array.from(Float32Array.of(Number.NaN, 2.3, Number.NaN)));
    expect(event.twinStepMs).toBeCloseTo(8 / 3, 10);
    expect(transfer).toHaveLength(3);
  });

  it('clearLosses forgets the run\'s and the twin\'s unreported losses together', () => {
    const batcher = new ProgressBatcher();
    batcher.record(1, 2.5, 10, 2.4, true);
    batcher.clearLosses();
    expect(batcher.hasPending).toBe(false);
    // After going back, a run without a twin reports no twin losses: none survived from before.
    batcher.record(1, 2.6, 10, Number.NaN, false);
    const { event } = batcher.flush(position, 0, 0);
    expect(Array.from(event.losses)).toEqual([Float32Array.of(2.6)[0]]);
    expect(event.twinLosses).toBeNull();
  });

  it('is due PROGRESS_INTERVAL_MS after its last flush', () => {
    const batcher = new ProgressBatcher();
    batcher.flush(position, 0, 500);
    expect(batcher.due(500 + PROGRESS_INTERVAL_MS - 1)).toBe(false);
    expect(batcher.due(500 + PROGRESS_INTERVAL_MS)).toBe(true);
  });
});
