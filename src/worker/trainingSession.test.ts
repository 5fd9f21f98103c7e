/**
 * The training session driven in Node on the tfjs CPU backend, by event sequences: start, pause, step, reset,
 * reconfigure, threshold coalescing, a classification answered while training goes on, a failed data load that
 * keeps the model, finishing, dispose. Every status change must be one TRANSITIONS allows (else the session
 * posts an 'Internal:' error, which these tests forbid).
 */
import { mlpLayers } from '../core/model/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEmbeddedMnist } from '../train/embeddedMnist.testing';
import { PRESETS, type TrainConfig } from '../core/model/config';
import type { SplitDataset } from '../core/data/dataset';
import { matrixAccuracy } from '../core/run/mistakes';
import type { DatasetSource, WorkerEvent } from '../protocol/messages';
import * as tf from '../train/tf';
import { Trainer } from '../train/trainer';
import { buildExport } from './exportTasks';
import type { SessionDeps } from './trainingSession';
import { ready, sessionHarness, SMALL } from './sessionHarness.testing';

let embedded: SplitDataset;

beforeAll(async () => {
  await tf.setBackend('cpu');
  embedded = loadEmbeddedMnist();
});

const harness = (loader?: SessionDeps['loadDataset']) => sessionHarness(loader ?? (async () => embedded));

