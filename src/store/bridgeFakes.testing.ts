/**
 * Fakes for driving the bridge in Node: timers moved by hand, a worker that records what it is sent and answers
 * pings while told to, and kept-run storage in memory (structured clones, as IndexedDB stores them).
 */
import { PRESETS } from '../core/model/config';
import { variableLayout } from '../core/run/checkpoint';
import type { TrainerState } from '../core/run/trainerState';
import type { WorkerEvent, WorkerRequest } from '../protocol/messages';
import type { KeyValueStore } from './autosave';
import { createBridge } from './bridge';
import { createAppStore, type ServerDataset } from './store';
import type { TimerHandle, Timers } from './timers';
import type { WorkerListeners, WorkerPort } from './workerHost';

export class FakeTimers implements Timers {
  private clock = 0;
  private nextHandle = 1;
  private readonly pending = new Map<TimerHandle, { at: number; every: number | null; callback: () => void }>();
  /** How many timer callbacks have run: two callbacks are two tasks of the page. */
  fired = 0;
  /** Wall-clock time the fake dateNow reports (ms since 1970). */
  wallClock = Date.UTC(2025, 0, 1);

  now(): number {
    return this.clock;
  }
  dateNow(): number {
    return this.wallClock + this.clock;
  }
  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle = this.nextHandle++;
    this.pending.set(handle, { at: this.clock + ms, every: null, callback });
    return handle;
  }
  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle);
  }
  setInterval(callback: () => void, ms: number): TimerHandle {
    const handle = this.nextHandle++;
    this.pending.set(handle, { at: this.clock + ms, every: ms, callback });
    return handle;
  }
  /** How many timers wait to fire. */
  get waiting(): number {
    return this.pending.size;
  }
  /** Moves the clock forward by ms, firing every timer that falls due on the way, in time order. */
  advance(ms: number): void {
    const end = this.clock + ms;
    for (;;) {
      let due: [TimerHandle, { at: number; every: number | null; callback: () => void }] | null = null;
      for (const entry of this.pending) if (entry[1].at <= end && (due === null || entry[1].at < due[1].at)) due = entry;
      if (due === null) break;
      const [handle, timer] = due;
      this.clock = timer.at;
      if (timer.every === null) this.pending.delete(handle);
      else timer.at += timer.every;
      this.fired++;
      timer.callback();
    }
    this.clock = end;
  }
}

/** One spawned worker: what the page posted to it, and how the test makes it answer, fall silent or crash. */
export class FakeWorker implements WorkerPort {
  readonly requests: WorkerRequest[] = [];
  terminated = false;
  /** While true, a ping is answered with a pong at once (a live worker); false: a hung one. */
  answersPings = true;

  constructor(private readonly listeners: WorkerListeners) {}

  post(request: WorkerRequest): void {
    if (this.terminated) throw new Error('posted to a terminated worker');
    this.requests.push(request);
    if (request.type === 'ping' && this.answersPings) this.emit({ type: 'pong', id: request.id });
  }
  terminate(): void {
    this.terminated = true;
  }
  emit(event: WorkerEvent): void {
    this.listeners.onEvent(event);
  }
  crash(reason: string): void {
    this.listeners.onError(reason);
  }
  /** The requests of the given types, in order (pings left out unless asked for). */
  sent(...types: WorkerRequest['type'][]): WorkerRequest[] {
    return this.requests.filter((request) => types.includes(request.type));
  }
  /** The request types in order, without pings. */
  get sentTypes(): WorkerRequest['type'][] {
    return this.requests.filter((request) => request.type !== 'ping').map((request) => request.type);
  }
}

/** Kept-run storage in memory; `failWith` makes every call fail as a blocked database would. */
export class MemoryStorage implements KeyValueStore {
  readonly entries = new Map<string, unknown>();
  failWith: Error | null = null;

  private check(): void {
    if (this.failWith) throw this.failWith;
  }
  async get(key: string): Promise<unknown> {
    this.check();
    return structuredClone(this.entries.get(key));
  }
  async set(key: string, value: unknown): Promise<void> {
    this.check();
    this.entries.set(key, structuredClone(value));
  }
  async del(key: string): Promise<void> {
    this.check();
    this.entries.delete(key);
  }
  async update<T>(key: string, updater: (old: T | undefined) => T): Promise<void> {
    this.check();
    this.entries.set(key, structuredClone(updater(structuredClone(this.entries.get(key)) as T | undefined)));
  }
}

/** Lets every pending promise callback run (the bridge's storage and takeover are async). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

export const SEED_CONFIG = { ...PRESETS.seed };

/**
 * A trainer state of the seed preset's model at `globalStep`, zeros but for the first weight, which holds the step
 * (to tell snapshots apart); shaped like the real thing, so checkpoints encode it.
 */
export function trainerStateAt(globalStep: number): TrainerState {
  const slots = variableLayout(SEED_CONFIG, 10);
  const variables = slots.map((slot) => new Float32Array(slot.shape.reduce((n, d) => n * d, 1)));
  variables[0]![0] = globalStep;
  const trainable = slots.flatMap((slot, i) => (slot.trainable ? [variables[i]!] : []));
  const zerosLike = () => trainable.map((values) => new Float32Array(values.length));
  return {
    epoch: 0,
    stepInEpoch: globalStep,
    globalStep,
    epochOrder: new Uint32Array([2, 0, 1]),
    rng: { state: 7, spareNormal: null },
    variables,
    optimizer: { step: globalStep, firstMoments: zerosLike(), secondMoments: zerosLike() },
    averages: SEED_CONFIG.emaDecay > 0 ? zerosLike() : null,
    endOfRun: null,
  };
}

/** A bridge on a store of its own, with fake workers, timers and storage, and the files it saved. */
export function bridgeHarness(options: { serverDatasets?: ServerDataset[] | null } = {}) {
  const store = createAppStore();
  const timers = new FakeTimers();
  const storage = new MemoryStorage();
  const workers: FakeWorker[] = [];
  const saved: { fileName: string; bytes: Uint8Array; mimeType: string }[] = [];
  const bridge = createBridge({
    spawnWorker: (listeners) => {
      const worker = new FakeWorker(listeners);
      workers.push(worker);
      return worker;
    },
    timers,
    store,
    storage,
    saveFile: (fileName, bytes, mimeType) => saved.push({ fileName, bytes, mimeType }),
    baseUrl: '/app/',
    listServerDatasets: async () => options.serverDatasets ?? null,
    followSetupInAddressBar: () => undefined,
    appVersion: '0.0.0-test',
  });
  const worker = (): FakeWorker => {
    const last = workers[workers.length - 1];
    if (!last) throw new Error('no worker was spawned');
    return last;
  };
  return { bridge, store, timers, storage, workers, worker, saved };
}
