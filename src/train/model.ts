/**
 * The ternary network trained with quantization-aware training, as explicit tf.Variables (no tfjs-layers), so
 * that every quantizer is visible and the latent weights can be read out for the views and the GPU kernels. It
 * walks the config's layer list through core/model/layers.ts networkPlan: conv and dense layers, the output layer last.
 *
 * Weighted layer i, with latent W_i (K_i, N_i) (a conv layer's (kh·kw·C_in, C_out) matrix, HWIO order):
 *   q = actQuant_i(a)                      input: 8-bit absmax unless activations are float; hidden: the config's;
 *                                          per example over all its values (a whole feature map for conv)
 *   dense: z = q · Wq_i + b_i              (B, K) -> (B, N);  Wq_i = scale_i·trits(W_i), or scale_i·codes(W_i) for
 *                                          a layer in an integer weight format (core/quant/weightFormats.ts)
 *   conv:  z = conv2d(q, Wq_i) + b_i       (B, H, W, C_in) -> (B, H', W', N), Wq_i seen as (kh, kw, C_in, N)
 *   hidden layers: z = BN(z); a = act(z)   batch norm per unit or channel: batch statistics while training
 *                  then, for a conv layer with a pool, a = maxpool(a); before the first dense layer, flatten
 *   output layer: logits = BN(z) when outputNorm (a per-class scale and shift, which a ternary output layer
 *                 with one shared scale cannot learn otherwise)
 * The float twin (weightQuantizer 'none') is the same network with Wq_i = W_i.
 */
import * as tf from './tf';
import type { ModelConfig } from '../core/model/config';
import { BATCH_NORM_EPSILON, type LayerSnapshot } from '../core/model/referenceModel';
import { networkPlan, type MapShape, type WeightedLayerPlan } from '../core/model/layers';
import type { Rng } from '../core/data/rng';
import { trainableConv2d } from './conv';
import { absmax8Ste, integerWeightSte, signSte, ternaryWeightSte } from './quantizers';

const BN_MOMENTUM = 0.9;
const BN_EPSILON = BATCH_NORM_EPSILON;

interface BatchNormParams {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVariance: tf.Variable;
}

interface LayerParams {
  /** (in, out) latent float weights. */
  weight: tf.Variable;
  /** (out) */
  bias: tf.Variable;
  batchNorm: BatchNormParams | null;
}

/** A variable whose initial-value tensor is disposed (tidy never disposes variables; they keep the data). */
function variable(initialValue: () => tf.Tensor, trainable: boolean): tf.Variable {
  return tf.tidy(() => tf.variable(initialValue(), trainable));
}

export class TernaryNetwork {
  readonly plan: WeightedLayerPlan[];
  private readonly layers: LayerParams[];
  /** Threshold factor t as a scalar tensor, an input of the weight quantizer (see quantizers.ts). */
  private threshold: tf.Scalar;
  /** While recalibrating: per batch-norm layer, Σ over examples of the batch mean and mean square, (N) each. */
  private calibration: Map<BatchNormParams, { sum: tf.Tensor; sumOfSquares: tf.Tensor; count: number }> | null = null;

  constructor(
    readonly config: ModelConfig,
    readonly input: MapShape,
    outputSize: number,
    rng: Rng,
  ) {
    this.plan = networkPlan(config.layers, input, outputSize, config.outputWeights);
    this.threshold = tf.keep(tf.scalar(config.threshold));
    this.layers = [];
    for (const plan of this.plan) {
      const fanIn = plan.inputSize;
      const fanOut = plan.outputSize;
      // He-normal init from the seeded RNG, so a seed reproduces the run on any backend.
      const std = Math.sqrt(2 / fanIn);
      const init = new Float32Array(fanIn * fanOut);
      for (let k = 0; k < init.length; k++) init[k] = rng.normal() * std;
      const isHidden = !plan.isOutput;
      this.layers.push({
        weight: variable(() => tf.tensor2d(init, [fanIn, fanOut]), true),
        bias: variable(() => tf.zeros([fanOut]), true),
        batchNorm:
          (isHidden ? config.norm === 'batchnorm' : config.outputNorm)
            ? {
                gamma: variable(() => tf.ones([fanOut]), true),
                beta: variable(() => tf.zeros([fanOut]), true),
                movingMean: variable(() => tf.zeros([fanOut]), false),
                movingVariance: variable(() => tf.ones([fanOut]), false),
              }
            : null,
      });
    }
  }

  setThreshold(t: number): void {
    this.threshold.dispose();
    this.threshold = tf.keep(tf.scalar(t));
  }

