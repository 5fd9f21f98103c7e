/**
 * Progress and weight reports arrive up to ten times a second; the store (and so React and the charts) takes them
 * at most every VIEW_INTERVAL_MS, merged, so the main thread stays free. Everything else passes at once, after
 * what is pending here (eventRouting.ts calls flushIfPending first).
 */
import type { ProgressEvent, WeightReport } from '../protocol/messages';
import type { TimerHandle, Timers } from './timers';

export const VIEW_INTERVAL_MS = 250;

/** Where merged reports go: the store's actions in the page. */
export interface ViewSink {
  progress(event: ProgressEvent): void;
  weights(report: WeightReport): void;
}

export interface ViewThrottle {
  /** Keeps a progress event to apply, merged with the others, within VIEW_INTERVAL_MS. */
  addProgress(event: ProgressEvent): void;
  /** Keeps the newest weight report: within VIEW_INTERVAL_MS while training, else (an answer to the user) now. */
  addWeights(report: WeightReport, training: boolean): void;
  /** Applies everything pending now (before an event that must not overtake it). */
  flushIfPending(): void;
}

/** The newest progress, carrying the losses of all merged events. */
export function mergeProgress(events: ProgressEvent[]): ProgressEvent {
  const last = events[events.length - 1]!;
  if (events.length === 1) return last;
  const lossSteps = new Uint32Array(events.reduce((n, e) => n + e.lossSteps.length, 0));
  const losses = new Float32Array(lossSteps.length);
  const hasTwin = events.some((e) => e.twinLosses !== null);
  const twinLosses = hasTwin ? new Float32Array(lossSteps.length).fill(Number.NaN) : null;
  let offset = 0;
  for (const e of events) {
    lossSteps.set(e.lossSteps, offset);
    losses.set(e.losses, offset);
    if (twinLosses && e.twinLosses) twinLosses.set(e.twinLosses, offset);
    offset += e.lossSteps.length;
  }
  // Step times: the newest block's (what the rate is now).
  const timed = [...events].reverse().find((e) => e.stepMs !== null);
  return { ...last, lossSteps, losses, twinLosses, stepMs: timed?.stepMs ?? null, twinStepMs: timed?.twinStepMs ?? null };
}

export function createViewThrottle(timers: Timers, sink: ViewSink): ViewThrottle {
  const pending = { progress: [] as ProgressEvent[], weights: null as WeightReport | null, timer: null as TimerHandle | null };

  function applyProgress(): void {
    if (pending.progress.length === 0) return;
    const merged = mergeProgress(pending.progress);
    pending.progress = [];
    sink.progress(merged);
  }

  function applyWeights(): void {
    if (!pending.weights) return;
    const report = pending.weights;
    pending.weights = null;
    sink.weights(report);
  }

  /** zustand renders subscribers synchronously: progress and weights go in separate tasks to keep each short. */
  function flush(): void {
    pending.timer = null;
    if (pending.progress.length > 0) {
      applyProgress();
      if (pending.weights) pending.timer = timers.setTimeout(flush, 0);
      return;
    }
    applyWeights();
  }

  function schedule(): void {
    pending.timer ??= timers.setTimeout(flush, VIEW_INTERVAL_MS);
  }

  function flushNow(): void {
    if (pending.timer !== null) timers.clearTimeout(pending.timer);
    pending.timer = null;
    applyProgress();
    applyWeights();
  }

  return {
    addProgress(event) {
      pending.progress.push(event);
      schedule();
    },
    addWeights(report, training) {
      pending.weights = report;
      if (training) schedule();
      else flushNow();
    },
    flushIfPending() {
      if (pending.timer !== null) flushNow();
    },
  };
}
