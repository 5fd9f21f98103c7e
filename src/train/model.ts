/**
 * The ternary MLP trained with quantization-aware training, as explicit tf.Variables (no tfjs-layers), so that
 * every quantizer is visible and the latent weights can be read out for the views and the GPU kernels.
 *
 * Layer i maps a (batch, in_i) activation to (batch, out_i):
 *   q = actQuant_i(a)                      input: 8-bit absmax unless activations are float; hidden: the config's
 *   z = q · Wq_i + b_i                     Wq_i = scale_i·trits(W_i), W_i latent (in_i, out_i)
 *   hidden layers: z = BN(z); a = act(z)      batch norm: batch statistics while training, moving ones after
 *   output layer: logits = BN(z) when outputNorm (a per-class scale and shift, which a ternary output layer
 *                 with one shared scale cannot learn otherwise)
 * The float twin (weightQuantizer 'none') is the same network with Wq_i = W_i.
 */
import * as tf from './tf';
import { layerSizes, type ModelConfig } from '../core/config';
import { BATCH_NORM_EPSILON, type LayerSnapshot } from '../core/inference';
import type { Rng } from '../core/rng';
import { absmax8Ste, signSte, ternaryWeightSte } from './quantizers';

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

export class TernaryMlp {
  readonly sizes: number[];
  private readonly layers: LayerParams[];
  /** Threshold factor t as a scalar tensor, an input of the weight quantizer (see quantizers.ts). */
  private threshold: tf.Scalar;

  constructor(
    readonly config: ModelConfig,
    inputSize: number,
    outputSize: number,
    rng: Rng,
  ) {
    this.sizes = layerSizes(config, inputSize, outputSize);
    this.threshold = tf.keep(tf.scalar(config.threshold));
    this.layers = [];
    for (let i = 0; i + 1 < this.sizes.length; i++) {
      const fanIn = this.sizes[i]!;
      const fanOut = this.sizes[i + 1]!;
      // He-normal init from the seeded RNG, so a seed reproduces the run on any backend.
      const std = Math.sqrt(2 / fanIn);
      const init = new Float32Array(fanIn * fanOut);
      for (let k = 0; k < init.length; k++) init[k] = rng.normal() * std;
      const isHidden = i + 2 < this.sizes.length;
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
    return ternaryWeightSte(weight, this.threshold, this.config.weightQuantizer, this.config.steClip) as tf.Tensor2D;
  }

  /**
   * x: (batch, 784) pixels scaled to [0, 1] -> logits (batch, 10). `training` selects batch statistics and
   * updates the moving ones. Call inside tf.tidy (or variableGrads).
   */
  forward(x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    let activation: tf.Tensor2D = x;
    this.layers.forEach((layer, i) => {
      const isHidden = i + 1 < this.layers.length;
      const quantizedInput = this.quantizeInput(activation, i);
      let z = tf.add(tf.matMul(quantizedInput, this.effectiveWeight(i)), layer.bias) as tf.Tensor2D;
      if (!isHidden) {
        activation = layer.batchNorm ? this.batchNorm(z, layer.batchNorm, training) : z;
        return;
      }
      if (layer.batchNorm) z = this.batchNorm(z, layer.batchNorm, training);
      activation = this.config.hiddenActivation === 'relu' ? tf.relu(z) : z;
    });
    return activation;
  }

  private quantizeInput(a: tf.Tensor2D, layerIndex: number): tf.Tensor2D {
    const quantizer = this.config.activationQuantizer;
    if (quantizer === 'none') return a;
    if (layerIndex === 0 || quantizer === 'absmax8') return absmax8Ste(a);
    return signSte(a) as tf.Tensor2D;
  }

  private batchNorm(z: tf.Tensor2D, params: BatchNormParams, training: boolean): tf.Tensor2D {
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (training) {
      const moments = tf.moments(z, 0);
      mean = moments.mean;
      variance = moments.variance;
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
    return tf.batchNorm(z, mean, variance, params.beta, params.gamma, BN_EPSILON) as tf.Tensor2D;
  }

  async snapshot(): Promise<LayerSnapshot[]> {
    return Promise.all(
      this.layers.map(async (layer, i) => ({
        inputSize: this.sizes[i]!,
        outputSize: this.sizes[i + 1]!,
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