  trainableVariables(): tf.Variable[] {
    return this.layers.flatMap((layer) => [
      layer.weight,
      layer.bias,
      ...(layer.batchNorm ? [layer.batchNorm.gamma, layer.batchNorm.beta] : []),
    ]);
  }

  /** The latent weight matrices (K, N) of the hidden layers: what Muon updates (src/train/muon.ts). */
  hiddenWeightMatrices(): tf.Variable[] {
    return this.layers.filter((_, i) => !this.plan[i]!.isOutput).map((layer) => layer.weight);
  }

  /** Every variable the model's state consists of: trainable ones and the batch-norm moving statistics. */
  stateVariables(): tf.Variable[] {
    return this.layers.flatMap((layer) => [
      layer.weight,
      layer.bias,
      ...(layer.batchNorm ? [layer.batchNorm.gamma, layer.batchNorm.beta, layer.batchNorm.movingMean, layer.batchNorm.movingVariance] : []),
    ]);
  }

  /** Fault injection for tests (?fault=nan): a non-finite value enters the first layer's weights. */
  poisonWeights(): void {
    const weight = this.layers[0]!.weight;
    tf.tidy(() => weight.assign(tf.mul(weight, tf.scalar(Number.NaN))));
  }

  /** The weights the forward pass multiplies with: (in, out). */
  effectiveWeight(layerIndex: number): tf.Tensor2D {
    const weight = this.layers[layerIndex]!.weight;
    if (this.config.weightQuantizer === 'none') return weight as tf.Tensor2D;
    const format = this.plan[layerIndex]!.weights;
    if (format !== 'ternary') return integerWeightSte(weight, format, this.config.steClip, this.config.weightScale) as tf.Tensor2D;
    return ternaryWeightSte(weight, this.threshold, this.config.weightQuantizer, this.config.steClip, this.config.weightScale) as tf.Tensor2D;
  }

  /**
   * x: (batch, H·W·C) pixels scaled to [0, 1] (a flattened NHWC image) -> logits (batch, classes). `training`
   * selects batch statistics and updates the moving ones. Call inside tf.tidy (or variableGrads).
   */
  forward(x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const batch = x.shape[0];
    let activation: tf.Tensor = this.plan[0]?.conv ? tf.reshape(x, [batch, this.input.height, this.input.width, this.input.channels]) : x;
    this.layers.forEach((layer, i) => {
      const plan = this.plan[i]!;
      const quantizedInput = this.quantizeInput(activation, i);
      let z: tf.Tensor;
      if (plan.conv) {
        const { kernel, input } = plan.conv;
        const filter = tf.reshape(this.effectiveWeight(i), [kernel, kernel, input.channels, plan.outputSize]) as tf.Tensor4D;
        z = tf.add(trainableConv2d(quantizedInput as tf.Tensor4D, filter, plan.conv), layer.bias);
      } else {
        z = tf.add(tf.matMul(quantizedInput as tf.Tensor2D, this.effectiveWeight(i)), layer.bias);
      }
      if (plan.isOutput) {
        activation = layer.batchNorm ? this.batchNorm(z, layer.batchNorm, training) : z;
        return;
      }
      if (layer.batchNorm) z = this.batchNorm(z, layer.batchNorm, training);
      activation = this.config.hiddenActivation === 'relu' ? tf.relu(z) : z;
      if (plan.conv?.pool) activation = tf.maxPool(activation as tf.Tensor4D, plan.conv.pool, plan.conv.pool, 'valid');
      if (plan.conv && !this.plan[i + 1]?.conv) activation = tf.reshape(activation, [batch, -1]);
    });
    return activation as tf.Tensor2D;
  }

  /** a: (B, K) or (B, H, W, C); quantized per example over all its values. */
  private quantizeInput(a: tf.Tensor, layerIndex: number): tf.Tensor {
    const quantizer = this.config.activationQuantizer;
    if (quantizer === 'none') return a;
    if (layerIndex === 0 || quantizer === 'absmax8') {
      if (a.rank === 2) return absmax8Ste(a as tf.Tensor2D);
      return tf.reshape(absmax8Ste(tf.reshape(a, [a.shape[0]!, -1])), a.shape);
    }
    return signSte(a);
  }

