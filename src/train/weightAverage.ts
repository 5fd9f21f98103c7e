/**
 * Weight averaging: an exponential moving average of the trainable variables (Polyak averaging, as TensorFlow's
 * ExponentialMovingAverage), which the model takes when the run ends. Late in a run the latent weights still jump
 * from batch to batch, and a ternary weight near ±Δ flips with them; their average sits where the run was heading.
 * The averages of batch norm's γ and β come with it; the moving statistics do not (they belong to other weights),
 * so the trainer recalibrates them afterwards.
 */
import * as tf from './tf';

export class WeightAverage {
  private readonly averages: tf.Variable[];

  /** variables: the model's trainable variables, in the optimizer's order; decay d in (0, 1). */
  constructor(
    private readonly variables: tf.Variable[],
    private readonly decay: number,
  ) {
    this.averages = tf.tidy(() => variables.map((v) => tf.variable(v.clone(), false)));
  }

  /**
   * After optimizer step `step` (1-based): avg ← d_t·avg + (1 − d_t)·w with d_t = min(d, (1 + step) / (10 + step)),
   * so that a short run's average is not mostly its random initial weights (0.999^2,000 is still 14 %).
   */
  update(step: number): void {
    const decay = Math.min(this.decay, (1 + step) / (10 + step));
    tf.tidy(() => this.averages.forEach((average, i) => average.assign(tf.add(tf.mul(average, decay), tf.mul(this.variables[i]!, 1 - decay)))));
  }

  /** The model's trainable variables become the averages. */
  applyToModel(): void {
    tf.tidy(() => this.variables.forEach((variable, i) => variable.assign(this.averages[i]!)));
  }

  async getState(): Promise<Float32Array[]> {
    return Promise.all(this.averages.map(async (average) => ((await average.data()) as Float32Array).slice()));
  }

  /** null (a state saved without averages): the averages start again from the variables as they are now. */
  setState(values: Float32Array[] | null): void {
    if (values && (values.length !== this.averages.length || values.some((v, i) => v.length !== this.averages[i]!.size))) {
      throw new Error('The saved weight averages do not fit this architecture.');
    }
    tf.tidy(() => this.averages.forEach((average, i) => average.assign(values ? tf.tensor(values[i]!, average.shape) : this.variables[i]!)));
  }

  dispose(): void {
    tf.dispose(this.averages);
  }
}
