/**
 * Progress batching: the losses and step times of the steps since the last 'progress' event, posted together (a
 * few times a second, and at validations, pauses, restores) rather than one message per step. The float twin's
 * losses ride along, aligned with the run's steps. It holds numbers only; the session decides when to flush.
 */
import type { ProgressEvent } from '../protocol/messages';
import type { Trainer } from '../train/trainer';

/** While training, a progress event at most this often (validations and pauses flush at once). */
export const PROGRESS_INTERVAL_MS = 100;

/** Where the run stands, as a progress event reports it. */
export type RunPosition = Pick<Trainer, 'epoch' | 'stepInEpoch' | 'stepsPerEpoch' | 'globalStep' | 'totalSteps'>;

export class ProgressBatcher {
  private lossSteps: number[] = [];
  private losses: number[] = [];
  /** The twin's loss at each of those steps (NaN where it did not step); empty until a twin has stepped. */
  private twinLosses: number[] = [];
  private slowestStepMs = 0;
  /** Milliseconds of the steps since the last progress event, of the run and of its twin (the step rates). */
  private stepMsSum = 0;
  private twinStepMsSum = 0;
  private stepsTimed = 0;
  private lastFlushAt = 0;

  /** Steps are waiting to be reported. */
  get hasPending(): boolean {
    return this.losses.length > 0;
  }

  /** Every step's time counts toward the slowest, a diverged one included: the page's heartbeat allows for it. */
  noteStepTime(ms: number): void {
    this.slowestStepMs = Math.max(this.slowestStepMs, ms);
  }

  /** Time the twin took for its step (also when that step diverged). */
  noteTwinTime(ms: number): void {
    this.twinStepMsSum += ms;
  }

  /**
   * A finite step of the run, with the twin's loss at the same step (NaN when it did not step). twinPresent: a twin
   * runs alongside, so its losses are kept from this step on even if none were before.
   */
  record(globalStep: number, loss: number, stepMs: number, twinLoss: number, twinPresent: boolean): void {
    this.stepMsSum += stepMs;
    this.stepsTimed++;
    this.lossSteps.push(globalStep);
    this.losses.push(loss);
    if (twinPresent || this.twinLosses.length > 0) {
      // Keep the twin's losses aligned with the run's steps (NaN for steps it did not take).
      while (this.twinLosses.length < this.losses.length - 1) this.twinLosses.push(Number.NaN);
      this.twinLosses.push(twinLoss);
    }
  }

  /** The last flush was at least PROGRESS_INTERVAL_MS ago. */
  due(now: number): boolean {
    return now - this.lastFlushAt >= PROGRESS_INTERVAL_MS;
  }

  /**
   * Forgets the losses not yet reported, the run's and the twin's together: the steps they belong to are gone (the
   * run went back to a snapshot, or a new trainer starts).
   */
  clearLosses(): void {
    this.lossSteps = [];
    this.losses = [];
    this.twinLosses = [];
  }

  /** The progress event of everything recorded since the last one (possibly no step), and its buffers to transfer. */
  flush(position: RunPosition, learningRate: number, now: number): { event: ProgressEvent; transfer: ArrayBuffer[] } {
    const lossSteps = Uint32Array.from(this.lossSteps);
    const losses = Float32Array.from(this.losses);
    const twinLosses = this.twinLosses.length > 0 ? Float32Array.from(this.twinLosses) : null;
    const stepMs = this.stepsTimed > 0 ? this.stepMsSum / this.stepsTimed : null;
    const twinStepMs = this.stepsTimed > 0 && twinLosses ? this.twinStepMsSum / this.stepsTimed : null;
    const event: ProgressEvent = {
      type: 'progress',
      epoch: position.epoch,
      stepInEpoch: position.stepInEpoch,
      stepsPerEpoch: position.stepsPerEpoch,
      globalStep: position.globalStep,
      totalSteps: position.totalSteps,
      learningRate,
      slowestStepMs: this.slowestStepMs,
      lossSteps,
      losses,
      twinLosses,
      stepMs,
      twinStepMs,
    };
    this.clearLosses();
    this.stepMsSum = 0;
    this.twinStepMsSum = 0;
    this.stepsTimed = 0;
    this.slowestStepMs = 0;
    this.lastFlushAt = now;
    return { event, transfer: twinLosses ? [lossSteps.buffer, losses.buffer, twinLosses.buffer] : [lossSteps.buffer, losses.buffer] };
  }
}
