/**
 * The worker host: owns the one training Worker, checks with a heartbeat that it answers, and when it dies (an
 * error event) or hangs (no answer for the heartbeat's timeout) replaces it with a new worker that takes the run
 * over from its last snapshot. What a takeover needs (the init request, a way to load the same dataset again, the
 * teacher, the last snapshot) is held here; the events' meaning is eventRouting.ts's.
 */
import type { TrainerState } from '../core/run/trainerState';
import type { TeacherSpec, WorkerEvent, WorkerRequest } from '../protocol/messages';
import type { AppStore } from './store';
import type { Timers } from './timers';

/** The page's side of one worker: what it posts and how it ends it. */
export interface WorkerPort {
  post(request: WorkerRequest, transfer: Transferable[]): void;
  terminate(): void;
}

export interface WorkerListeners {
  onEvent(event: WorkerEvent): void;
  /** The worker failed (an uncaught error, a failed load): why, in a few words. */
  onError(reason: string): void;
}

/** Starts a new worker that reports to `listeners` (the page: a module Worker; a test: a fake). */
export type SpawnWorker = (listeners: WorkerListeners) => WorkerPort;

export type InitRequest = Extract<WorkerRequest, { type: 'init' }>;

/** The last good state the worker sent, and the kept run it belongs to (null: not kept). */
export interface RunSnapshot {
  state: TrainerState;
  runId: string | null;
}

export const HEARTBEAT_INTERVAL_MS = 1000;
/** At least this long without an answer before a worker counts as hung; longer when steps are slow. */
export const MIN_HEARTBEAT_TIMEOUT_MS = 10_000;

export interface WorkerHostDeps {
  spawnWorker: SpawnWorker;
  timers: Timers;
  store: AppStore;
  /** Every event of the current worker, after it has counted as an answer to the heartbeat. */
  onEvent(event: WorkerEvent): void;
  /** Sends the store's config (userActions.ts); a new worker gets it after its dataset. */
  sendConfig(): boolean;
}

export interface WorkerHost {
  /** Whether start has run (the page starts the worker once). */
  readonly started: boolean;
  /** Spawns the worker, sends it `init` and starts the heartbeat. */
  start(init: InitRequest): void;
  send(request: WorkerRequest, transfer?: Transferable[]): void;
  /**
   * Sends a dataset load; `replay` loads the same data into a new worker. The run so far belongs to the old
   * data, so its snapshot is forgotten.
   */
  loadDataset(request: Extract<WorkerRequest, { type: 'load-dataset' }>, transfer: Transferable[], replay: () => Promise<void>): void;
  /** The teacher lent to the worker (null: none), kept so that a new worker gets it too. */
  lendTeacher(teacher: TeacherSpec | null): void;
  /** The worker's newest snapshot (null after a reset). */
  recordSnapshot(snapshot: RunSnapshot | null): void;
  /** The longest step the worker reported: slow steps lengthen the heartbeat's timeout. */
  noteStepTime(slowestStepMs: number): void;
  /**
   * A dataset is ready in the worker. True when that worker is taking over a run (its curves stay), which ends
   * the takeover; false when the data is new (the run starts again).
   */
  datasetReady(): boolean;
}

export function createWorkerHost(deps: WorkerHostDeps): WorkerHost {
  const { timers } = deps;
  let worker: WorkerPort | null = null;
  const heartbeat = { lastAnswerAt: 0, pingId: 0, slowestStepMs: 0 };
  const takeover = {
    init: null as InitRequest | null,
    replayDataset: null as (() => Promise<void>) | null,
    teacher: null as TeacherSpec | null,
    snapshot: null as RunSnapshot | null,
    /** While a new worker takes over, its 'dataset-ready' must not clear the curves of the run it continues. */
    inProgress: false,
  };

  function send(request: WorkerRequest, transfer: Transferable[] = []): void {
    if (!worker) throw new Error('The training worker has not started.');
    worker.post(request, transfer);
  }

  function spawn(): void {
    worker = deps.spawnWorker({
      onEvent: (event) => {
        heartbeat.lastAnswerAt = timers.now();
        deps.onEvent(event);
      },
      onError: (reason) => void takeOverRun(`crashed (${reason})`),
    });
    heartbeat.lastAnswerAt = timers.now();
  }

  function timeoutMs(): number {
    return Math.max(MIN_HEARTBEAT_TIMEOUT_MS, 5 * heartbeat.slowestStepMs);
  }

  function checkHeartbeat(): void {
    if (!worker || takeover.inProgress) return;
    const state = deps.store.getState();
    // Long tasks (a dataset load, a kernel benchmark, an export) may keep the worker busy past the timeout.
    if (state.status === 'loading' || state.kernelTask !== null || state.exportTask !== null) heartbeat.lastAnswerAt = timers.now();
    const silentMs = timers.now() - heartbeat.lastAnswerAt;
    if (silentMs > timeoutMs()) {
      void takeOverRun(`stopped answering for ${(silentMs / 1000).toFixed(0)} s`);
      return;
    }
    send({ type: 'ping', id: ++heartbeat.pingId });
  }

  /** Replaces a dead or hung worker and restores the run from its last snapshot, training again if it was. */
  async function takeOverRun(why: string): Promise<void> {
    if (takeover.inProgress || !takeover.init) return;
    takeover.inProgress = true;
    const store = deps.store.getState();
    const wasTraining = store.status === 'training';
    const snapshot = takeover.snapshot;
    worker?.terminate();
    spawn();
    // The fault a URL injected hit the old worker; the new one runs clean.
    send({ ...takeover.init, fault: null });
    await takeover.replayDataset?.();
    deps.sendConfig();
    send({ type: 'set-float-twin', enabled: store.floatTwin });
    if (takeover.teacher) send({ type: 'set-teacher', teacher: takeover.teacher });
    if (snapshot) send({ type: 'restore', state: snapshot.state, runId: snapshot.runId });
    if (wasTraining) send({ type: 'start' });
    store.errorOccurred(
      `The training worker ${why}. A new worker took over the run${snapshot ? ` from its last snapshot (step ${snapshot.state.globalStep})` : ' with a fresh model (there was no snapshot yet)'}.`,
    );
  }

  return {
    get started() {
      return worker !== null;
    },
    start(init) {
      spawn();
      timers.setInterval(checkHeartbeat, HEARTBEAT_INTERVAL_MS);
      takeover.init = init;
      send(init);
    },
    send,
    loadDataset(request, transfer, replay) {
      takeover.snapshot = null;
      send(request, transfer);
      takeover.replayDataset = replay;
    },
    lendTeacher(teacher) {
      takeover.teacher = teacher;
    },
    recordSnapshot(snapshot) {
      takeover.snapshot = snapshot;
    },
    noteStepTime(slowestStepMs) {
      heartbeat.slowestStepMs = Math.max(heartbeat.slowestStepMs, slowestStepMs);
    },
    datasetReady() {
      if (!takeover.inProgress) return false;
      takeover.inProgress = false;
      return true;
    },
  };
}
