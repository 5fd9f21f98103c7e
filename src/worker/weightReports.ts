/**
 * Builds the ternary views of a trainer's latent weights (core/model/weightStats.ts does the math) and the
 * accuracy-versus-sparsity sweep. Runs in the worker, so the UI thread only paints.
 */
import { countTrits, sparsity, type WeightQuantizer } from '../core/quant/ternary';
import { quantizeLayer } from '../core/quant/weightFormats';
import { layerWeightStats, overallFlipRatio, overallSparsity } from '../core/model/weightStats';
import type { SweepPoint, WeightReport } from '../protocol/messages';
import type { Trainer } from '../train/trainer';

/** The quantizer the views show; the float twin has none, so they show what TWN would make of its weights. */
export function viewQuantizer(trainer: Trainer): WeightQuantizer {
  return trainer.config.weightQuantizer === 'none' ? 'twn' : trainer.config.weightQuantizer;
}

/** The latent weights hold NaN or ±Infinity: training diverged. */
export class NonFiniteWeightsError extends Error {
  constructor() {
    super('a weight became non-finite');
    this.name = 'NonFiniteWeightsError';
  }
}

export class WeightReporter {
  private previousCodes: Int8Array[] | null = null;

  forget(): void {
    this.previousCodes = null;
  }

  /** The report plus the buffers to transfer (copies: the reporter keeps its own codes for the flip ratio). */
  /** At the trainer's threshold (its config holds it). */
  async report(trainer: Trainer): Promise<{ report: WeightReport; transfer: ArrayBuffer[] }> {
    const threshold = trainer.config.threshold;
    const snapshot = await trainer.model.snapshot();
    // Checked here, on the CPU, because a GPU reduction may not propagate NaN (WGSL leaves it to the implementation).
    if (snapshot.some((layer) => !layer.weight.every(Number.isFinite) || !layer.bias.every(Number.isFinite))) {
      throw new NonFiniteWeightsError();
    }
    const quantizer = viewQuantizer(trainer);
    const layers = snapshot.map((layer) =>
      layerWeightStats(layer.weight, {
        inputSize: layer.inputSize,
        outputSize: layer.outputSize,
        quantizer,
        t: threshold,
        granularity: trainer.config.weightScale,
        conv: layer.conv ?? null,
        weights: layer.weights,
      }),
    );
    const codes = layers.map((layer) => layer.codes);
    const flipRatio = overallFlipRatio(this.previousCodes, codes);
    this.previousCodes = codes.map((c) => c.slice());
    const report: WeightReport = {
      globalStep: trainer.globalStep,
      threshold,
      quantizer,
      layers,
      sparsity: overallSparsity(layers),
      flipRatio,
    };
    return {
      report,
      transfer: layers.flatMap((layer) => [layer.codes.buffer as ArrayBuffer, layer.histogram.counts.buffer as ArrayBuffer]),
    };
  }
}

/** t = 0, 0.1, …, 2.0 */
const SWEEP_THRESHOLDS = Array.from({ length: 21 }, (_, i) => i / 10);

/**
 * Post-training re-quantization: for each t, quantize the trained latent weights, measure sparsity and validation
 * accuracy; the model goes back to the trainer's own threshold (its config) afterwards. Thresholds span 0..2 in
 * steps of 0.1.
 */
export async function sweepThreshold(trainer: Trainer, evaluate: () => Promise<number>): Promise<SweepPoint[]> {
  const snapshot = await trainer.model.snapshot();
  const quantizer = viewQuantizer(trainer);
  const points: SweepPoint[] = [];
  try {
    for (const threshold of SWEEP_THRESHOLDS) {
      trainer.model.setThreshold(threshold);
      const counts = snapshot
        // An int4/int8 layer's codes do not depend on t: its zeros count the same at every threshold.
        .map((layer) => countTrits(quantizeLayer(layer.weight, layer.inputSize, layer.outputSize, layer.weights ?? 'ternary', quantizer, threshold, trainer.config.weightScale).codes))
        .reduce((a, b) => ({ minus: a.minus + b.minus, zero: a.zero + b.zero, plus: a.plus + b.plus }));
      points.push({ threshold, sparsity: sparsity(counts), accuracy: await evaluate() });
    }
  } finally {
    trainer.model.setThreshold(trainer.config.threshold);
  }
  return points;
}