describe('TrainingSession', () => {
  it('load -> idle; start -> training; pause -> paused after the running step, and no step after it', async () => {
    const h = harness();
    await ready(h);
    expect(h.statuses()).toEqual(['loading', 'idle']);
    expect(h.events.some((e) => e.type === 'weights')).toBe(true);
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => h.lastStep() >= 3, 'three steps');
    await h.session.receive({ type: 'pause' });
    await h.session.idle();
    const stepAtPause = h.lastStep();
    expect(h.session.status).toBe('paused');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await h.session.idle();
    expect(h.lastStep()).toBe(stepAtPause);
    expect(h.statuses()).toEqual(['loading', 'idle', 'training', 'paused']);
    expect(h.internalErrors()).toEqual([]);
    h.session.dispose();
  });

  it('step advances exactly one step and reports paused; reset goes back to step 0', async () => {
    const h = harness();
    await ready(h);
    await h.session.receive({ type: 'step' });
    await h.session.receive({ type: 'step' });
    expect(h.lastStep()).toBe(2);
    expect(h.session.status).toBe('paused');
    await h.session.receive({ type: 'reset' });
    const weights = h.events.filter((e): e is Extract<WorkerEvent, { type: 'weights' }> => e.type === 'weights');
    expect(weights[weights.length - 1]!.report.globalStep).toBe(0);
    expect(h.session.status).toBe('idle');
    expect(h.internalErrors()).toEqual([]);
    h.session.dispose();
  });

  it('a new configuration restarts from scratch; a threshold move alone does not', async () => {
    const h = harness();
    await ready(h);
    await h.session.receive({ type: 'step' });
    await h.session.receive({ type: 'configure', config: { ...SMALL, threshold: 1.1 }, preset: 'custom' });
    await h.session.receive({ type: 'step' });
    expect(h.lastStep()).toBe(2);
    await h.session.receive({ type: 'configure', config: { ...SMALL, layers: mlpLayers([16]) }, preset: 'custom' });
    expect(h.events.some((e) => e.type === 'status' && e.detail.includes('restarts from scratch'))).toBe(true);
    await h.session.receive({ type: 'step' });
    expect(h.lastStep()).toBe(1);
    h.session.dispose();
  });

  it('shift averaging moves live, like the threshold: the run keeps its steps and is evaluated again with five passes', async () => {
    const h = harness();
    await ready(h);
    await h.session.receive({ type: 'step' });
    await h.session.receive({ type: 'step' });
    const before = h.events.length;
    await h.session.receive({ type: 'set-inference-settings', settings: { shiftAveraging: true } });
    await h.session.receive({ type: 'set-inference-settings', settings: { shiftAveraging: false } });
    const evaluations = h.events.slice(before).filter((e): e is Extract<WorkerEvent, { type: 'inference-evaluation' }> => e.type === 'inference-evaluation');
    expect(evaluations).toHaveLength(2);
    // The run's own weights, evaluated apart with and without the five passes, give exactly what was posted.
    await h.session.receive({ type: 'capture' });
    const captured = h.events.find((e): e is Extract<WorkerEvent, { type: 'captured' }> => e.type === 'captured')!;
    expect(captured.state.globalStep).toBe(2);
    const accuracyWith = async (on: boolean) => {
      const copy = new Trainer({ ...SMALL, shiftAveraging: on }, embedded);
      copy.restoreState(captured.state);
      const { accuracy } = await copy.evaluate(embedded.validation);
      copy.dispose();
      return accuracy;
    };
    expect(evaluations.map((e) => e.accuracy)).toEqual([await accuracyWith(true), await accuracyWith(false)]);
    expect(evaluations[0]!.accuracy).not.toBe(evaluations[1]!.accuracy);
    // The same through a configure that differs only in it: no restart either.
    await h.session.receive({ type: 'configure', config: { ...SMALL, shiftAveraging: false }, preset: 'custom' });
    await h.session.receive({ type: 'step' });
    expect(h.lastStep()).toBe(3);
    expect(h.events.some((e) => e.type === 'status' && e.detail.includes('restarts from scratch'))).toBe(false);
    expect(h.internalErrors()).toEqual([]);
    h.session.dispose();
  });

  it('names a run in its snapshots: the same id while it trains, a new one after a reset, the given one on restore', async () => {
    const h = harness();
    await ready(h);
    const snapshots = () => h.events.filter((e): e is Extract<WorkerEvent, { type: 'snapshot' }> => e.type === 'snapshot');
    await h.session.receive({ type: 'step' });
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => h.lastStep() >= 3, 'three steps');
    await h.session.receive({ type: 'pause' });
    await h.session.idle();
    const first = snapshots().filter((e) => e.state !== null);
    expect(first.length).toBeGreaterThanOrEqual(2);
    expect(new Set(first.map((e) => e.runId)).size).toBe(1);
    const firstId = first[0]!.runId!;
    const kept = first[first.length - 1]!.state!;

    await h.session.receive({ type: 'reset' });
    expect(snapshots()[snapshots().length - 1]).toMatchObject({ runId: null, state: null });
    await h.session.receive({ type: 'step' });
    const second = snapshots()[snapshots().length - 1]!;
    expect(second.runId).not.toBeNull();
    expect(second.runId).not.toBe(firstId);

    await h.session.receive({ type: 'restore', state: kept, runId: firstId });
    expect(snapshots()[snapshots().length - 1]).toMatchObject({ runId: firstId });
    expect(h.lastStep()).toBe(kept.globalStep);
    expect(h.internalErrors()).toEqual([]);
    h.session.dispose();
  });

  it('the float twin trains alongside on the same batches: its losses are those of a float run from the same start', async () => {
    const losses = (h: ReturnType<typeof harness>, key: 'losses' | 'twinLosses') =>
      h.events.flatMap((e) => (e.type === 'progress' && e[key] ? Array.from(e[key]!) : []));
    const withTwin = harness();
    await ready(withTwin);
    await withTwin.session.receive({ type: 'set-float-twin', enabled: true });
    for (let i = 0; i < 4; i++) await withTwin.session.receive({ type: 'step' });
    const twinLosses = losses(withTwin, 'twinLosses');
    expect(twinLosses).toHaveLength(4);
    expect(twinLosses.every(Number.isFinite)).toBe(true);
    expect(twinLosses).not.toEqual(losses(withTwin, 'losses'));
    const timed = withTwin.events.filter((e): e is Extract<WorkerEvent, { type: 'progress' }> => e.type === 'progress' && e.twinStepMs !== null);
    expect(timed.length).toBeGreaterThan(0);

    const floatRun = harness();
    await ready(floatRun, { ...SMALL, weightQuantizer: 'none' });
    for (let i = 0; i < 4; i++) await floatRun.session.receive({ type: 'step' });
    expect(twinLosses).toEqual(losses(floatRun, 'losses'));
    // …and the ternary run is the one it would have been without a twin.
    const alone = harness();
    await ready(alone);
    for (let i = 0; i < 4; i++) await alone.session.receive({ type: 'step' });
    expect(losses(withTwin, 'losses')).toEqual(losses(alone, 'losses'));
    alone.session.dispose();

    // Off: the next steps have no twin; a reset with the twin on starts it again from the new run.
    await withTwin.session.receive({ type: 'set-float-twin', enabled: false });
    await withTwin.session.receive({ type: 'step' });
    const last = withTwin.events.filter((e) => e.type === 'progress').pop() as Extract<WorkerEvent, { type: 'progress' }>;
    expect(last.twinLosses).toBeNull();
    expect(withTwin.internalErrors()).toEqual([]);
    withTwin.session.dispose();
    floatRun.session.dispose();
  });

  it('coalesces threshold moves: only the newest of a burst is applied and evaluated', async () => {
    const h = harness();
    await ready(h);
    await h.session.receive({ type: 'step' });
    const before = h.events.length;
    void h.session.receive({ type: 'set-inference-settings', settings: { threshold: 0.1 } });
    void h.session.receive({ type: 'set-inference-settings', settings: { threshold: 0.5 } });
    await h.session.receive({ type: 'set-inference-settings', settings: { threshold: 1.5 } });
    const evaluations = h.events.slice(before).filter((e): e is Extract<WorkerEvent, { type: 'inference-evaluation' }> => e.type === 'inference-evaluation');
    expect(evaluations.map((e) => e.settings.threshold)).toEqual([1.5]);
    await h.session.receive({ type: 'set-inference-settings', settings: { threshold: Number.NaN } });
    expect(h.events.some((e) => e.type === 'error' && e.message.includes('outside 0..2'))).toBe(true);
    h.session.dispose();
  });

  it('inference settings moved while training reach the next weight report, export and checkpoint', async () => {
    const h = harness();
    await ready(h);
    expect([SMALL.threshold, SMALL.shiftAveraging]).toEqual([0.7, false]);
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => h.lastStep() >= 2, 'two steps');
    const weights = () => h.events.filter((e): e is Extract<WorkerEvent, { type: 'weights' }> => e.type === 'weights');
    const reportsBefore = weights().length;
    // Each receive resolves when its task has run: the moves are applied between two steps.
    void h.session.receive({ type: 'set-inference-settings', settings: { threshold: 1.3 } });
    await h.session.receive({ type: 'set-inference-settings', settings: { shiftAveraging: true } });
    const reportsAfterMove = weights().length;
    expect(reportsAfterMove).toBeGreaterThan(reportsBefore);
    expect(weights().at(-1)!.report.threshold).toBe(1.3);
    // Training went on through the moves; an export and a checkpoint taken between the same two steps follow them.
    expect(h.session.status).toBe('training');
    const stepAtMove = h.lastStep();
    await h.waitFor(() => h.lastStep() > stepAtMove, 'another step');
    void h.session.receive({ type: 'export', format: 'onnx', packing: 'base3' });
    void h.session.receive({ type: 'capture' });
    await h.waitFor(() => h.events.some((e) => e.type === 'captured'), 'the checkpoint');
    await h.session.receive({ type: 'pause' });
    const captured = h.events.find((e): e is Extract<WorkerEvent, { type: 'captured' }> => e.type === 'captured')!;
    expect(captured.config).toMatchObject({ threshold: 1.3, shiftAveraging: true });
    const exported = h.events.find((e): e is Extract<WorkerEvent, { type: 'export-ready' }> => e.type === 'export-ready')!;
    // The same weights exported by a trainer configured with the moved settings give the same bytes.
    const copy = new Trainer({ ...SMALL, threshold: 1.3, shiftAveraging: true }, embedded);
    copy.restoreState(captured.state);
    const expected = await buildExport(copy, embedded, { format: 'onnx', packing: 'base3', preset: 'custom', datasetId: 'mnist-10k' });
    copy.dispose();
    expect(exported.bytes).toEqual(expected.bytes);
    // The paused run's snapshot (what the page autosaves) carries them too, and so does every later weight report.
    const paused = h.events.length;
    await h.waitFor(() => h.events.slice(paused).some((e) => e.type === 'snapshot'), 'the pause snapshot');
    await h.session.idle();
    const snapshot = h.events.slice(paused).find((e): e is Extract<WorkerEvent, { type: 'snapshot' }> => e.type === 'snapshot')!;
    expect(snapshot.config).toMatchObject({ threshold: 1.3, shiftAveraging: true });
    const after = weights().slice(reportsAfterMove);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((e) => e.report.threshold === 1.3)).toBe(true);
    expect(h.internalErrors()).toEqual([]);
    h.session.dispose();
  });

  it('answers a drawn digit while training goes on, between two steps', async () => {
    const h = harness();
    await ready(h);
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => h.lastStep() >= 2, 'two steps');
    const digit = embedded.validation.pixels.slice(0, 784);
    void h.session.receive({ type: 'classify', requestId: 7, pixels: digit });
    await h.waitFor(() => h.events.some((e) => e.type === 'classification'), 'the classification');
    const answer = h.events.find((e): e is Extract<WorkerEvent, { type: 'classification' }> => e.type === 'classification')!;
    expect(answer.requestId).toBe(7);
    expect(answer.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(h.session.status).toBe('training');
    const stepAtAnswer = h.lastStep();
    await h.waitFor(() => h.lastStep() > stepAtAnswer, 'training to go on');
    await h.session.receive({ type: 'pause' });
    h.session.dispose();
  });

  it('drawings sent faster than answers are coalesced: only the newest is answered, once', async () => {
    const h = harness();
    await ready(h);
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => h.lastStep() >= 2, 'two steps');
    // Three strokes of one drawing arrive while a step runs; the answers to the first two would be dropped by the page.
    for (const requestId of [11, 12, 13]) void h.session.receive({ type: 'classify', requestId, pixels: embedded.validation.pixels.slice(requestId * 784, (requestId + 1) * 784) });
    await h.waitFor(() => h.events.some((e) => e.type === 'classification'), 'the classification');
    const stepAtAnswer = h.lastStep();
    await h.waitFor(() => h.lastStep() > stepAtAnswer + 1, 'training to go on');
    await h.session.receive({ type: 'pause' });
    const answers = h.events.filter((e): e is Extract<WorkerEvent, { type: 'classification' }> => e.type === 'classification');
    expect(answers.map((answer) => answer.requestId)).toEqual([13]);
    // A drawing sent after that answer gets its own.
    await h.session.receive({ type: 'classify', requestId: 14, pixels: embedded.validation.pixels.slice(0, 784) });
    expect(h.events.filter((e) => e.type === 'classification').length).toBe(2);
    h.session.dispose();
  });

  it('a CNN trains here, and a drawn digit gets its conv layers\' feature maps with the answer', async () => {
    const h = harness();
    const cnn: TrainConfig = {
      ...PRESETS.cnn,
      layers: [{ kind: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same' }, { kind: 'maxpool2d', size: 2 }, { kind: 'conv2d', filters: 6, kernel: 3, stride: 2, padding: 'valid' }, { kind: 'flatten' }, { kind: 'dense', units: 16 }],
      batchSize: 32,
    };
    await ready(h, cnn);
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => h.lastStep() >= 2, 'two steps');
    await h.session.receive({ type: 'pause' });
    await h.session.receive({ type: 'classify', requestId: 3, pixels: embedded.validation.pixels.slice(0, 784) });
    const answer = h.events.find((e): e is Extract<WorkerEvent, { type: 'classification' }> => e.type === 'classification')!;
    expect(answer.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(answer.featureMaps.map(({ layer, height, width, channels, values }) => [layer, height, width, channels, values.length])).toEqual([
      [0, 14, 14, 4, 14 * 14 * 4],
      [1, 6, 6, 6, 6 * 6 * 6],
    ]);
    // After ReLU and max pooling every value is ≥ 0, and a digit lights some of them.
    expect(answer.featureMaps.every((map) => map.values.every((v) => v >= 0) && map.values.some((v) => v > 0))).toBe(true);
    expect(h.internalErrors()).toEqual([]);
    h.session.dispose();
  });

  it('a failed data load reports the error and keeps the dataset and the model', async () => {
    let fail = false;
    const h = harness(async () => {
      if (fail) throw new Error('the gzip data is corrupt');
      return embedded;
    });
    await ready(h);
    await h.session.receive({ type: 'step' });
    fail = true;
    await h.session.receive({ type: 'load-dataset', source: { kind: 'url', id: 'mnist', baseUrl: 'http://localhost/x/' } });
    expect(h.events.some((e) => e.type === 'error' && e.message.includes('Could not load the dataset: the gzip data is corrupt'))).toBe(true);
    expect(h.session.status).toBe('paused');
    await h.session.receive({ type: 'step' });
    expect(h.lastStep()).toBe(2);
    expect(h.internalErrors()).toEqual([]);
    h.session.dispose();
  });

  it('own images: a cancelled load says so as own-data-error and keeps the dataset; a loaded set names its classes', async () => {
    const images: DatasetSource = { kind: 'images', name: 'shapes.zip', zip: null, files: [], conversion: { side: 28, color: 'grey', invert: 'auto' } };
    let release: () => void = () => undefined;
    const h = harness(async (source, _onProgress, cancelled) => {
      if (source.kind !== 'images') return embedded;
      await new Promise<void>((resolve) => (release = resolve));
      if (cancelled()) throw new Error('Loading was cancelled; the data set and model you had are unchanged.');
      return { ...embedded, classNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'] };
    });
    await ready(h);
    const loading = h.session.receive({ type: 'load-dataset', source: images });
    await h.waitFor(() => h.statuses().at(-1) === 'loading', 'the load to start');
    await h.session.receive({ type: 'cancel-load' });
    release();
    await loading;
    expect(h.events.filter((e) => e.type === 'own-data-error').map((e) => (e as { message: string }).message)).toEqual(['Loading was cancelled; the data set and model you had are unchanged.']);
    expect(h.events.some((e) => e.type === 'error')).toBe(false);
    const again = h.session.receive({ type: 'load-dataset', source: images });
    await h.waitFor(() => h.statuses().filter((st) => st === 'loading').length === 2, 'the second load');
    release();
    await again;
    const ready2 = h.events.filter((e): e is Extract<WorkerEvent, { type: 'dataset-ready' }> => e.type === 'dataset-ready').at(-1)!;
    expect(ready2.summary.id).toBe('own');
    expect(ready2.summary.classNames[0]).toBe('a');
    h.session.dispose();
  });

  it('finishes: done, a sweep, and start does nothing more', async () => {
    const h = harness();
    await ready(h, { ...SMALL, batchSize: 3000 });
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => h.session.status === 'done', 'done');
    await h.session.idle();
    expect(h.events.some((e) => e.type === 'sweep')).toBe(true);
    expect(h.events.some((e) => e.type === 'epoch-end')).toBe(true);
    expect(h.lastStep()).toBe(3);
    const done = h.events.find((e): e is Extract<WorkerEvent, { type: 'status' }> => e.type === 'status' && e.status === 'done')!;
    expect(done.detail).toBe(`finished 1 epoch; batch-norm statistics recalibrated on the ${embedded.train.count.toLocaleString('en-US')} training images`);
    // The epoch end brings what the model gets wrong, agreeing with the validation accuracy of that step.
    const epochEnd = h.events.find((e): e is Extract<WorkerEvent, { type: 'epoch-end' }> => e.type === 'epoch-end')!;
    const { analysis } = h.events.find((e): e is Extract<WorkerEvent, { type: 'analysis' }> => e.type === 'analysis')!;
    expect(analysis.globalStep).toBe(epochEnd.globalStep);
    expect(analysis.matrix.reduce((a, b) => a + b, 0)).toBe(embedded.validation.count);
    expect(matrixAccuracy(analysis.matrix, 10)).toBeCloseTo(epochEnd.validationAccuracy, 6);
    expect(analysis.mistakes.length).toBe(16);
    expect(analysis.images.length).toBe(16 * 784);
    analysis.mistakes.forEach((m, i) => {
      expect(m.predicted).not.toBe(m.label);
      expect(embedded.validation.labels[m.index]).toBe(m.label);
      expect(Array.from(analysis.images.subarray(i * 784, (i + 1) * 784))).toEqual(Array.from(embedded.validation.pixels.subarray(m.index * 784, (m.index + 1) * 784)));
      if (i > 0) expect(m.confidence).toBeLessThanOrEqual(analysis.mistakes[i - 1]!.confidence);
    });
    await h.session.receive({ type: 'analyze' });
    expect(h.events.filter((e) => e.type === 'analysis')).toHaveLength(2);
    await h.session.receive({ type: 'start' });
    await h.session.idle();
    expect(h.session.status).toBe('done');
    // Restored, a finished run is done again, and the line says what the trainer recorded of its end: from the
    // run's own state the same; from a state saved before the end of a run was recorded, only that it finished.
    await h.session.receive({ type: 'capture' });
    const { state } = h.events.find((e): e is Extract<WorkerEvent, { type: 'captured' }> => e.type === 'captured')!;
    const detailAfterRestoring = async (restored: typeof state): Promise<string | undefined> => {
      await h.session.receive({ type: 'restore', state: restored, runId: null });
      expect(h.session.status).toBe('done');
      return h.events.filter((e): e is Extract<WorkerEvent, { type: 'status' }> => e.type === 'status').at(-1)!.detail;
    };
    expect(await detailAfterRestoring(state)).toBe(`restored step 3, ${done.detail}`);
    expect(await detailAfterRestoring({ ...state, endOfRun: null })).toBe('restored step 3, finished 1 epoch');
    await h.session.receive({ type: 'start' });
    await h.session.idle();
    expect(h.session.status).toBe('done');
    expect(h.internalErrors()).toEqual([]);
    h.session.dispose();
  });

  it('?fault=nan: divergence pauses, restores the last good weights and says what to try; Resume trains on', async () => {
    const h = harness();
    await ready(h);
    h.session.injectFault('nan');
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => h.events.some((e) => e.type === 'diverged'), 'the divergence');
    await h.session.idle();
    const diverged = h.events.find((e): e is Extract<WorkerEvent, { type: 'diverged' }> => e.type === 'diverged')!;
    expect(diverged.restoredStep).toBe(0);
    expect(diverged.failedStep).toBeGreaterThan(diverged.restoredStep);
    expect(diverged.message).toMatch(/lower learning rate/);
    expect(h.session.status).toBe('paused');
    const weights = h.events.filter((e): e is Extract<WorkerEvent, { type: 'weights' }> => e.type === 'weights');
    const restored = weights[weights.length - 1]!.report;
    expect(restored.globalStep).toBe(0);
    expect(restored.layers.every((layer) => layer.counts.minus + layer.counts.plus > 0)).toBe(true);
    const losses = () => h.events.flatMap((e) => (e.type === 'progress' ? Array.from(e.losses) : []));
    const before = losses().length;
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => losses().length >= before + 3, 'three more steps');
    await h.session.receive({ type: 'pause' });
    expect(losses().slice(before).every(Number.isFinite)).toBe(true);
    expect(h.internalErrors()).toEqual([]);
    h.session.dispose();
  });

  it('walks every status: a failed first load, loading, idle, training, paused, done, error and back', async () => {
    let fail = true;
    const h = harness(async () => {
      if (fail) throw new Error('no network');
      return embedded;
    });
    await h.session.receive({ type: 'load-dataset', source: { kind: 'url', id: 'mnist', baseUrl: 'http://localhost/x/' } });
    expect(h.session.status).toBe('error');
    fail = false;
    await ready(h);
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => h.lastStep() >= 1, 'a step');
    await h.session.receive({ type: 'pause' });
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => h.lastStep() >= 2, 'another step');
    await h.session.receive({ type: 'pause' });
    await h.session.receive({ type: 'configure', config: { ...SMALL, batchSize: 3000 }, preset: 'custom' });
    await h.session.receive({ type: 'step' });
    await h.session.receive({ type: 'reset' });
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => h.session.status === 'done', 'done');
    await h.session.idle();
    await h.session.receive({ type: 'reset' });
    expect(h.statuses()).toEqual([
      'loading', 'error', // a first load that fails leaves no dataset
      'loading', 'idle',
      'training', 'paused', 'training', 'paused',
      'idle', // a new configuration restarts from scratch
      'paused', // a single step
      'idle', // reset
      'training', 'done',
      'idle', // reset after done
    ]);
    expect(h.internalErrors()).toEqual([]);
    h.session.dispose();
  });

  it('a teacher: refused with a message when its weights do not fit; taken with its accuracy; dropped with null', async () => {
    const h = harness();
    await ready(h, { ...SMALL, distillWeight: 0.7 });
    const teachers = () => h.events.filter((e): e is Extract<WorkerEvent, { type: 'teacher' }> => e.type === 'teacher');
    // A teacher run: the same small network after 20 steps of its own.
    const source = harness();
    await ready(source);
    for (let i = 0; i < 20; i++) await source.session.receive({ type: 'step' });
    await source.session.receive({ type: 'capture' });
    const captured = source.events.find((e): e is Extract<WorkerEvent, { type: 'captured' }> => e.type === 'captured')!;
    source.session.dispose();

    await h.session.receive({ type: 'set-teacher', teacher: { config: { ...SMALL, layers: mlpLayers([48]) }, variables: captured.state.variables, label: 'run A' } });
    expect(teachers()[0]).toMatchObject({ label: null, validationAccuracy: null });
    expect(teachers()[0]!.message).toMatch(/"run A" cannot teach: .*does not match/);
    await h.session.receive({ type: 'set-teacher', teacher: { config: SMALL, variables: captured.state.variables, label: 'run A' } });
    expect(teachers()[1]).toMatchObject({ label: 'run A', message: '' });
    expect(teachers()[1]!.validationAccuracy).toBeGreaterThan(0.5);
    // Training goes on with it, and without it again.
    await h.session.receive({ type: 'step' });
    await h.session.receive({ type: 'set-teacher', teacher: null });
    expect(teachers()[2]).toMatchObject({ label: null, message: '' });
    await h.session.receive({ type: 'step' });
    expect(h.lastStep()).toBe(2);
    expect(h.internalErrors()).toEqual([]);
    expect(h.events.some((e) => e.type === 'error')).toBe(false);
    h.session.dispose();
  });

  it('dispose releases every tensor the session made', async () => {
    const baseline = tf.memory().numTensors;
    const h = harness();
    await ready(h);
    await h.session.receive({ type: 'step' });
    await h.session.receive({ type: 'capture' });
    const captured = h.events.find((e): e is Extract<WorkerEvent, { type: 'captured' }> => e.type === 'captured')!;
    await h.session.receive({ type: 'set-teacher', teacher: { config: SMALL, variables: captured.state.variables, label: 'itself' } });
    await h.session.receive({ type: 'step' });
    h.session.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
