/**
 * The worker host driven through the whole bridge in Node: a fake worker that stops answering pings (or crashes)
 * is replaced, and the new worker gets the run back from the last snapshot, in the order the worker needs it.
 */
import { DIGIT_CLASS_NAMES } from '../core/data/dataset';
import { describe, expect, it } from 'vitest';
import type { WorkerRequest } from '../protocol/messages';
import { SEED_CONFIG, bridgeHarness, settle, trainerStateAt, type FakeWorker } from './bridgeFakes.testing';
import { HEARTBEAT_INTERVAL_MS, MIN_HEARTBEAT_TIMEOUT_MS } from './workerHost';

function progressAt(globalStep: number, slowestStepMs = 5) {
  return {
    type: 'progress' as const,
    epoch: 0,
    stepInEpoch: globalStep,
    stepsPerEpoch: 100,
    globalStep,
    totalSteps: 100,
    learningRate: 0.01,
    slowestStepMs,
    lossSteps: new Uint32Array([globalStep]),
    losses: new Float32Array([2.5]),
    twinLosses: null,
    stepMs: 5,
    twinStepMs: null,
  };
}

function snapshotAt(globalStep: number, runId: string) {
  return { type: 'snapshot' as const, runId, state: trainerStateAt(globalStep), config: SEED_CONFIG, preset: 'seed', datasetId: 'mnist-10k' as const };
}

const datasetReady = {
  type: 'dataset-ready' as const,
  summary: { id: 'mnist-10k' as const, classNames: DIGIT_CLASS_NAMES, own: null, keywords: null, trainCount: 8, validationCount: 1, testCount: 1, samples: { pixels: new Uint8Array(0), count: 0, rows: 28, cols: 28 } },
};

/** A bridge started from `search`, its first worker with a dataset, training, with snapshots at steps 40 and 80. */
async function trainingRun(search = '') {
  const h = bridgeHarness();
  await h.bridge.startPlayground(search);
  const first = h.worker();
  first.emit({ type: 'status', status: 'training', detail: '' });
  first.emit(datasetReady);
  first.emit(progressAt(40));
  first.emit(snapshotAt(40, 'run-1'));
  first.emit(progressAt(80));
  first.emit(snapshotAt(80, 'run-1'));
  h.timers.advance(300); // the throttled progress reaches the store
  await settle(); // the autosaves
  return { ...h, first };
}

function only<T extends WorkerRequest['type']>(worker: FakeWorker, type: T): Extract<WorkerRequest, { type: T }> {
  const found = worker.sent(type);
  expect(found).toHaveLength(1);
  return found[0] as Extract<WorkerRequest, { type: T }>;
}

