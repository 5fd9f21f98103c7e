/**
 * The float twin: the same network with weight quantization off, trained on the same batches one step after each
 * step of the run. It starts from the run's state (weights, Adam moments, epoch order, RNG), so the gap between the
 * two curves is what ternary weights cost. Its own divergence ends the twin, never the run.
 */
import type { InferenceSettings } from '../core/model/config';
import type { ImageSet, SplitDataset } from '../core/data/dataset';
import type { PostEvent } from '../protocol/messages';
import type { Teacher } from '../train/teacher';
import { Trainer } from '../train/trainer';

export class FloatTwin {
  private twin: Trainer | null = null;
  private enabled = false;

  constructor(
    private readonly post: PostEvent,
    private readonly now: () => number,
  ) {}

  /** The twin's trainer: null while it is off, or until the next step after a reset or restore re-creates it. */
  get trainer(): Trainer | null {
    return this.twin;
  }

  /** On: a twin starts at the run's next step. Off: the twin is dropped now. */
  setEnabled(on: boolean): void {
    this.enabled = on;
    if (!on) this.drop();
  }

  /** Starts the twin from the run's state when it is on and missing (first step, after a reset or restore). */
  async ensure(active: Trainer, dataset: SplitDataset): Promise<void> {
    if (!this.enabled || this.twin || active.finished) return;
    // The twin learns from the same teacher, so that the gap shows what ternary weights cost under distillation.
    const twin = new Trainer({ ...active.config, weightQuantizer: 'none' }, dataset, active.teacher);
    twin.restoreState(await active.captureState());
    this.twin = twin;
  }

  /** The run went elsewhere (reset, restore, divergence, lost GPU): the twin starts again from it at the next step. */
  drop(): void {
    const twin = this.twin;
    this.twin = null;
    twin?.dispose();
  }

  /**
   * The twin's step on the batch the run just took (globalStep: the run's step after it). loss is NaN when there is
   * no twin in step with the run, or when the twin diverged (it is then turned off and the page told why); ms is
   * null when it did not step.
   */
  async step(globalStep: number): Promise<{ loss: number; ms: number | null }> {
    const twin = this.twin;
    if (!twin || twin.finished || twin.globalStep !== globalStep - 1) return { loss: Number.NaN, ms: null };
    const started = this.now();
    const result = await twin.step();
    const ms = this.now() - started;
    if (!Number.isFinite(result.loss) || !result.weightsFinite) {
      this.drop();
      this.enabled = false;
      this.post({ type: 'float-twin-stopped', message: `The float twin diverged at step ${globalStep} and was turned off; the ternary run goes on.` });
      return { loss: Number.NaN, ms };
    }
    return { loss: result.loss, ms };
  }

  /** The twin's accuracy on `set`, or null without a twin. */
  async accuracy(set: ImageSet): Promise<number | null> {
    return this.twin ? (await this.twin.evaluate(set)).accuracy : null;
  }

  /** The run's inference settings, so the twin is evaluated as the run is (its weights have no threshold to use). */
  applyInferenceSettings(settings: Partial<InferenceSettings>): void {
    this.twin?.applyInferenceSettings(settings);
  }

  /** The teacher the twin learns from from its next step (the run's). */
  setTeacher(teacher: Teacher | null): void {
    if (this.twin) this.twin.teacher = teacher;
  }
}
