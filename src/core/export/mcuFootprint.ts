/**
 * Flash, RAM and stack of the C export on a Cortex-M0+, estimated from the model's shapes: the one size model
 * the Deploy panel, the export's README and the benchmark use. Definitions (the C export's contract):
 *   flash = text + data, RAM = data + bss of the export's own object files built with
 *   `arm-none-eabi-gcc -mcpu=cortex-m0plus -mthumb -Os -mfloat-abi=soft` (no C library),
 *   stack = the deepest call chain from -fstack-usage, reported beside RAM,
 *   bits per weight = 8 × weight bytes ÷ weights, padding included (int4 and int8 layers count at 4 and 8).
 * The engine's own code and stack are constants measured from that build; a test checks the whole estimate
 * against arm-none-eabi-size.
 */
import { configInputShape, type ModelConfig } from '../model/config';
import { REDUCED_PIXELS, REDUCED_SIDE, type InputResolution } from '../model/inputResolution';
import { MNIST_INPUT, networkPlan, type MapShape } from '../model/layers';
import type { TritPacking } from '../quant/tritBytes';
import { weightStreamBytes, type WeightFormat } from '../quant/weightFormats';

export interface LayerFootprintShape {
  inputSize: number;
  outputSize: number;
  /**
   * Values of the layer's output kept in RAM (int8): outputSize for a dense layer, the whole (pooled) feature map
   * for a conv layer, which dominates a CNN's RAM. Defaults to outputSize.
   */
  outputValues?: number;
  /** Values of the layer's input map (a conv layer: height·width·channels); a CNN's first layer reads its codes from an activation buffer. Defaults to inputSize. */
  inputValues?: number;
  /** A conv layer: the engine's conv code, the larger layer table entry and one pool window's int32 outputs come along. */
  conv?: boolean;
  /** 'sign': a threshold and a direction per unit; otherwise a multiplier, a shift and a bias. */
  epilogue: 'sign' | 'requantize' | 'scores';
  /** The layer's weight format (weightFormats.ts); ternary when absent. */
  weights?: WeightFormat;
}

export interface McuFootprint {
  /** Weights of every layer, whatever their format. */
  weightCount: number;
  weightBytes: number;
  bitsPerWeight: number;
  /** Per-unit thresholds, multipliers, shifts and biases. */
  parameterBytes: number;
  flashBytes: number;
  ramBytes: number;
  stackBytes: number;
  /** Index of the layer with the most flash (weights and parameters). */
  largestLayer: number;
  /** Flash of each layer's packed weights and parameters, bytes. */
  layerFlashBytes: number[];
  /** RAM of the two activation buffers (activationBufferBytes): the feature maps, most of a CNN's RAM. */
  activationBytes: number;
  /** Index of the hidden layer whose output (its feature map) takes the most RAM; null for a network of one layer. */
  largestMapLayer: number | null;
}

/** Code of bitnet_engine.c at -Os for a Cortex-M0+ (text), by packing; measured with arm-none-eabi-size. */
export const ENGINE_CODE_BYTES: Record<TritPacking, number> = { base3: 1076, base4: 1070 };
/** What the conv code (BITNET_HAS_CONV) adds to it, measured the same way. */
export const CONV_ENGINE_CODE_BYTES: Record<TritPacking, number> = { base3: 1025, base4: 1058 };
/**
 * Deepest stack of bitnet_predict and what it calls, from -fstack-usage (Cortex-M0+, -Os); with conv layers the
 * chain bitnet_predict → pool_window → add_row (or add_layer_row and a decoder) is deepest: 240–256 bytes measured.
 */
export const ENGINE_STACK_BYTES = 136;
export const CONV_ENGINE_STACK_BYTES = 256;
/** sizeof(bitnet_layer) on a 32-bit target: six pointers, three uint16, four uint8 fields, padded; with conv layers
 * one uint16 and nine uint8 more. */
export const LAYER_TABLE_ENTRY_BYTES = 36;
export const CONV_LAYER_TABLE_ENTRY_BYTES = 48;
/**
 * What int4 and int8 layers add to the engine (BITNET_HAS_INT4/8): their decoders, the dispatch by format and the
 * rows advanced by each layer's values per byte, measured like the engine's code (int4 68–96 bytes, int8 44–60, by
 * packing and with or without conv layers; the middle is taken).
 */
