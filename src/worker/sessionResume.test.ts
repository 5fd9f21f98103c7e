/**
 * The session taking over a run: a run resumed in a reloaded page reports its own accuracy, and a run moved to
 * another backend (the background measurement) goes on with its whole state. Node, tfjs CPU backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SplitDataset } from '../core/data/dataset';
import { matrixAccuracy } from '../core/run/mistakes';
import type { WorkerEvent } from '../protocol/messages';
import { loadEmbeddedMnist } from '../train/embeddedMnist.testing';
import * as tf from '../train/tf';
import { ready, sessionHarness, SMALL } from './sessionHarness.testing';

let embedded: SplitDataset;

beforeAll(async () => {
  await tf.setBackend('cpu');
  embedded = loadEmbeddedMnist();
});

const harness = () => sessionHarness(async () => embedded);

describe('TrainingSession taking over a run', () => {
  it('a run resumed in a page opened at another threshold reports the accuracy of its own weights, as its analysis does', async () => {
    const trained = harness();
    await ready(trained, { ...SMALL, batchSize: 3000 });
    void trained.session.receive({ type: 'start' });
    await trained.waitFor(() => trained.session.status === 'done', 'done');
    await trained.session.receive({ type: 'capture' });
    const { state, config } = trained.events.find((e): e is Extract<WorkerEvent, { type: 'captured' }> => e.type === 'captured')!;
    trained.session.dispose();

    // The reloaded page: its fresh (untrained) model at t = 0.8; then Resume sends the run's config (t = 0.7) and state.
    const page = harness();
    await ready(page, { ...config, threshold: 0.8 });
    await page.session.receive({ type: 'configure', config, preset: 'custom' });
    await page.session.receive({ type: 'restore', state, runId: 'kept' });
    await page.session.receive({ type: 'analyze' });
    await page.session.idle();
    // What the page's accuracy card shows last before the analysis (inference-evaluation sets it).
    const shown = page.events.filter((e): e is Extract<WorkerEvent, { type: 'inference-evaluation' }> => e.type === 'inference-evaluation').at(-1)!;
    const { analysis } = page.events.filter((e): e is Extract<WorkerEvent, { type: 'analysis' }> => e.type === 'analysis').at(-1)!;
    expect(shown.settings.threshold).toBe(0.7);
    expect(analysis.globalStep).toBe(state.globalStep);
    expect(shown.accuracy).toBeCloseTo(matrixAccuracy(analysis.matrix, 10), 6);
    expect(shown.accuracy).toBeGreaterThan(0.5);
    expect(page.internalErrors()).toEqual([]);
    page.session.dispose();
  });

  it('moves a run to another backend between two steps with its whole state, and training goes on from the same step', async () => {
    const h = harness();
    await ready(h);
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => h.lastStep() >= 3, 'three steps');
    await h.session.receive({ type: 'pause' });
    await h.session.idle();
    const captured = () => h.events.filter((e): e is Extract<WorkerEvent, { type: 'captured' }> => e.type === 'captured').at(-1)!.state;
    await h.session.receive({ type: 'capture' });
    const before = captured();
    const announced: { backend: string; step: number }[] = [];
    // The background measurement's move; in Node the CPU backend stands in for the faster one.
    await h.session.moveBackend(
      async () => {
        await tf.setBackend('cpu');
        return 'cpu';
      },
      (backend, step) => announced.push({ backend, step }),
    );
    await h.session.receive({ type: 'capture' });
    const after = captured();
    expect(announced).toEqual([{ backend: 'cpu', step: before.globalStep }]);
    expect(after.globalStep).toBe(before.globalStep);
    expect(after.variables.map((v) => Array.from(v))).toEqual(before.variables.map((v) => Array.from(v)));
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => h.lastStep() >= before.globalStep + 2, 'two more steps');
    await h.session.receive({ type: 'pause' });
    await h.session.idle();
    const steps = h.events.flatMap((e) => (e.type === 'progress' ? Array.from(e.lossSteps) : []));
    expect(steps).toEqual(steps.map((_, i) => i + 1));
    expect(h.internalErrors()).toEqual([]);
    h.session.dispose();
  });
});