  /** z: (B, N) or (B, H, W, N); statistics per unit or channel (over every axis but the last). */
  private batchNorm(z: tf.Tensor, params: BatchNormParams, training: boolean): tf.Tensor {
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (training) {
      const moments = tf.moments(z, z.rank === 4 ? [0, 1, 2] : 0);
      mean = moments.mean;
      variance = moments.variance;
      if (this.calibration) {
        this.accumulateCalibration(params, mean, variance, z.size / mean.size);
        return tf.batchNorm(z, mean, variance, params.beta, params.gamma, BN_EPSILON);
      }
      // Moving statistics are bookkeeping, not part of the loss: update them from stopped-gradient copies.
      const batchMean = tf.tidy(() => tf.clone(mean));
      const batchVariance = tf.tidy(() => tf.clone(variance));
      params.movingMean.assign(tf.add(tf.mul(params.movingMean, BN_MOMENTUM), tf.mul(batchMean, 1 - BN_MOMENTUM)));
      params.movingVariance.assign(
        tf.add(tf.mul(params.movingVariance, BN_MOMENTUM), tf.mul(batchVariance, 1 - BN_MOMENTUM)),
      );
    } else {
      mean = params.movingMean;
      variance = params.movingVariance;
    }
    if (training && z.rank === 4) {
      // tf.batchNorm's gradient tiles its (N) parameters to z's full (B, H, W, N) shape several times (73 of 380
      // ms of a cnn step on WASM); broadcasting arithmetic has gradients that are plain sums.
      const gain = tf.mul(params.gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)));
      return tf.add(tf.mul(tf.sub(z, mean), gain), params.beta);
    }
    return tf.batchNorm(z, mean, variance, params.beta, params.gamma, BN_EPSILON);
  }

  private accumulateCalibration(params: BatchNormParams, mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    const previous = this.calibration!.get(params);
    const sum = tf.keep(tf.tidy(() => tf.mul(mean, count)));
    const sumOfSquares = tf.keep(tf.tidy(() => tf.mul(tf.add(variance, tf.square(mean)), count)));
    if (!previous) {
      this.calibration!.set(params, { sum, sumOfSquares, count });
      return;
    }
    this.calibration!.set(params, {
      sum: tf.keep(tf.add(previous.sum, sum)),
      sumOfSquares: tf.keep(tf.add(previous.sumOfSquares, sumOfSquares)),
      count: previous.count + count,
    });
    tf.dispose([previous.sum, previous.sumOfSquares, sum, sumOfSquares]);
  }

  get hasBatchNorm(): boolean {
    return this.layers.some((layer) => layer.batchNorm !== null);
  }

  /**
   * Replaces every batch-norm layer's moving statistics by population statistics over `batches` (x: (B, K0)),
   * "precise BN" (Wu & Johnson 2021): each batch runs in training mode, so layer l normalizes with the batch's
   * own statistics, and the means and mean squares of all batches are pooled per unit or channel. The moving
   * averages follow the last few dozen batches of a model that was still changing, and of augmented images.
   * Awaits between batches, so a worker stays responsive (a heartbeat is answered) on synchronous backends.
   */
  async recalibrateBatchNorm(batches: Iterable<tf.Tensor2D>): Promise<void> {
    this.calibration = new Map();
    try {
      for (const x of batches) {
        tf.tidy(() => void this.forward(x, true));
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      for (const [params, { sum, sumOfSquares, count }] of this.calibration) {
        tf.tidy(() => {
          const mean = tf.div(sum, count);
          params.movingMean.assign(mean);
          // E[z²] − E[z]², clamped at 0 against rounding.
          params.movingVariance.assign(tf.relu(tf.sub(tf.div(sumOfSquares, count), tf.square(mean))));
        });
      }
    } finally {
      for (const { sum, sumOfSquares } of this.calibration.values()) tf.dispose([sum, sumOfSquares]);
      this.calibration = null;
    }
  }

  async snapshot(): Promise<LayerSnapshot[]> {
    return Promise.all(
      this.layers.map(async (layer, i) => ({
        inputSize: this.plan[i]!.inputSize,
        outputSize: this.plan[i]!.outputSize,
        conv: this.plan[i]!.conv,
        weights: this.plan[i]!.weights,
        weight: (await layer.weight.data()) as Float32Array,
        bias: (await layer.bias.data()) as Float32Array,
        batchNorm: layer.batchNorm
          ? {
              gamma: (await layer.batchNorm.gamma.data()) as Float32Array,
              beta: (await layer.batchNorm.beta.data()) as Float32Array,
              mean: (await layer.batchNorm.movingMean.data()) as Float32Array,
              variance: (await layer.batchNorm.movingVariance.data()) as Float32Array,
            }
          : null,
      })),
    );
  }

  dispose(): void {
    this.threshold.dispose();
    for (const layer of this.layers) {
      layer.weight.dispose();
      layer.bias.dispose();
      if (layer.batchNorm) Object.values(layer.batchNorm).forEach((v: tf.Variable) => v.dispose());
    }
  }
}
