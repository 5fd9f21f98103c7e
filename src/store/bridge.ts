/**
 * The bridge between the page and the training worker, wired from its parts: the worker host (lifecycle,
 * heartbeat, takeover), event routing with the view throttle, run storage and user actions, with start-up from
 * the URL. Everything it touches outside itself comes in through BridgeDeps, so a Node test builds one with a fake
 * worker, fake timers and storage in memory; workerBridge.ts builds the page's one bridge.
 */
import type { KeyValueStore } from './autosave';
import { createRunArchive } from './autosave';
import { createEventRouter } from './eventRouting';
import { createRunStorage, type SaveFile } from './runStorage';
import { createStartup } from './startup';
import type { AppStore, ServerDataset } from './store';
import type { Timers } from './timers';
import { createUserActions } from './userActions';
import { createViewThrottle } from './viewThrottle';
import { createWorkerHost, type SpawnWorker } from './workerHost';

export interface BridgeDeps {
  spawnWorker: SpawnWorker;
  timers: Timers;
  store: AppStore;
  /** Where kept runs live (idb-keyval in the page). */
  storage: KeyValueStore;
  saveFile: SaveFile;
  /** The app's base URL: the embedded data and the dataset server sit under it. */
  baseUrl: string;
  listServerDatasets(): Promise<ServerDataset[] | null>;
  followSetupInAddressBar(): void;
  appVersion: string;
}

export type Bridge = ReturnType<typeof createBridge>;

export function createBridge(deps: BridgeDeps) {
  const { store, timers, saveFile } = deps;
  const views = createViewThrottle(timers, {
    progress: (event) => store.getState().workerReportedProgress(event),
    weights: (report) => store.getState().workerReportedWeights(report),
  });
  // The host reports events to the router and asks the actions for the config; both are made below and only
  // called once the worker runs.
  const host = createWorkerHost({
    spawnWorker: deps.spawnWorker,
    timers,
    store,
    onEvent: (event) => route(event),
    sendConfig: () => actions.sendConfig(),
  });
  const runs = createRunStorage({
    store,
    archive: createRunArchive(deps.storage),
    send: (request) => host.send(request),
    configure: (config, preset) => actions.configureWorker(config, preset),
    saveFile,
    dateNow: () => timers.dateNow(),
    appVersion: deps.appVersion,
  });
  const actions = createUserActions({ store, host, runs, timers, saveFile, baseUrl: deps.baseUrl });
  const route = createEventRouter({
    store,
    views,
    host,
    runs,
    classificationRoundTripMs: (requestId) => actions.classificationRoundTripMs(requestId),
    saveFile,
  });
  const startPlayground = createStartup({
    store,
    host,
    actions,
    listServerDatasets: () => deps.listServerDatasets(),
    followSetupInAddressBar: () => deps.followSetupInAddressBar(),
  });
  return { startPlayground, actions, runs };
}
