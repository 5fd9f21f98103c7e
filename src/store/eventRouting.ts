/**
 * Event routing: every kind of WorkerEvent mapped, in one table, to what it changes in the page (store actions,
 * the takeover's snapshot, run storage, a download). Progress and weight reports go through the view throttle;
 * any other event first applies what the throttle holds, so that it never overtakes the progress before it.
 */
import type { WorkerEvent } from '../protocol/messages';
import type { RunStorage, SaveFile } from './runStorage';
import type { AppState, AppStore } from './store';
import type { ViewThrottle } from './viewThrottle';
import type { WorkerHost } from './workerHost';

export type WorkerEventType = WorkerEvent['type'];

export interface EventRoutingDeps {
  store: AppStore;
  views: ViewThrottle;
  host: Pick<WorkerHost, 'recordSnapshot' | 'noteStepTime' | 'datasetReady' | 'lendTeacher'>;
  runs: Pick<RunStorage, 'autosave' | 'offerAutosavedRunOnce' | 'writeCheckpoint'>;
  /** The round trip of a classification answer, or null when it answers an older drawing (userActions.ts). */
  classificationRoundTripMs(requestId: number): number | null;
  saveFile: SaveFile;
}

type Route<K extends WorkerEventType> = (event: Extract<WorkerEvent, { type: K }>, store: AppState) => void;

/** One route per event kind: a kind added to the protocol without one does not compile. */
export type Routes = { [K in WorkerEventType]: Route<K> };

/** The kinds that do not wait for the throttled views: the throttled reports themselves, and those with no view. */
const UNORDERED_EVENTS: ReadonlySet<WorkerEventType> = new Set<WorkerEventType>(['pong', 'snapshot', 'progress', 'weights']);

export function createRoutes(deps: EventRoutingDeps): Routes {
  const { host, runs, views } = deps;
  return {
    // Its arrival is the answer (the host noted it); nothing else to do.
    pong: () => undefined,
    snapshot: (event) => {
      host.recordSnapshot(event.state ? { state: event.state, runId: event.runId } : null);
      if (event.state && event.config && event.runId) void runs.autosave(event.runId, event.state, event.config, event.preset, event.datasetId);
    },
    progress: (event) => {
      host.noteStepTime(event.slowestStepMs);
      views.addProgress(event);
    },
    // Not training: this is an answer to the user (threshold moved, single step), so it shows at once.
    weights: (event, store) => views.addWeights(event.report, store.status === 'training'),
    backend: (event, store) => store.workerReportedBackend(event.backend, event.note, event.timings, event.measuring),
    status: (event, store) => store.workerReportedStatus(event.status, event.detail),
    'data-progress': (event, store) => store.workerReportedDataProgress(event.stage, event.loadedBytes, event.totalBytes),
    'dataset-ready': (event, store) => {
      // The model was reset for the new data; the curves belong to the old run (unless a new worker continues it).
      if (!host.datasetReady()) store.metricsCleared();
      store.workerLoadedDataset(event.summary);
      runs.offerAutosavedRunOnce();
    },
    'own-data-error': (event, store) => store.workerRefusedOwnData(event.message),
    validation: (event, store) => store.workerReportedValidation(event.globalStep, event.accuracy, event.twinAccuracy),
    'epoch-end': (event, store) =>
      store.workerReportedEpochEnd({
        epoch: event.epoch,
        globalStep: event.globalStep,
        validationAccuracy: event.validationAccuracy,
        testAccuracy: event.testAccuracy,
        twinValidationAccuracy: event.twinValidationAccuracy,
        twinTestAccuracy: event.twinTestAccuracy,
      }),
    // The inference settings' answer: validation accuracy measured again after a change while not training.
    'inference-evaluation': (event, store) => store.workerReportedThresholdEvaluation(event.settings.threshold, event.accuracy, event.milliseconds),
    sweep: (event, store) => store.workerReportedSweep(event.points, event.currentThreshold),
    'inference-path': (event, store) => store.workerReportedInferencePath(event.path, event.adapter, event.hasDot4),
    'kernel-evaluation': (event, store) => store.workerReportedKernelEvaluation(event.result),
    'kernel-benchmark': (event, store) => store.workerReportedKernelBench(event.rows, event.path, event.backend),
    classification: (event, store) => {
      const roundTripMs = deps.classificationRoundTripMs(event.requestId);
      if (roundTripMs !== null) store.workerClassified(event.probabilities, event.path, event.milliseconds, roundTripMs, event.featureMaps);
    },
    'export-ready': (event, store) => {
      deps.saveFile(event.fileName, event.bytes, event.format === 'c' ? 'application/zip' : 'application/octet-stream');
      store.workerExported(event.format, event.fileName, event.bytes.byteLength, event.note);
    },
    'export-failed': (event, store) => store.workerExportFailed(event.format, event.message),
    captured: (event) => runs.writeCheckpoint(event),
    'run-restored': (event, store) => store.workerRestoredRun(event.globalStep),
    diverged: (event, store) => {
      store.workerRestoredRun(event.restoredStep);
      store.errorOccurred(event.message);
    },
    'float-twin-stopped': (event, store) => {
      store.userToggledFloatTwin(false);
      store.errorOccurred(event.message);
    },
    analysis: (event, store) => store.workerReportedAnalysis(event.analysis),
    teacher: (event, store) => {
      // A refused teacher is not lent to a worker that takes over either.
      if (event.message) host.lendTeacher(null);
      store.workerReportedTeacher(event.label, event.validationAccuracy, event.message);
    },
    error: (event, store) => {
      store.kernelTaskFailed();
      store.errorOccurred(event.message);
    },
  };
}

/** The worker's events into the page, in the order they came (see UNORDERED_EVENTS for the exceptions). */
export function createEventRouter(deps: EventRoutingDeps): (event: WorkerEvent) => void {
  const routes = createRoutes(deps);
  return (event) => {
    if (!UNORDERED_EVENTS.has(event.type)) deps.views.flushIfPending();
    // Each route takes its own kind; TypeScript cannot relate routes[event.type] to event's narrowed type.
    const route = routes[event.type] as (event: WorkerEvent, store: AppState) => void;
    route(event, deps.store.getState());
  };
}
