/**
 * Run storage driven through the bridge in Node, with the kept runs in memory: the worker's snapshots autosave
 * into the run list (newest first, at most RUN_LIST_LIMIT, the dropped runs' weights deleted), a failing storage
 * is said once, a reloaded page offers the newest run of its dataset and resumes it, and checkpoints round-trip.
 */
import { DIGIT_CLASS_NAMES } from '../core/data/dataset';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../core/run/checkpoint';
import type { WorkerRequest } from '../protocol/messages';
import { AUTOSAVE_SCHEMA_VERSION, RUN_LIST_LIMIT, type AutosavedRun, type RunSummary } from './autosave';
import { SEED_CONFIG, bridgeHarness, settle, trainerStateAt, type MemoryStorage } from './bridgeFakes.testing';

const RUN_LIST_KEY = 'bitnet-playground/runs';
const runKey = (id: string) => `bitnet-playground/run/${id}`;

function snapshot(globalStep: number, runId: string) {
  return { type: 'snapshot' as const, runId, state: trainerStateAt(globalStep), config: SEED_CONFIG, preset: 'seed', datasetId: 'mnist-10k' as const };
}

const datasetReady = {
  type: 'dataset-ready' as const,
  summary: { id: 'mnist-10k' as const, classNames: DIGIT_CLASS_NAMES, own: null, keywords: null, trainCount: 8, validationCount: 1, testCount: 1, samples: { pixels: new Uint8Array(0), count: 0, rows: 28, cols: 28 } },
};

/** A started page whose worker has loaded the embedded data; storage shared with an earlier page when given. */
async function page(storage?: MemoryStorage) {
  const h = bridgeHarness();
  if (storage) for (const [key, value] of storage.entries) h.storage.entries.set(key, value);
  await h.bridge.startPlayground('');
  h.worker().emit(datasetReady);
  await settle();
  return h;
}

const storedList = (storage: MemoryStorage) => storage.entries.get(RUN_LIST_KEY) as RunSummary[] | undefined;

