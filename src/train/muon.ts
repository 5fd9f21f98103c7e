/**
 * Muon (K. Jordan et al., 2024, "Muon: An optimizer for hidden layers in neural networks") for the latent weight
 * matrices of the hidden layers, Adam for every other variable (the output layer, biases, batch norm), as Muon's
 * recipe prescribes. BitNetMCU measured +0.22 point on MNIST for a 4-bit 256-64-64-64-10 network with Muon on its
 * hidden layers against Adam, and none for its CNN.
 *
 * For a hidden weight W (K, N) with gradient G, each step:
 *   M = μ·M + G                      momentum (μ = 0.95), kept where Adam keeps its first moment
 *   U = G + μ·M                      Nesterov
 *   O = NewtonSchulz5(U)             ≈ the orthogonal factor of U's polar decomposition (all singular values → ~1)
 *   W = W − lr · 0.2·√max(K, N) · O
 * The factor 0.2·√max(K, N) gives the update the root-mean-square size of a typical Adam update (0.2·lr), as in
 * Moonshot AI's "Muon is scalable for LLM training" (2025): one learning rate, the config's, serves both rules.
 * Orthogonalizing costs about 15·min(K, N)²·max(K, N) multiply-adds per matrix and step (five iterations of three
 * products of that size and one min(K, N)³), independent of the batch.
 */
import { Adam } from './adam';
import * as tf from './tf';

/** The quintic iteration's coefficients (a, b, c), chosen by Jordan to push singular values into about [0.7, 1.2] fast. */
const NEWTON_SCHULZ = [3.4445, -4.775, 2.0315] as const;
export const NEWTON_SCHULZ_STEPS = 5;
const MOMENTUM = 0.95;
/** Update RMS matched to Adam's (Moonshot AI, 2025). */
const ADAM_RMS_MATCH = 0.2;

/**
 * Newton–Schulz orthogonalization of a (K, N) matrix G: X ← a·X + X·P with P = b·A + c·A², A = Xᵀ·X, started from
 * X = G / ‖G‖_F (so every singular value is ≤ 1); A is taken on the smaller side (X·Xᵀ and P·X when K < N).
 * tfjs-wasm multiplies with a transposed operand (matMul's transpose flags, or tf.transpose first) several times
 * slower than a plain operand (docs/experiments.md, 2026-11-29). So Xᵀ is carried along as Y and updated by the same
 * rule from the other side (P is symmetric), at the price of one transpose of G per call.
 */
export function orthogonalize(g: tf.Tensor2D, steps = NEWTON_SCHULZ_STEPS): tf.Tensor2D {
  const [a, b, c] = NEWTON_SCHULZ;
  return tf.tidy(() => {
    const wide = g.shape[0] <= g.shape[1];
    const norm = tf.add(tf.sqrt(tf.sum(tf.square(g))), 1e-7); // ‖G‖_F; tf.norm goes through a slow Pow on WASM
    let x = tf.div<tf.Tensor2D>(g, norm);
    let y = tf.transpose(x);
    for (let i = 0; i < steps; i++) {
      const gram = wide ? tf.matMul(x, y) : tf.matMul(y, x); // (r, r), r = min(K, N)
      const polynomial = tf.add(tf.mul(gram, b), tf.mul(tf.matMul(gram, gram), c));
      const nextX = tf.add<tf.Tensor2D>(tf.mul(x, a), wide ? tf.matMul(polynomial, x) : tf.matMul(x, polynomial));
      // The last iteration's Xᵀ would never be read: skip its product.
      if (i < steps - 1) y = tf.add<tf.Tensor2D>(tf.mul(y, a), wide ? tf.matMul(y, polynomial) : tf.matMul(polynomial, y));
      x = nextX;
    }
    return x;
  });
}

export class Muon extends Adam {
  private readonly orthogonalized: boolean[];

  /** variables: every trainable variable, in model order; matrices: those Muon updates (2-D hidden weights). */
  constructor(variables: tf.Variable[], matrices: readonly tf.Variable[]) {
    super(variables);
    const names = new Set(matrices.map((matrix) => matrix.name));
    this.orthogonalized = variables.map((variable) => names.has(variable.name) && variable.rank === 2);
  }

  protected override update(i: number, grad: tf.Tensor, learningRate: number): void {
    if (!this.orthogonalized[i]) {
      super.update(i, grad, learningRate);
      return;
    }
    const variable = this.variables[i]!;
    const momentum = this.firstMoments[i]!;
    momentum.assign(tf.add(tf.mul(momentum, MOMENTUM), grad));
    const nesterov = tf.add(grad, tf.mul(momentum, MOMENTUM)) as tf.Tensor2D;
    const [rows, columns] = nesterov.shape;
    const step = learningRate * ADAM_RMS_MATCH * Math.sqrt(Math.max(rows, columns));
    variable.assign(tf.sub(variable, tf.mul(orthogonalize(nesterov), step)));
  }
}
