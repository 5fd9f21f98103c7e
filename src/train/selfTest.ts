/**
 * A quick check that a GPU backend computes quantization-aware gradients the way the CPU backend does, run before
 * training on WebGPU: a driver or shader-compiler bug shows up here as a disagreement, and the worker falls back
 * to the next backend instead of training on wrong numbers.
 */
import { createRng } from '../core/data/rng';
import { absmax8Ste, signSte, ternaryWeightSte } from './quantizers';
import * as tf from './tf';

const BATCH = 16;
const IN = 64;
const HIDDEN = 32;
const OUT = 10;

/**
 * Gradients of two small ternary layers' losses w.r.t. their latent weights, flattened. Inputs keep clear of the
 * quantizers' discontinuities (sign at 0, its STE window at ±1), where rounding differences between backends
 * would flip a value and make an honest backend look wrong.
 */
async function gradientOnCurrentBackend(): Promise<Float32Array> {
  const rng = createRng(7);
  const fill = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * scale);
  const labels = Int32Array.from({ length: BATCH }, () => rng.int(OUT));
  const x = fill(BATCH * IN, 1);
  // Hidden inputs at ±0.5 or ±1.5 (plus small noise): sign() and its STE mask are unambiguous there.
  const hidden = Float32Array.from({ length: BATCH * HIDDEN }, () => (rng.int(2) ? 1 : -1) * (rng.int(2) ? 0.5 : 1.5) + rng.normal() * 0.05);
  const w1 = fill(IN * HIDDEN, 0.2);
  const w2 = fill(HIDDEN * OUT, 0.2);
  const gradient = tf.tidy(() => {
    const xT = tf.tensor2d(x, [BATCH, IN]);
    const y = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), OUT), 'float32');
    const t = tf.scalar(0.7);
    const hiddenT = tf.tensor2d(hidden, [BATCH, HIDDEN]);
    const loss = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => {
      // Layer 1: 8-bit activations × ternary weights; its (BATCH, HIDDEN) output is scored against fixed targets.
      const h = tf.matMul(absmax8Ste(xT), ternaryWeightSte(a, t, 'twn', 1) as tf.Tensor2D);
      const layer1Loss = tf.mean(tf.square(tf.sub(tf.div(h, 8), hiddenT)));
      // Layer 2: binary activations × ternary weights -> logits.
      const logits = tf.matMul(signSte(hiddenT) as tf.Tensor2D, ternaryWeightSte(b, t, 'twn', 1) as tf.Tensor2D);
      return tf.add(layer1Loss, tf.losses.softmaxCrossEntropy(y, logits)) as tf.Scalar;
    };
    const [g1, g2] = tf.grads(loss)([tf.tensor2d(w1, [IN, HIDDEN]), tf.tensor2d(w2, [HIDDEN, OUT])]);
    return tf.concat([tf.reshape(g1!, [-1]), tf.reshape(g2!, [-1])]);
  });
  // Asynchronous read: dataSync() on WebGPU can return zeros instead of the result.
  const values = (await gradient.data()) as Float32Array;
  gradient.dispose();
  return values;
}

export interface SelfTestResult {
  ok: boolean;
  maxDifference: number;
}

/** Compares the gradient on `backend` (currently active) with the CPU backend's; restores `backend` after. */
export async function gradientSelfTest(backend: string, tolerance = 1e-3): Promise<SelfTestResult> {
  const onBackend = await gradientOnCurrentBackend();
  await tf.setBackend('cpu');
  const onCpu = await gradientOnCurrentBackend();
  await tf.setBackend(backend);
  let maxDifference = 0;
  let maxMagnitude = 0;
  for (let i = 0; i < onCpu.length; i++) {
    const difference = Math.abs(onBackend[i]! - onCpu[i]!);
    maxDifference = Number.isNaN(difference) ? Infinity : Math.max(maxDifference, difference);
    maxMagnitude = Math.max(maxMagnitude, Math.abs(onCpu[i]!));
  }
  return { ok: maxDifference <= tolerance * Math.max(1, maxMagnitude), maxDifference };
}
