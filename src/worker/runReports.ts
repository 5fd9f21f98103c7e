/**
 * What the page sees of a run step by step: batched progress (progressBatcher.ts) and the ternary weight views
 * (weightReports.ts), posted together so that forgetting a run's unreported steps also forgets its flip baseline.
 */
import type { PostEvent } from '../protocol/messages';
import type { Trainer } from '../train/trainer';
import { ProgressBatcher } from './progressBatcher';
import { WeightReporter } from './weightReports';

/** Weight views (trits, histograms) cost a readback of every weight: a few per second is plenty to watch. */
export const WEIGHT_REPORT_INTERVAL_MS = 400;

export class RunReports {
  readonly progress = new ProgressBatcher();
  private readonly weights = new WeightReporter();
  private lastWeightReportAt = 0;

  constructor(
    private readonly post: PostEvent,
    private readonly now: () => number,
  ) {}

  /** Reports everything recorded since the last progress event (learningRate: 0 outside a training step). */
  flushProgress(active: Trainer, learningRate: number): void {
    const { event, transfer } = this.progress.flush(active, learningRate, this.now());
    this.post(event, transfer);
  }

  /** Reports the steps not yet reported, if there are any (before saying 'paused'). */
  flushPending(active: Trainer | null): void {
    if (active && this.progress.hasPending) this.flushProgress(active, 0);
  }

  /** The weight views at the trainer's threshold; throws NonFiniteWeightsError when a weight is not finite. */
  async postWeights(active: Trainer): Promise<void> {
    this.lastWeightReportAt = this.now();
    const { report, transfer } = await this.weights.report(active);
    this.post({ type: 'weights', report }, transfer);
  }

  /** While training: the last weight report is WEIGHT_REPORT_INTERVAL_MS old. */
  weightsDue(): boolean {
    return this.now() - this.lastWeightReportAt >= WEIGHT_REPORT_INTERVAL_MS;
  }

  /** The run went elsewhere (restored, rebuilt, reset): its unreported losses and its flip baseline are gone. */
  forgetRun(): void {
    this.progress.clearLosses();
    this.weights.forget();
  }
}