export const INTEGER_DECODER_CODE_BYTES: Record<Exclude<WeightFormat, 'ternary'>, number> = { int4: 85, int8: 52 };
/** With both decoders the dispatch is shared: both together measured 96–124 bytes. */
export const SHARED_DISPATCH_CODE_BYTES = 22;

/**
 * What a 16×16 input adds (core/model/inputResolution.ts): the area average's code and tap table, measured like the
 * engine's (195 bytes more with base 3, 210 with base 4, on mcu-16k), and its 256-byte buffer; the deepest stack
 * stays the same.
 */
export const AREA_AVERAGE_CODE_BYTES = 202;
/**
 * What shift averaging adds (core/model/shiftAveraging.ts), measured on seed and mcu-16k at both packings: the pass
 * loop, the score sums and the offset table (122 bytes); then either the area average's bounds checks, which move
 * a 16×16 input's image (12 bytes), or shift_image and its copy of the moved image (52 bytes; 784 bytes of RAM for 28×28 grey).
 * RAM: the int32 scores of one pass; stack: 8 bytes more.
 */
export const SHIFT_AVERAGING_CODE_BYTES = 122;
export const AREA_AVERAGE_SHIFT_CODE_BYTES = 12;
export const SHIFT_IMAGE_CODE_BYTES = 52;
export const SHIFT_AVERAGING_STACK_BYTES = 8;
/** Each class score of the C API is an int32. */
const C_SCORE_BYTES_PER_CLASS = 4;

/** The largest |code| of a weight format: trits ±1, int4's odd codes ±15, int8 ±128. */
const WEIGHT_CODE_MAX: Record<WeightFormat, number> = { ternary: 1, int4: 15, int8: 128 };

/**
 * Whether the engine computes a conv layer's pooled map in one pass (bitnet_engine_conv.inc, conv_one_pass): a
 * layer of 8-bit codes whose accumulators fit int16 for any input (|acc| <= 127·max|c|·K <= 32767), so that the
 * pooled accumulators are kept as int16 until max|Y| is known, instead of the map being computed twice.
 */
export function convOnePass(layer: Pick<LayerFootprintShape, 'conv' | 'epilogue' | 'inputSize' | 'weights'>): boolean {
  return layer.conv === true && layer.epilogue === 'requantize' && 127 * WEIGHT_CODE_MAX[layer.weights ?? 'ternary'] * layer.inputSize <= 32767;
}

/**
 * Bytes of the engine's two activation buffers, 4-aligned (BITNET_BUFFER0_WORDS, BITNET_BUFFER1_WORDS): layer i
 * writes buffer i mod 2 and reads the other. A layer stores its int8 codes; a conv layer in one pass its int16
 * pooled accumulators and 2·N int32 extremes after them, a two-pass 8-bit conv layer its 2·N int32 extremes
 * while it finds max|Y|; a CNN's first layer reads its input codes from buffer 1.
 */
export function activationBufferBytes(layers: readonly LayerFootprintShape[]): [number, number] {
  const bytes = [4, 4];
  layers.slice(0, -1).forEach((layer, index) => {
    const values = layer.outputValues ?? layer.outputSize;
    const need = !layer.conv || layer.epilogue === 'sign' ? values : convOnePass(layer) ? align4(2 * values) + 8 * layer.outputSize : Math.max(values, 8 * layer.outputSize);
    bytes[index % 2] = Math.max(bytes[index % 2]!, align4(need));
  });
  const first = layers[0];
  if (first?.conv) bytes[1] = Math.max(bytes[1]!, align4(first.inputValues ?? first.inputSize));
  return [bytes[0]!, bytes[1]!];
}

/** How the model takes its image, which decides the input stage's code and buffers. */
export interface FootprintInput {
  inputResolution?: InputResolution;
  shiftAveraging?: boolean;
  /** The image bitnet_predict takes (BITNET_INPUT_HEIGHT × WIDTH × CHANNELS in bitnet.h); MNIST's 28×28×1 when absent. */
  image?: MapShape;
}