describe('worker host', () => {
  it('starts one worker with init, the embedded dataset and the config, and pings it every interval', async () => {
    const h = bridgeHarness();
    await h.bridge.startPlayground('?backend=cpu');
    await h.bridge.startPlayground('?backend=cpu');
    expect(h.workers).toHaveLength(1);
    expect(h.worker().sentTypes).toEqual(['init', 'load-dataset', 'configure']);
    expect(only(h.worker(), 'init')).toEqual({ type: 'init', forcedBackend: 'cpu', cpuInference: false, fault: null });
    expect(only(h.worker(), 'load-dataset').source).toEqual({ kind: 'embedded', baseUrl: '/app/generated/' });
    h.timers.advance(3 * HEARTBEAT_INTERVAL_MS);
    expect(h.worker().sent('ping')).toHaveLength(3);
  });

  it('after a heartbeat loss, a new worker takes over the run from the last snapshot and trains on', async () => {
    const h = await trainingRun('?fault=worker-crash');
    const { first } = h;
    h.timers.advance(5 * HEARTBEAT_INTERVAL_MS);
    expect(h.workers).toHaveLength(1); // answering: no takeover

    first.answersPings = false;
    h.timers.advance(MIN_HEARTBEAT_TIMEOUT_MS + 2 * HEARTBEAT_INTERVAL_MS);
    await settle();
    expect(first.terminated).toBe(true);
    expect(h.workers).toHaveLength(2);
    const second = h.worker();
    // init (without the injected fault), the same data, the config, the twin setting, the snapshot, then training.
    expect(second.sentTypes.slice(0, 6)).toEqual(['init', 'load-dataset', 'configure', 'set-float-twin', 'restore', 'start']);
    expect(only(second, 'init').fault).toBeNull();
    expect(only(first, 'init').fault).toBe('worker-crash');
    expect(only(second, 'load-dataset').source).toEqual(only(first, 'load-dataset').source);
    const restore = only(second, 'restore');
    expect(restore.runId).toBe('run-1');
    expect(restore.state.globalStep).toBe(80);
    expect(restore.state.variables[0]![0]).toBe(80);
    expect(h.store.getState().errorMessage).toBe(
      'The training worker stopped answering for 11 s. A new worker took over the run from its last snapshot (step 80).',
    );

    // The new worker's dataset-ready continues the run: its curves stay. A later load (new data) clears them.
    second.emit(datasetReady);
    expect(h.store.getState().lossSeries.map((p) => p.step)).toEqual([80]);
    second.emit(datasetReady);
    expect(h.store.getState().lossSeries).toEqual([]);
  });

  it('the new worker is pinged in turn, and a takeover does not start twice', async () => {
    const h = await trainingRun();
    h.first.answersPings = false;
    h.timers.advance(MIN_HEARTBEAT_TIMEOUT_MS + 2 * HEARTBEAT_INTERVAL_MS);
    // A crash report of the old worker while the new one takes over changes nothing.
    h.first.crash('late');
    await settle();
    expect(h.workers).toHaveLength(2);
    h.worker().emit(datasetReady);
    h.timers.advance(3 * HEARTBEAT_INTERVAL_MS);
    expect(h.worker().sent('ping').length).toBeGreaterThanOrEqual(3);
    expect(h.workers).toHaveLength(2);
  });

  it('a crashed worker is replaced at once; without a snapshot the run starts fresh, paused runs stay paused', async () => {
    const h = bridgeHarness();
    await h.bridge.startPlayground('');
    h.worker().emit({ type: 'status', status: 'paused', detail: '' });
    h.worker().crash('out of memory');
    await settle();
    expect(h.workers).toHaveLength(2);
    expect(h.worker().sentTypes).toEqual(['init', 'load-dataset', 'configure', 'set-float-twin']);
    expect(h.store.getState().errorMessage).toBe(
      'The training worker crashed (out of memory). A new worker took over the run with a fresh model (there was no snapshot yet).',
    );
  });

  it('the teacher and the float twin are lent to the new worker too; a reset run leaves no snapshot', async () => {
    const h = await trainingRun();
    h.bridge.actions.setFloatTwin(true);
    await h.bridge.actions.chooseTeacher('run-1');
    expect(h.store.getState().teacher?.runId).toBe('run-1');
    h.first.emit({ type: 'snapshot', runId: null, state: null, config: null, preset: 'seed', datasetId: 'mnist-10k' });
    h.first.crash('boom');
    await settle();
    const second = h.worker();
    expect(only(second, 'set-float-twin').enabled).toBe(true);
    const teacher = only(second, 'set-teacher').teacher;
    expect(teacher?.variables[0]![0]).toBe(80);
    expect(second.sent('restore')).toEqual([]);
    expect(h.store.getState().errorMessage).toContain('with a fresh model');
  });

  it('slow steps and long tasks stretch the time a silent worker is given', async () => {
    const h = bridgeHarness();
    await h.bridge.startPlayground('');
    const first = h.worker();
    first.emit(progressAt(1, 4000)); // 4 s steps: five of them (20 s) before the worker counts as hung
    first.answersPings = false;
    h.timers.advance(19 * HEARTBEAT_INTERVAL_MS);
    expect(h.workers).toHaveLength(1);
    // An export may keep the worker busy: no takeover while it runs.
    h.bridge.actions.exportModel('c', 'base3');
    h.timers.advance(60 * HEARTBEAT_INTERVAL_MS);
    expect(h.workers).toHaveLength(1);
    h.store.getState().workerExportFailed('c', 'cancelled');
    h.timers.advance(22 * HEARTBEAT_INTERVAL_MS);
    await settle();
    expect(h.workers).toHaveLength(2);
    expect(h.store.getState().errorMessage).toMatch(/^The training worker stopped answering for 21 s\./);
  });
});
