/**
 * Adam (Kingma & Ba) over an explicit variable list, with the learning rate passed per step so that schedules
 * need no access to tfjs optimizer internals.
 */
import type { OptimizerState } from '../core/run/trainerState';
import * as tf from './tf';

export class Adam {
  protected readonly firstMoments: tf.Variable[];
  protected readonly secondMoments: tf.Variable[];
  protected step = 0;

  constructor(
    protected readonly variables: tf.Variable[],
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7,
  ) {
    // tidy disposes the zerosLike initial values; the variables keep their data.
    this.firstMoments = tf.tidy(() => variables.map((v) => tf.variable(tf.zerosLike(v), false)));
    this.secondMoments = tf.tidy(() => variables.map((v) => tf.variable(tf.zerosLike(v), false)));
  }

  /** grads: keyed by variable name, as tf.variableGrads returns them. */
  apply(grads: tf.NamedTensorMap, learningRate: number): void {
    this.step++;
    tf.tidy(() => {
      this.variables.forEach((variable, i) => {
        const grad = grads[variable.name];
        if (grad) this.update(i, grad, learningRate);
      });
    });
  }

  /** Adam's step for variable i (inside apply's tidy); subclasses give some variables another rule. */
  protected update(i: number, grad: tf.Tensor, learningRate: number): void {
    const variable = this.variables[i]!;
    const m = this.firstMoments[i]!;
    const v = this.secondMoments[i]!;
    m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(grad, 1 - this.beta1)));
    v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(grad), 1 - this.beta2)));
    const update = tf.div(
      tf.mul(m, learningRate / (1 - this.beta1 ** this.step)),
      tf.add(tf.sqrt(tf.div(v, 1 - this.beta2 ** this.step)), this.epsilon),
    );
    variable.assign(tf.sub(variable, update));
  }

  /** Moments and step count, copied off the device. */
  async getState(): Promise<OptimizerState> {
    return {
      step: this.step,
      firstMoments: await Promise.all(this.firstMoments.map(async (m) => (await m.data()) as Float32Array)),
      secondMoments: await Promise.all(this.secondMoments.map(async (v) => (await v.data()) as Float32Array)),
    };
  }

  setState(state: OptimizerState): void {
    this.step = state.step;
    tf.tidy(() => {
      this.firstMoments.forEach((m, i) => m.assign(tf.tensor(state.firstMoments[i]!, m.shape)));
      this.secondMoments.forEach((v, i) => v.assign(tf.tensor(state.secondMoments[i]!, v.shape)));
    });
  }

  dispose(): void {
    [...this.firstMoments, ...this.secondMoments].forEach((v) => v.dispose());
  }
}