export function mcuFootprint(layers: readonly LayerFootprintShape[], packing: TritPacking, input: FootprintInput = {}): McuFootprint {
  const reduced = input.inputResolution === REDUCED_SIDE;
  const shifts = input.shiftAveraging === true;
  const image = input.image ?? MNIST_INPUT;
  const imageBytes = image.height * image.width * image.channels;
  let weightCount = 0;
  let weightBytes = 0;
  let parameterBytes = 0;
  let maxUnits = 1;
  let largestLayer = 0;
  let largestLayerBytes = -1;
  const hasConv = layers.some((layer) => layer.conv);
  const layerFlashBytes: number[] = [];
  layers.forEach((layer, index) => {
    const count = layer.inputSize * layer.outputSize;
    const bytes = weightStreamBytes(count, layer.weights ?? 'ternary', packing);
    // int32 thresholds + int8 directions, or int32 multipliers + int8 shifts + int32 biases; each array 4-aligned.
    const params =
      layer.epilogue === 'sign'
        ? 4 * layer.outputSize + align4(layer.outputSize)
        : 8 * layer.outputSize + align4(layer.outputSize);
    weightCount += count;
    weightBytes += bytes;
    parameterBytes += params;
    maxUnits = Math.max(maxUnits, layer.outputSize);
    layerFlashBytes.push(align4(bytes) + params);
    if (align4(bytes) + params > largestLayerBytes) {
      largestLayerBytes = align4(bytes) + params;
      largestLayer = index;
    }
  });
  const mapValues = layers.slice(0, -1).map((layer) => layer.outputValues ?? layer.outputSize);
  const largestMapLayer = mapValues.length === 0 ? null : mapValues.indexOf(Math.max(...mapValues));
  const buffers = activationBufferBytes(layers);
  const formats = new Set(layers.map((layer) => layer.weights ?? 'ternary'));
  const decoderBytes =
    (formats.has('int4') ? INTEGER_DECODER_CODE_BYTES.int4 : 0) +
    (formats.has('int8') ? INTEGER_DECODER_CODE_BYTES.int8 : 0) -
    (formats.has('int4') && formats.has('int8') ? SHARED_DISPATCH_CODE_BYTES : 0);
  const rodata =
    layers.reduce((sum, layer) => sum + align4(weightStreamBytes(layer.inputSize * layer.outputSize, layer.weights ?? 'ternary', packing)), 0) +
    parameterBytes +
    (hasConv ? CONV_LAYER_TABLE_ENTRY_BYTES : LAYER_TABLE_ENTRY_BYTES) * layers.length +
    (packing === 'base3' ? 8 : 0);
  return {
    weightCount,
    weightBytes,
    bitsPerWeight: weightCount === 0 ? 0 : (8 * weightBytes) / weightCount,
    parameterBytes,
    flashBytes:
      ENGINE_CODE_BYTES[packing] +
      (hasConv ? CONV_ENGINE_CODE_BYTES[packing] : 0) +
      (reduced ? AREA_AVERAGE_CODE_BYTES : 0) +
      (shifts ? SHIFT_AVERAGING_CODE_BYTES + (reduced ? AREA_AVERAGE_SHIFT_CODE_BYTES : SHIFT_IMAGE_CODE_BYTES) : 0) +
      decoderBytes +
      rodata,
    // int32 accumulators, the two activation buffers (activationBufferBytes), for CNNs one pool window's int32
    // accumulators, a 16×16 input's average, and with shift averaging one pass's scores (and the moved image, BITNET_INPUT_SIZE bytes, when there is no area average to move it).
    ramBytes:
      4 * maxUnits +
      buffers[0] +
      buffers[1] +
      (hasConv ? 4 * maxUnits : 0) +
      (reduced ? REDUCED_PIXELS : 0) +
      (shifts ? C_SCORE_BYTES_PER_CLASS * (layers.at(-1)?.outputSize ?? 0) + (reduced ? 0 : imageBytes) : 0),
    stackBytes: (hasConv ? CONV_ENGINE_STACK_BYTES : ENGINE_STACK_BYTES) + (shifts ? SHIFT_AVERAGING_STACK_BYTES : 0),
    largestLayer,
    layerFlashBytes,
    activationBytes: buffers[0] + buffers[1],
    largestMapLayer,
  };
}