describe('run storage', () => {
  it('autosaves each snapshot of a run into the run list, newest first, with the curves of the page', async () => {
    const h = await page();
    expect(h.store.getState().runs).toEqual([]);
    h.store.getState().workerReportedValidation(10, 0.8, null);
    h.worker().emit(snapshot(10, 'run-a'));
    await settle();
    h.worker().emit(snapshot(20, 'run-a'));
    await settle();
    h.worker().emit(snapshot(5, 'run-b'));
    await settle();

    const list = storedList(h.storage)!;
    expect(list.map((run) => [run.id, run.step])).toEqual([
      ['run-b', 5],
      ['run-a', 20],
    ]);
    expect(list[1]!.validationAccuracy).toBe(0.8);
    const kept = h.storage.entries.get(runKey('run-a')) as AutosavedRun;
    expect(kept.schemaVersion).toBe(AUTOSAVE_SCHEMA_VERSION);
    expect(kept.state.variables[0]![0]).toBe(20);
    expect(kept.curves.validation).toEqual([{ step: 10, value: 0.8 }]);
    expect(kept.savedAt).toBe(h.timers.dateNow());
    // The store shows the list as stored and the step of the last autosave.
    expect(h.store.getState().runs.map((run) => run.id)).toEqual(['run-b', 'run-a']);
    expect(h.store.getState().autosavedStep).toBe(5);
  });

  it('keeps at most RUN_LIST_LIMIT runs and deletes the weights of those it drops', async () => {
    const h = await page();
    for (let i = 0; i <= RUN_LIST_LIMIT; i++) {
      h.worker().emit(snapshot(i + 1, `run-${i}`));
      await settle();
    }
    const ids = storedList(h.storage)!.map((run) => run.id);
    expect(ids).toHaveLength(RUN_LIST_LIMIT);
    expect(ids[0]).toBe(`run-${RUN_LIST_LIMIT}`);
    expect(ids).not.toContain('run-0');
    expect(h.storage.entries.has(runKey('run-0'))).toBe(false);
    expect(h.storage.entries.has(runKey('run-1'))).toBe(true);
    expect(h.store.getState().runs).toHaveLength(RUN_LIST_LIMIT);
  });

  it('a snapshot without a run (a reset) or without a run id is not kept', async () => {
    const h = await page();
    h.worker().emit({ type: 'snapshot', runId: null, state: null, config: null, preset: 'seed', datasetId: 'mnist-10k' });
    h.worker().emit({ ...snapshot(3, 'x'), runId: null });
    await settle();
    expect(storedList(h.storage)).toBeUndefined();
    expect(h.store.getState().autosavedStep).toBeNull();
  });

  it('a storage that fails is said once; training goes on', async () => {
    const h = await page();
    h.storage.failWith = new Error('QuotaExceededError');
    h.worker().emit(snapshot(10, 'run-a'));
    await settle();
    expect(h.store.getState().errorMessage).toMatch(/^Could not autosave the run in this browser's storage \(Error: QuotaExceededError\)/);
    h.store.getState().userDismissedError();
    h.worker().emit(snapshot(20, 'run-a'));
    await settle();
    expect(h.store.getState().errorMessage).toBeNull();
    expect(h.store.getState().autosavedStep).toBeNull();
  });

  it('a reloaded page offers the newest run of its dataset, and resuming restores it with its curves', async () => {
    const first = await page();
    first.store.getState().workerReportedValidation(30, 0.9, null);
    first.worker().emit(snapshot(30, 'run-a'));
    await settle();

    const reloaded = await page(first.storage);
    expect(reloaded.store.getState().runs.map((run) => run.id)).toEqual(['run-a']);
    expect(reloaded.store.getState().resumeOffer).toMatchObject({ id: 'run-a', step: 30, preset: 'seed' });
    // A second dataset-ready does not read the list again.
    reloaded.storage.failWith = new Error('not read again');
    reloaded.worker().emit(datasetReady);
    await settle();
    expect(reloaded.store.getState().errorMessage).toBeNull();
    reloaded.storage.failWith = null;

    const sentBefore = reloaded.worker().requests.length;
    reloaded.bridge.runs.resumeAutosavedRun();
    await settle();
    const sent = reloaded.worker().requests.slice(sentBefore).filter((r) => r.type !== 'ping');
    expect(sent.map((r) => r.type)).toEqual(['configure', 'restore']);
    const restore = sent[1] as Extract<WorkerRequest, { type: 'restore' }>;
    expect(restore.runId).toBe('run-a');
    expect(restore.state.globalStep).toBe(30);
    expect(reloaded.store.getState()).toMatchObject({ resumeOffer: null, globalStep: 30, validationSeries: [{ step: 30, value: 0.9 }] });
  });

  it('deleting a kept run removes it from storage and from the list shown', async () => {
    const h = await page();
    h.worker().emit(snapshot(1, 'run-a'));
    await settle();
    h.worker().emit(snapshot(2, 'run-b'));
    await settle();
    await h.bridge.runs.deleteKeptRun('run-a');
    expect(h.storage.entries.has(runKey('run-a'))).toBe(false);
    expect(h.store.getState().runs.map((run) => run.id)).toEqual(['run-b']);
  });

  it('a captured run is written as a checkpoint file with the page curves; a kept run downloads as one too', async () => {
    const h = await page();
    h.store.getState().workerReportedValidation(12, 0.7, null);
    h.bridge.runs.saveCheckpoint();
    expect(h.worker().sent('capture')).toHaveLength(1);
    h.worker().emit({ type: 'captured', state: trainerStateAt(12), config: SEED_CONFIG, preset: 'seed', datasetId: 'mnist-10k' });
    h.worker().emit(snapshot(12, 'run-a'));
    await settle();
    await h.bridge.runs.downloadRun('run-a');
    expect(h.saved.map((file) => file.fileName)).toEqual(['bitnet-seed-step12.safetensors', 'bitnet-seed-step12.safetensors']);
    for (const file of h.saved) {
      const checkpoint = decodeCheckpoint(file.bytes);
      expect(checkpoint.state.globalStep).toBe(12);
      expect(checkpoint.curves.validation).toEqual([{ step: 12, value: 0.7 }]);
    }
  });
});
