/**
 * The run guard: the last state of the run known to be good (finite), kept as snapshots at intervals and posted to
 * the page (which autosaves it and gives it to a new worker), the run's name in the page's run list, and the way
 * back to that state when training diverges or its GPU is lost. The session decides when; this holds what.
 */
import type { DatasetId } from '../core/data/dataset';
import { transferableCopy } from '../core/run/trainerState';
import type { PostEvent } from '../protocol/messages';
import { stateIsFinite, type StepResult, type Trainer, type TrainerState } from '../train/trainer';

/** A snapshot of the whole trainer state (weights, Adam, position, RNG) every this many steps, and at epoch ends. */
export const SNAPSHOT_INTERVAL_STEPS = 200;
/** …and at least every 30 s while training, and at each pause (what the page autosaves). */
export const SNAPSHOT_INTERVAL_MS = 30_000;

/** What a snapshot belongs to, besides the trainer's own config (which carries the inference settings in force). */
export interface RunLabels {
  preset: string;
  datasetId: DatasetId;
}

export class RunGuard {
  private lastGood: TrainerState | null = null;
  /** Names the run in the page's run list: given at its first snapshot, kept across restores, new after a reset. */
  private runId: string | null = null;
  private lastSnapshotAt = 0;

  constructor(
    private readonly post: PostEvent,
    private readonly now: () => number,
    private readonly labels: () => RunLabels,
  ) {}

  /** The state the run goes back to, or null before the first snapshot. */
  get lastGoodState(): TrainerState | null {
    return this.lastGood;
  }

  /** A snapshot is due after this step: at an epoch end, every SNAPSHOT_INTERVAL_STEPS steps, or by time. */
  due(result: StepResult): boolean {
    return result.epochEnded || result.globalStep % SNAPSHOT_INTERVAL_STEPS === 0 || this.now() - this.lastSnapshotAt >= SNAPSHOT_INTERVAL_MS;
  }

  /** Keeps the trainer's state as the last good one and posts it, if it is finite; returns false when it is not. */
  async takeSnapshot(active: Trainer): Promise<boolean> {
    const state = await active.captureState();
    if (!stateIsFinite(state)) return false;
    this.lastGood = state;
    this.lastSnapshotAt = this.now();
    this.postSnapshot(active, state);
    return true;
  }

  /** The run's state between two steps, for a checkpoint the page writes (good or not: the page asked for it). */
  async capture(active: Trainer): Promise<void> {
    const state = await active.captureState();
    this.post({ type: 'captured', state, config: active.config, ...this.labels() });
  }

  /** A run taken over (from a dead worker, an autosave, a checkpoint): its state is the good one, under runId. */
  adopt(active: Trainer, state: TrainerState, runId: string | null): void {
    this.lastGood = state;
    this.runId = runId;
    this.postSnapshot(active, state);
  }

  /**
   * Puts the last good state back into the trainer and returns it. failure says what went wrong, for the error
   * thrown when there is no good state to go back to.
   */
  restoreLastGood(active: Trainer, failure: string): TrainerState {
    const state = this.lastGood;
    if (!state) throw new Error(`${failure} and there is no good state to go back to; reset.`);
    active.restoreState(state);
    return state;
  }

  /** The run is gone (reset, new data, new configuration): the page drops its copy when there was one. */
  forget(hadRun: boolean): void {
    this.lastGood = null;
    if (hadRun) this.post({ type: 'snapshot', runId: null, state: null, config: null, ...this.labels() });
    this.runId = null;
  }

  private postSnapshot(active: Trainer, state: TrainerState): void {
    this.runId ??= globalThis.crypto.randomUUID();
    const sent = transferableCopy(state);
    this.post({ type: 'snapshot', runId: this.runId, state: sent.state, config: active.config, ...this.labels() }, sent.transfer);
  }
}
