/**
 * Size and cost of one inference of a ternary MLP, from its layer shapes and zero counts: what storing the
 * weights costs in each format, and how many operations a forward pass needs as float multiply-accumulates
 * versus ternary additions/subtractions (zeros skipped); a conv layer counts its matrix once per output position.
 * Weights only: biases and folded scales stay float32
 * and are listed apart.
 */
export interface LayerShape {
  inputSize: number;
  outputSize: number;
  /** Output positions a conv layer applies its (K, N) matrix at (H'·W'); 1 for a dense layer. */
  positions?: number;
  /** Number of zero trits in the layer. */
  zeros: number;
}

export interface ModelCost {
  weights: number;
  /** Float32 values besides the weights: a bias and a scale per output unit. */
  otherParameters: number;
  zeros: number;
  sparsity: number;
  bytesFloat32: number;
  /** 2 bits per trit, 16 trits per u32 word, each output row padded to whole words (the GPU layout). */
  bytesPacked2Bit: number;
  /** 5 trits per byte (3^5 = 243 ≤ 256), 1.6 bits per trit. */
  bytesPacked5PerByte: number;
  /** log2(3) ≈ 1.585 bits per trit: the information-theoretic floor for uniform trits. */
  bytesIdeal: number;
  /** Float multiply-accumulates of a dense float layer, per example (all its passes: 5 with shift averaging). */
  floatMacs: number;
  /** Additions/subtractions of the ternary layer with zeros skipped, per example (all its passes). */
  ternaryAddSubs: number;
}

export const TRITS_PER_WORD = 16;

/** passesPerExample: forward passes per example, 5 with shift averaging (core/model/shiftAveraging.ts). */
export function modelCost(layers: readonly LayerShape[], passesPerExample = 1): ModelCost {
  let weights = 0;
  let zeros = 0;
  let otherParameters = 0;
  let bytesPacked2Bit = 0;
  let bytesPacked5PerByte = 0;
  let floatMacs = 0;
  let ternaryAddSubs = 0;
  for (const layer of layers) {
    const count = layer.inputSize * layer.outputSize;
    const positions = layer.positions ?? 1;
    floatMacs += passesPerExample * positions * count;
    ternaryAddSubs += passesPerExample * positions * (count - layer.zeros);
    weights += count;
    zeros += layer.zeros;
    otherParameters += 2 * layer.outputSize;
    bytesPacked2Bit += layer.outputSize * Math.ceil(layer.inputSize / TRITS_PER_WORD) * 4;
    bytesPacked5PerByte += Math.ceil(count / 5);
  }
  return {
    weights,
    otherParameters,
    zeros,
    sparsity: weights === 0 ? 0 : zeros / weights,
    bytesFloat32: weights * 4,
    bytesPacked2Bit,
    bytesPacked5PerByte,
    bytesIdeal: (weights * Math.log2(3)) / 8,
    floatMacs,
    ternaryAddSubs,
  };
}
