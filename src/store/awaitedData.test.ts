/**
 * A page whose address names the user's own data (keyword clips, own images), driven through the bridge in Node:
 * after a reload of the page's own address it waits for that data without speaking of a link, offers the kept run
 * and resumes it once the same data is loaded again; opened from a share link it says the link carries no data;
 * the address keeps naming the awaited data set; and a kept run of such data resumed from the run list waits too.
 */
import { describe, expect, it } from 'vitest';
import { shareParams } from '../core/app/shareLink';
import { DIGIT_CLASS_NAMES, type DatasetId } from '../core/data/dataset';
import { PRESETS } from '../core/model/config';
import type { WorkerRequest } from '../protocol/messages';
import { awaitedDataNotice } from './awaitedData';
import { SEED_CONFIG, bridgeHarness, settle, trainerStateAt, type MemoryStorage } from './bridgeFakes.testing';
import type { AppState } from './store';
import { currentSetup } from './urlState';

const WORDS = ['_silence_', 'no', 'up', 'yes'];

function ready(id: DatasetId, classNames: readonly string[]) {
  return {
    type: 'dataset-ready' as const,
    summary: { id, classNames, own: null, keywords: null, trainCount: 8, validationCount: 1, testCount: 1, samples: { pixels: new Uint8Array(0), count: 0, rows: 28, cols: 28 } },
  };
}

/** The address a page on this data writes (and a share link of it carries). */
function addressOf(datasetId: 'own' | 'keywords', classNames: readonly string[]): string {
  return `?${new URLSearchParams(shareParams({ preset: 'kws', datasetId, classNames, config: { ...PRESETS.kws } })).toString()}`;
}

/** A page that trained a run on this data and kept it at step 40. */
async function keptRun(datasetId: 'own' | 'keywords', classNames: readonly string[]): Promise<MemoryStorage> {
  const h = bridgeHarness();
  await h.bridge.startPlayground('');
  h.worker().emit(ready(datasetId, classNames));
  await settle();
  h.worker().emit({ type: 'snapshot', runId: 'run-k', state: trainerStateAt(40), config: SEED_CONFIG, preset: 'kws', datasetId });
  await settle();
  return h.storage;
}

/** A new page on the kept storage, started from `search`; its worker has loaded the embedded subset. */
async function open(search: string, ownAddress: boolean, storage?: MemoryStorage) {
  const h = bridgeHarness();
  if (storage) for (const [key, value] of storage.entries) h.storage.entries.set(key, value);
  await h.bridge.startPlayground(search, ownAddress);
  h.worker().emit(ready('mnist-10k', DIGIT_CLASS_NAMES));
  await settle();
  return h;
}

/** The address the page writes for this state. */
function addressParams(state: AppState) {
  const setup = currentSetup(state);
  if ('problem' in setup) throw new Error(setup.problem);
  return shareParams(setup);
}

const restores = (requests: WorkerRequest[]) => requests.filter((r): r is Extract<WorkerRequest, { type: 'restore' }> => r.type === 'restore');