/** A microcontroller's memory, the budget a model must fit (the budget meter's targets). */
export interface McuTarget {
  id: string;
  label: string;
  flashBytes: number;
  ramBytes: number;
}

export const MCU_TARGETS: readonly McuTarget[] = [
  { id: '16k-2k', label: '16 KB flash / 2 KB RAM (CH32V003 class)', flashBytes: 16 * 1024, ramBytes: 2 * 1024 },
  { id: '16k-4k', label: '16 KB flash / 4 KB RAM', flashBytes: 16 * 1024, ramBytes: 4 * 1024 },
  { id: '32k-4k', label: '32 KB flash / 4 KB RAM (STM32F030K6 class)', flashBytes: 32 * 1024, ramBytes: 4 * 1024 },
  { id: '64k-8k', label: '64 KB flash / 8 KB RAM (STM32G031 class)', flashBytes: 64 * 1024, ramBytes: 8 * 1024 },
  { id: '64k-16k', label: '64 KB flash / 16 KB RAM (STM32F072C8 class)', flashBytes: 64 * 1024, ramBytes: 16 * 1024 },
  { id: '256k-64k', label: '256 KB flash / 64 KB RAM (RP2040 class, per core budget)', flashBytes: 256 * 1024, ramBytes: 64 * 1024 },
];

/**
 * The target the meter starts on until the user picks one: the first for images; for a keyword run the keyword
 * detector's budget (≤ 64 KB flash, ≤ 16 KB RAM), which the kws detector fits (docs/benchmarks.md).
 */
export const KEYWORD_TARGET_ID = '64k-16k';

export function defaultMcuTarget(keywords: boolean): McuTarget {
  return (keywords ? MCU_TARGETS.find((target) => target.id === KEYWORD_TARGET_ID) : undefined) ?? MCU_TARGETS[0]!;
}

export interface BudgetCheck {
  flashFits: boolean;
  ramFits: boolean;
  /** Share of the target used, 0..∞. RAM counts static buffers and the stack. */
  flashShare: number;
  ramShare: number;
  /** Bytes over (positive) or left (negative) of each budget. */
  flashOverBytes: number;
  ramOverBytes: number;
}

/** How a footprint sits in a target's flash and RAM. */
export function checkBudget(footprint: McuFootprint, target: Pick<McuTarget, 'flashBytes' | 'ramBytes'>): BudgetCheck {
  const ram = footprint.ramBytes + footprint.stackBytes;
  return {
    flashFits: footprint.flashBytes <= target.flashBytes,
    ramFits: ram <= target.ramBytes,
    flashShare: footprint.flashBytes / target.flashBytes,
    ramShare: ram / target.ramBytes,
    flashOverBytes: footprint.flashBytes - target.flashBytes,
    ramOverBytes: ram - target.ramBytes,
  };
}

function align4(bytes: number): number {
  return Math.ceil(bytes / 4) * 4;
}

/**
 * The footprint of a configuration before any training: its shapes are all the size model needs. image: the data
 * set's images (imageShapeOfSet), which the first layer takes unless the config averages 28×28 to 16×16.
 */
export function configFootprint(
  config: Pick<ModelConfig, 'layers' | 'activationQuantizer'> & Partial<Pick<ModelConfig, 'inputResolution' | 'outputWeights' | 'shiftAveraging'>>,
  packing: TritPacking,
  classCount = 10,
  image: MapShape = MNIST_INPUT,
): McuFootprint {
  const shapes = networkPlan(config.layers, configInputShape(config, image), classCount, config.outputWeights).map((layer): LayerFootprintShape => ({
    inputSize: layer.inputSize,
    outputSize: layer.outputSize,
    outputValues: layer.conv ? layer.conv.pooled.height * layer.conv.pooled.width * layer.outputSize : layer.outputSize,
    inputValues: layer.conv ? layer.conv.input.height * layer.conv.input.width * layer.conv.input.channels : layer.inputSize,
    conv: layer.conv !== null,
    epilogue: layer.isOutput ? 'scores' : config.activationQuantizer === 'sign' ? 'sign' : 'requantize',
    weights: layer.weights,
  }));
  return mcuFootprint(shapes, packing, { inputResolution: config.inputResolution ?? 28, shiftAveraging: config.shiftAveraging ?? false, image });
}
