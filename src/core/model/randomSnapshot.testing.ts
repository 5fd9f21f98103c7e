/**
 * Trained-looking snapshots without training, for tests and benchmarks of the inference paths: weights He-scaled
 * (so activations neither vanish nor explode through the layers) and batch norm with spread statistics (so the
 * folded scales and biases differ per unit), from a seeded RNG.
 */
import type { Rng } from '../data/rng';
import type { WeightedLayerPlan } from './layers';
import type { LayerSnapshot } from './referenceModel';

/** One snapshot layer per planned layer: weights N(0, 2/K), biases N(0, 0.01²), batch norm drawn per unit. */
export function randomSnapshot(plan: readonly WeightedLayerPlan[], rng: Rng): LayerSnapshot[] {
  return plan.map((layer) => {
    const vector = (f: () => number) => Float32Array.from({ length: layer.outputSize }, f);
    return {
      inputSize: layer.inputSize,
      outputSize: layer.outputSize,
      conv: layer.conv,
      weights: layer.weights,
      weight: Float32Array.from({ length: layer.inputSize * layer.outputSize }, () => rng.normal() * Math.sqrt(2 / layer.inputSize)),
      bias: vector(() => rng.normal() * 0.01),
      batchNorm: { gamma: vector(() => 0.5 + rng.next()), beta: vector(() => rng.normal() * 0.1), mean: vector(() => rng.normal() * 0.05), variance: vector(() => 0.01 + rng.next() * 0.05) },
    };
  });
}

/** The planned layer with fixed weights ((i·37) mod 7) − 3, no bias, no batch norm: scores that depend on every input. */
export function fixedSnapshotLayer(layer: WeightedLayerPlan): LayerSnapshot {
  return {
    inputSize: layer.inputSize,
    outputSize: layer.outputSize,
    conv: layer.conv,
    weights: layer.weights,
    weight: Float32Array.from({ length: layer.inputSize * layer.outputSize }, (_, i) => ((i * 37) % 7) - 3),
    bias: new Float32Array(layer.outputSize),
    batchNorm: null,
  };
}