describe('a page waiting for the user data its run trained on', () => {
  it('after a reload of a keyword run: no link is named, the run is offered, and it resumes once the same clips are loaded', async () => {
    const storage = await keptRun('keywords', WORDS);
    const h = await open(addressOf('keywords', WORDS), true, storage);
    const state = h.store.getState();
    expect(state.errorMessage).toBeNull();
    expect(state.awaitedData).toEqual({ datasetId: 'keywords', classNames: WORDS, fromLink: false, conversion: null });
    expect(state.resumeOffer).toMatchObject({ id: 'run-k', step: 40, datasetId: 'keywords', classNames: WORDS });
    // The address keeps naming the keyword data set while the embedded subset stands in.
    expect(addressParams(state)).toEqual(expect.arrayContaining([['dataset', 'keywords'], ['classes', JSON.stringify(WORDS)]]));

    // Resume before the clips are back: nothing is restored, and the message names no link.
    h.bridge.runs.resumeAutosavedRun();
    await settle();
    expect(restores(h.worker().requests)).toHaveLength(0);
    expect(h.store.getState().errorMessage).toMatch(/^Your trained run is kept in this browser, but not your keyword clips \(classes _silence_, no, up, yes\)/);
    expect(h.store.getState().errorMessage).not.toMatch(/link/);
    expect(h.store.getState().resumeOffer?.id).toBe('run-k');

    h.worker().emit(ready('keywords', WORDS));
    await settle();
    expect(h.store.getState().awaitedData).toBeNull();
    h.bridge.runs.resumeAutosavedRun();
    await settle();
    expect(restores(h.worker().requests).map((r) => [r.runId, r.state.globalStep])).toEqual([['run-k', 40]]);
    expect(h.store.getState().globalStep).toBe(40);
  });

  it('keyword clips of other words do not resume the run', async () => {
    const storage = await keptRun('keywords', WORDS);
    const h = await open(addressOf('keywords', WORDS), true, storage);
    h.worker().emit(ready('keywords', ['left', 'right']));
    await settle();
    h.bridge.runs.resumeAutosavedRun();
    await settle();
    expect(restores(h.worker().requests)).toHaveLength(0);
    expect(h.store.getState().errorMessage).toMatch(/keyword clips \(classes _silence_, no, up, yes\)/);
  });

  it('opened from a share link: the message says the link carries no clips; no kept run: none is offered', async () => {
    const h = await open(addressOf('keywords', WORDS), false);
    expect(h.store.getState().awaitedData).toEqual({ datasetId: 'keywords', classNames: WORDS, fromLink: true, conversion: null });
    expect(h.store.getState().errorMessage).toMatch(/^The link's run used your keyword clips \(classes _silence_, no, up, yes\), which a link does not carry\. Load a keyword zip/);
    expect(h.store.getState().resumeOffer).toBeNull();
  });

  it('after a reload of an own-images run: the own-images wording, no link; Train on the embedded subset ends the wait', async () => {
    const classes = ['cat', 'dog'];
    const storage = await keptRun('own', classes);
    const h = await open(addressOf('own', classes), true, storage);
    expect(h.store.getState().errorMessage).toBeNull();
    const awaited = h.store.getState().awaitedData!;
    expect(awaitedDataNotice(awaited, true)).toBe(
      'Your trained run is kept in this browser, but not your own images (classes cat, dog) it trained on. Load the same images again (a .zip or folder, in "Use your own images"), to go on with this run.',
    );
    h.bridge.actions.toggleTraining();
    expect(h.store.getState().awaitedData).toBeNull();
    expect(addressParams(h.store.getState())).toContainEqual(['dataset', 'mnist-10k']);
  });

  it("a link of an own-images run names its conversion: the notice says it, the Size/Colour/Ink offer and the address keep it", async () => {
    const conversion = { side: 20, color: 'rgb' as const, invert: 'auto' as const };
    const search = `?${new URLSearchParams(shareParams({ preset: 'cnn', datasetId: 'own', classNames: ['blue', 'red'], conversion, config: { ...PRESETS.cnn } })).toString()}`;
    const h = await open(search, false);
    expect(h.store.getState().awaitedData).toEqual({ datasetId: 'own', classNames: ['blue', 'red'], fromLink: true, conversion });
    expect(h.store.getState().errorMessage).toMatch(/^The link's run used your own images \(classes blue, red\) as 20×20 RGB, which a link does not carry\./);
    expect(addressParams(h.store.getState())).toContainEqual(['images', '20-rgb-auto']);
  });

  it('a keyword run resumed from the run list before its clips are loaded waits for them, on offer beside Train', async () => {
    const storage = await keptRun('keywords', WORDS);
    const h = await open('', false, storage);
    // A plain address names no keyword data: the kept keyword run is not pushed on the user.
    expect(h.store.getState().resumeOffer).toBeNull();
    await h.bridge.runs.resumeRun('run-k');
    expect(restores(h.worker().requests)).toHaveLength(0);
    expect(h.store.getState().awaitedData).toEqual({ datasetId: 'keywords', classNames: WORDS, fromLink: false, conversion: null });
    expect(h.store.getState().resumeOffer?.id).toBe('run-k');
    expect(h.store.getState().errorMessage).toContain('Load the keyword zip or folder again, or train on your recorded clips, to go on with this run.');
  });
});
