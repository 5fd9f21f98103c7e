/**
 * The C export: an IntegerModel (integerModel.ts) -> the files of `bitnet-<preset>-c.zip`.
 *   bitnet.h           the public API (c/bitnet.h), with the integer derivation in its comment
 *   bitnet_model.h     generated: the model's shape as BITNET_* macros and the layer table type (internal)
 *   bitnet_model.c     generated: const packed trits and per-unit integer parameters, sizes in comments
 *   bitnet_engine.c    the engine (c/bitnet_engine.c, its parts c/bitnet_engine_*.inc spliced in: cEngine.ts)
 *   README.md          generated: what is inside, flash/RAM/stack on a Cortex-M0+, accuracy, packing, how to build
 *   examples/main.c    the example (c/examples/main.c), which checks
 *   examples/test_images.h   generated: a few test images with their expected classes and scores
 *   with a front end (keyword spotting): bitnet_kws.h/.c, bitnet_kws_config.h, examples/kws_main.c and
 *   examples/test_clips.h (kwsEmitter.ts); without one the export is as it was before keywords existed
 * Pure and deterministic: the same model and options give the same bytes (the zip too: fixed timestamps).
 */
import { strToU8, zipSync } from 'fflate';
import { BITNET_ENGINE_C, BITNET_H, EXAMPLE_MAIN_C } from './cEngine';
import { REDUCED_SIDE } from '../model/inputResolution';
import { imageShapeOf } from '../model/referenceModel';
import type { MapShape } from '../model/layers';
import type { InputConversion } from '../data/imageConversion';
import { argmaxInt, integerForward, REQUANTIZE_CLAMP, SCALE_MANTISSA_LIMIT, type IntegerLayer, type IntegerModel } from '../model/integerModel';
import { emitKws, kwsReadme, type KwsClips } from './kwsEmitter';
import type { FrontEndParameters } from '../audio/frontEnd';
import type { DetectorParameters } from '../audio/detector';
import { activationBufferBytes, convOnePass, mcuFootprint, type LayerFootprintShape, type McuFootprint } from './mcuFootprint';
import { PACKING_LABELS, TRITS_PER_BYTE, type TritPacking } from '../quant/tritBytes';
import { packWeightStream, valuesPerByte, type WeightFormat } from '../quant/weightFormats';

export interface MeasuredAccuracy {
  /** e.g. 'validation' or 'test', and of which dataset. */
  split: string;
  count: number;
  /** Accuracy of this integer model (the C), measured in the page. */
  integerAccuracy: number;
  /** Accuracy of the float reference of the same quantized model. */
  referenceAccuracy: number;
}

export interface CExportOptions {
  packing: TritPacking;
  /** Preset name, or 'custom'. */
  preset: string;
  /** Shown in the README: the configuration the model was trained with. */
  configSummary: string;
  accuracy: MeasuredAccuracy | null;
  /** The classes' names in label order; absent: "0", "1", … (the digits of MNIST). */
  classNames?: readonly string[];
  /** A few labelled images for examples/: (count, height, width, channels) uint8, the model's image (imageShapeOf). */
  examples: { pixels: Uint8Array; labels: ArrayLike<number>; count: number };
  /** Own images: how the run converted them (side, grey or RGB, and whether they were inverted), for the README. */
  imageConversion?: { conversion: InputConversion; inverted: boolean };
  appVersion: string;
  /** Keyword spotting: the front end the model was trained on, the detector's rule and a few clips for the example. */
  frontEnd?: FrontEndParameters;
  detector?: DetectorParameters;
  kwsClips?: KwsClips;
}

/** Values of a layer's output kept per example: the pooled map of a conv layer, the units of a dense one. */
function outputValues(layer: IntegerLayer): number {
  return layer.conv ? layer.conv.pooled.height * layer.conv.pooled.width * layer.outputSize : layer.outputSize;
}

function footprintShapes(model: IntegerModel): LayerFootprintShape[] {
  return model.layers.map((layer) => ({
    inputSize: layer.inputSize,
    outputSize: layer.outputSize,
    outputValues: outputValues(layer),
    inputValues: layer.conv ? layer.conv.input.height * layer.conv.input.width * layer.conv.input.channels : layer.inputSize,
    conv: layer.conv !== null,
    epilogue: layer.epilogue.kind,
    weights: layer.weights,
  }));
}

export function integerModelFootprint(model: IntegerModel, packing: TritPacking): McuFootprint {
  return mcuFootprint(footprintShapes(model), packing, { inputResolution: model.inputResolution, shiftAveraging: model.shiftAveraging, image: imageShapeOf(model) });
}

function cArray(type: string, name: string, values: ArrayLike<number>, perLine: number, comment: string): string {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += perLine) {
    lines.push('    ' + Array.from({ length: Math.min(perLine, values.length - i) }, (_, k) => String(values[i + k])).join(', ') + ',');
  }
  return `/* ${comment} */\nstatic const ${type} ${name}[${values.length}] = {\n${lines.join('\n')}\n};\n`;
}

function describeLayer(layer: IntegerLayer, index: number): string {
  const inputs = { pixels: '8-bit pixel codes', sign: 'signs (±1)', absmax8: '8-bit absmax codes' }[layer.input];
  const outputs =
    layer.epilogue.kind === 'sign'
      ? 'signs by integer thresholds'
      : layer.epilogue.kind === 'requantize'
        ? `8-bit codes (fixed point F = ${layer.epilogue.fractionBits}${layer.epilogue.relu ? ', ReLU' : ''})`
        : `class scores (fixed point F = ${layer.epilogue.fractionBits})`;
  const conv = layer.conv;
  const shape = conv
    ? `conv ${conv.kernel}×${conv.kernel} stride ${conv.stride} on ${conv.input.height}×${conv.input.width}×${conv.input.channels} -> ${conv.output.height}×${conv.output.width}×${layer.outputSize}${conv.pool ? `, max pool ${conv.pool} -> ${conv.pooled.height}×${conv.pooled.width}×${layer.outputSize}` : ''}`
    : `${layer.inputSize} -> ${layer.outputSize}`;
  const weights = layer.weights === 'ternary' ? 'ternary' : `${layer.weights} codes`;
  return ` *   layer ${index}: ${shape}, ${weights} weights, ${inputs} in, ${outputs} out`;
}

function modelHeader(model: IntegerModel, packing: TritPacking): string {
  const maxUnits = Math.max(1, ...model.layers.map((l) => l.outputSize));
  const hasConv = model.layers.some((l) => l.conv !== null);
  const buffers = activationBufferBytes(footprintShapes(model));
  const has = (format: WeightFormat) => model.layers.some((l) => l.weights === format);
  return `#ifndef BITNET_MODEL_H
#define BITNET_MODEL_H
/*
 * bitnet_model.h - the exported model's shape and layer table (internal to the export; the API is bitnet.h).
${model.layers.map(describeLayer).join('\n')}
 * Weights are stored input-major, one continuous stream per layer: weight (input k, unit j) at index k·N + j;
 * trits ${packing === 'base3' ? 'five per byte in base 3 (see bitnet_engine.c for the division-free decoder)' : 'four per byte, two bits each (00 = 0, 01 = +1, 10 = -1)'},
 * int4 codes two per byte (low nibble first, n of the odd code 2n + 1), int8 codes one per byte.
 */
#include <stdint.h>

#define BITNET_TRITS_PER_BYTE ${TRITS_PER_BYTE[packing]}
#define BITNET_MODEL_INPUT_SIZE ${model.inputSize}  /* the first layer's inputs${model.inputResolution === REDUCED_SIDE ? ': the 16×16 area average of the image' : ''} */
#define BITNET_AREA_AVERAGE_16 ${model.inputResolution === REDUCED_SIDE ? 1 : 0}
#define BITNET_SHIFT_AVERAGING ${model.shiftAveraging ? 1 : 0}  /* scores summed over five 1-pixel shifts of the image */
#define BITNET_NUM_LAYERS ${model.layers.length}
#define BITNET_MAX_UNITS ${maxUnits}  /* widest layer: int32 accumulators */
#define BITNET_BUFFER0_WORDS ${buffers[0] / 4}  /* the activation buffer of even layers' outputs, in int32 words */
#define BITNET_BUFFER1_WORDS ${buffers[1] / 4}  /* odd layers' outputs (and a CNN's input codes) */
#define BITNET_HAS_CONV ${hasConv ? 1 : 0}
#define BITNET_HAS_INT4 ${has('int4') ? 1 : 0}  /* layers of int4 or int8 codes: their decoders are compiled in */
#define BITNET_HAS_INT8 ${has('int8') ? 1 : 0}
#define BITNET_REQUANTIZE_CLAMP ${REQUANTIZE_CLAMP}  /* |Y| before requantisation: 127·Y fits an int32 */
#define BITNET_SCALE_MANTISSA_LIMIT ${SCALE_MANTISSA_LIMIT}  /* per-sample scales s < 2^14, so |acc·s·m| < 2^52 */

#define BITNET_EPILOGUE_SIGN 0u       /* binary activation: threshold and direction per unit */
#define BITNET_EPILOGUE_REQUANTIZE 1u /* 8-bit absmax codes: multiplier, shift, bias per unit */
#define BITNET_EPILOGUE_SCORES 2u     /* class scores: multiplier, shift, bias per unit */

#define BITNET_FORMAT_TERNARY 0u
#define BITNET_FORMAT_INT4 1u
#define BITNET_FORMAT_INT8 2u

typedef struct {
    const uint8_t *weights;    /* the packed stream, input-major */
    const int32_t *threshold;  /* sign epilogue (else NULL) */
    const int8_t *direction;   /* +1: out = +1 when acc·s >= threshold; -1: when acc·s <= threshold */
    const int32_t *multiplier; /* fixed-point epilogues (else NULL): m_j */
    const int8_t *shift;       /* k_j */
    const int32_t *bias;       /* B_j */
    uint16_t input_size;
    uint16_t output_size;
    uint16_t row_bytes; /* whole bytes per input row: output_size / values per byte */
    uint8_t row_phase;  /* values left over per row: output_size % values per byte */
    uint8_t epilogue;
    uint8_t relu;
#if BITNET_HAS_INT4 || BITNET_HAS_INT8
    uint8_t format;          /* BITNET_FORMAT_* */
    uint8_t values_per_byte; /* BITNET_TRITS_PER_BYTE, 2 (int4) or 1 (int8) */
#endif
#if BITNET_HAS_CONV
    uint16_t in_channels; /* conv layers (kernel > 0): input map (in_height, in_width, in_channels), NHWC */
    uint8_t in_height;
    uint8_t in_width;
    uint8_t kernel;        /* 0: a dense layer */
    uint8_t stride;
    uint8_t pad_top;
    uint8_t pad_left;
    uint8_t pool;          /* max-pool window and stride; 0: none */
    uint8_t pooled_height; /* the output map after pooling */
    uint8_t pooled_width;
    uint8_t one_pass;      /* 1: int16 accumulators suffice, the pooled map is computed once (conv_one_pass) */
#endif
} bitnet_layer;

extern const bitnet_layer bitnet_layers[BITNET_NUM_LAYERS];

#endif /* BITNET_MODEL_H */
`;
}

/**
 * A C string literal of `text`: printable ASCII as itself (with \\, \" and ? escaped, the last against
 * trigraphs), every other UTF-8 byte as a three-digit octal escape, which never runs into the next character.
 */
export function cStringLiteral(text: string): string {
  let out = '"';
  for (const byte of strToU8(text)) {
    const c = String.fromCharCode(byte);
    if (c === '\\' || c === '"' || c === '?') out += `\\${c}`;
    else if (byte >= 0x20 && byte < 0x7f) out += c;
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** The names the export uses: the given ones (checked against the model's outputs) or the digits. */
function classNamesOf(model: IntegerModel, names: readonly string[] | undefined): readonly string[] {
  if (names === undefined) return Array.from({ length: model.classCount }, (_, i) => String(i));
  if (names.length !== model.classCount) throw new RangeError(`${names.length} class names for a model of ${model.classCount} outputs`);
  return names;
}

/** bitnet.h with the model's number of classes and image shape (the file in the tree says MNIST's: 10, 28×28×1). */
function apiHeader(classCount: number, image: MapShape): string {
  const values: [string, number, number][] = [
    ['BITNET_INPUT_HEIGHT', 28, image.height],
    ['BITNET_INPUT_WIDTH', 28, image.width],
    ['BITNET_INPUT_CHANNELS', 1, image.channels],
    ['BITNET_INPUT_SIZE', 784, image.height * image.width * image.channels],
    ['BITNET_NUM_CLASSES', 10, classCount],
  ];
  return values.reduce((header, [name, tree, value]) => {
    const line = new RegExp(`^#define ${name} ${tree}\\b`, 'm');
    if (!line.test(header)) throw new Error(`bitnet.h has no "#define ${name} ${tree}" line to set`);
    return header.replace(line, `#define ${name} ${value}`);
  }, BITNET_H);
}

function modelSource(model: IntegerModel, packing: TritPacking, footprint: McuFootprint, classNames: readonly string[]): string {
  const parts: string[] = [
    `/*
 * bitnet_model.c - the exported weights: ${footprint.weightCount} weights in ${footprint.weightBytes} bytes (${footprint.bitsPerWeight.toFixed(4)} bits per weight),
 * ${footprint.parameterBytes} bytes of per-unit integer parameters. Everything is const: it stays in flash.
 */
#include <stddef.h>
#include <stdint.h>

#include "bitnet.h"
#include "bitnet_model.h"

const char *const bitnet_class_names[BITNET_NUM_CLASSES] = {
${classNames.map((name) => `    ${cStringLiteral(name)},`).join('\n')}
};
`,
  ];
  const entries: string[] = [];
  const hasConv = model.layers.some((layer) => layer.conv !== null);
  const hasIntegerFormats = model.layers.some((layer) => layer.weights !== 'ternary');
  model.layers.forEach((layer, l) => {
    const { inputSize: K, outputSize: N } = layer;
    const perByte = valuesPerByte(layer.weights, packing);
    const packed = packWeightStream(layer.codes, layer.weights, packing);
    const stream = layer.weights === 'ternary' ? `layer${l}_trits` : `layer${l}_codes`;
    const what = layer.weights === 'ternary' ? 'trits' : `${layer.weights} codes`;
    parts.push(cArray('uint8_t', stream, packed, 24, `layer ${l}: ${K}×${N} ${what}, ${packed.length} bytes`));
    const e = layer.epilogue;
    let pointers: string;
    if (e.kind === 'sign') {
      parts.push(cArray('int32_t', `layer${l}_threshold`, e.threshold, 8, `layer ${l}: ${N} thresholds on acc·s, ${4 * N} bytes`));
      parts.push(cArray('int8_t', `layer${l}_direction`, e.direction, 32, `layer ${l}: ${N} directions, ${N} bytes`));
      pointers = `${stream}, layer${l}_threshold, layer${l}_direction, NULL, NULL, NULL`;
    } else {
      parts.push(cArray('int32_t', `layer${l}_multiplier`, e.multiplier, 8, `layer ${l}: ${N} Q20 multipliers m_j, ${4 * N} bytes`));
      parts.push(cArray('int8_t', `layer${l}_shift`, e.shift, 32, `layer ${l}: ${N} shifts k_j, ${N} bytes`));
      parts.push(cArray('int32_t', `layer${l}_bias`, e.bias, 8, `layer ${l}: ${N} biases B_j = round(bias_j·2^${e.fractionBits}), ${4 * N} bytes`));
      pointers = `${stream}, NULL, NULL, layer${l}_multiplier, layer${l}_shift, layer${l}_bias`;
    }
    const epilogue = e.kind === 'sign' ? 'BITNET_EPILOGUE_SIGN' : e.kind === 'requantize' ? 'BITNET_EPILOGUE_REQUANTIZE' : 'BITNET_EPILOGUE_SCORES';
    const relu = e.kind !== 'sign' && e.relu ? 1 : 0;
    const formatFields = hasIntegerFormats ? `, BITNET_FORMAT_${layer.weights.toUpperCase()}, ${perByte}u` : '';
    const c = layer.conv;
    const convFields = !hasConv
      ? ''
      : c
        ? `, ${c.input.channels}u, ${c.input.height}u, ${c.input.width}u, ${c.kernel}u, ${c.stride}u, ${c.padTop}u, ${c.padLeft}u, ${c.pool}u, ${c.pooled.height}u, ${c.pooled.width}u, ${convOnePass(footprintShapes(model)[l]!) ? 1 : 0}u`
        : ', 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u';
    entries.push(`    {${pointers}, ${K}u, ${N}u, ${Math.floor(N / perByte)}u, ${N % perByte}u, ${epilogue}, ${relu}u${formatFields}${convFields}},`);
  });
  parts.push(`const bitnet_layer bitnet_layers[BITNET_NUM_LAYERS] = {\n${entries.join('\n')}\n};\n`);
  return parts.join('\n');
}

function examplesHeader(model: IntegerModel, examples: CExportOptions['examples']): string {
  const scores = integerForward(model, examples.pixels, examples.count);
  const image = imageShapeOf(model);
  // One line per image row: width · channels values (R, G, B of a pixel next to each other).
  const rowValues = image.width * image.channels;
  const size = image.height * rowValues;
  const classes = model.classCount;
  const images = Array.from({ length: examples.count }, (_, i) => {
    const rows: string[] = [];
    for (let r = 0; r < image.height; r++) rows.push('        ' + Array.from(examples.pixels.subarray(i * size + r * rowValues, i * size + (r + 1) * rowValues)).join(', ') + ',');
    return `    { /* image ${i}: label ${examples.labels[i]} */\n${rows.join('\n')}\n    },`;
  });
  const expected = Array.from({ length: examples.count }, (_, i) => argmaxInt(scores, i * classes, classes));
  const scoreRows = Array.from({ length: examples.count }, (_, i) => `    {${Array.from(scores.subarray(i * classes, (i + 1) * classes)).join(', ')}},`);
  return `/* test_images.h - ${examples.count} test images with their labels and the classes and scores bitnet_predict must return. */
#ifndef TEST_IMAGES_H
#define TEST_IMAGES_H
#include <stdint.h>

#define TEST_IMAGE_COUNT ${examples.count}

static const uint8_t test_images[TEST_IMAGE_COUNT][${size}] = { /* ${image.height}×${image.width}×${image.channels}, channel fastest */
${images.join('\n')}
};

static const uint8_t test_labels[TEST_IMAGE_COUNT] = {${Array.from({ length: examples.count }, (_, i) => examples.labels[i]).join(', ')}};

static const uint8_t expected_classes[TEST_IMAGE_COUNT] = {${expected.join(', ')}};

static const int32_t expected_scores[TEST_IMAGE_COUNT][${classes}] = {
${scoreRows.join('\n')}
};

#endif /* TEST_IMAGES_H */
`;
}

function imageValuesOf(model: IntegerModel): number {
  const image = imageShapeOf(model);
  return image.height * image.width * image.channels;
}

/** The README's sentence on the image bitnet_predict takes, and for own images how they were converted. */
function inputFormat(model: IntegerModel, input: CExportOptions['imageConversion']): string {
  const { height, width, channels } = imageShapeOf(model);
  const layout =
    channels === 1
      ? `The input is a ${height}×${width} grey image (\`BITNET_INPUT_SIZE\` = ${height * width} bytes), row-major`
      : `The input is a ${height}×${width} image of ${channels} channels (\`BITNET_INPUT_SIZE\` = ${height * width * channels} bytes), row-major with the channel fastest (R, G, B of a pixel next to each other)`;
  if (!input) return `${layout}, 0 = background … 255 = ink, as in MNIST.`;
  const { conversion, inverted } = input;
  const colour = conversion.color === 'rgb' ? 'kept as R, G, B' : 'made grey (luminance (77 R + 150 G + 29 B + 128) >> 8)';
  return `${layout}, converted from your images as the page converted them for training: composited over white, ${colour}, resized to ${conversion.side}×${conversion.side} by area averaging with the aspect ratio kept (the rest padded with the background)${inverted ? ', then inverted (v → 255 − v) so that ink is high' : ', not inverted'}. Convert a camera's or a sensor's image the same way before \`bitnet_predict\`.`;
}

function readme(model: IntegerModel, options: CExportOptions, footprint: McuFootprint): string {
  const accuracy = options.accuracy
    ? `On the ${options.accuracy.split} split (${options.accuracy.count} images) the page measured **${(100 * options.accuracy.integerAccuracy).toFixed(2)} %** for this integer model (the C), and ${(100 * options.accuracy.referenceAccuracy).toFixed(2)} % for the float reference of the same ternary model.`
    : 'No accuracy was measured for this export.';
  return `# BitNet Playground export: \`${options.preset}\`, integer-only C

A ${model.layers.every((l) => l.weights === 'ternary') ? 'ternary network (weights in {−1, 0, +1})' : `network of ternary and integer-coded layers (${model.layers.map((l) => l.weights).join(', ')})`} trained in BitNet Playground ${options.appVersion}, as portable C99 for a
microcontroller: no floating point, no division in the weight decoders, no \`malloc\`; weights are \`const\` (flash),
scratch buffers static. Configuration: ${options.configSummary}.

${accuracy}

## What is inside

| file | what |
| --- | --- |
| \`bitnet.h\` | the API: \`int bitnet_predict(const uint8_t image[${imageValuesOf(model)}], int32_t scores[${model.classCount}])\`, the \`bitnet_class_names\` table, and how batch norm and scales became integers |
| \`bitnet_model.h\`, \`bitnet_model.c\` | the layer table and the packed weights: ${model.layers.map((l) => `${l.inputSize}→${l.outputSize}`).join(', ')} |
| \`bitnet_engine.c\` | the integer engine |
| \`examples/main.c\`, \`examples/test_images.h\` | ${options.examples.count} test images with their expected classes and scores |

${inputFormat(model, options.imageConversion)}${model.inputResolution === REDUCED_SIDE ? ' The model sees its 16×16 area average, which `bitnet_predict` computes first in integers (a 256-byte buffer).' : ''}${model.shiftAveraging ? ' With shift averaging, `bitnet_predict` runs the network five times, on the image and on the image moved by one pixel right, left, down and up, and sums the five passes\' scores: five times the time of one pass, for a steadier answer.' : ''} The return value is the predicted
class; \`scores\` are integer class scores whose argmax (the first on ties) is that class.
\`bitnet_class_names[class]\` names it; the ${model.classCount} classes: ${(options.classNames ?? []).length > 0 ? options.classNames!.map((name) => `\`${name}\``).join(', ') : 'the digits 0 to 9'}.

## Packing

${PACKING_LABELS[options.packing]}: ${footprint.weightCount} weights in ${footprint.weightBytes} bytes, **${footprint.bitsPerWeight.toFixed(3)} bits per weight**
(8 × weight bytes ÷ weights, padding included). Weights are stored input-major, one stream per layer.${model.layers.some((l) => l.weights !== 'ternary') ? ' int4 layers hold two codes per byte (low nibble first: n of the odd code 2n + 1), int8 layers one.' : ''}
${options.packing === 'base3' ? 'A byte q holds five trits as the fraction v/243 ≈ q/256 (v = Σ d_i·3^(4−i), d = trit + 1); digit i is `((q·3^i mod 256)·3) >> 8`: multiply and shift, no division.' : 'Trit i of a byte is in bits 2i..2i+1: 00 = 0, 01 = +1, 10 = −1.'}

## Size on a Cortex-M0+ (estimated by the playground)

| flash (text + data) | RAM (data + bss) | stack | weights | per-unit parameters |
| --- | --- | --- | --- | --- |
| ${footprint.flashBytes} B | ${footprint.ramBytes} B | ${footprint.stackBytes} B | ${footprint.weightBytes} B | ${footprint.parameterBytes} B |

Measured as \`arm-none-eabi-gcc -mcpu=cortex-m0plus -mthumb -Os -mfloat-abi=soft -c *.c\` then \`arm-none-eabi-size\`
of the objects (no C library); the stack from \`-fstack-usage\`. On a Cortex-M0+ the integer divisions (one per
non-zero pixel) and 64-bit products call libgcc's \`__aeabi_uidiv\` and \`__aeabi_lmul\`, which are integer helpers.

## Build and check

\`\`\`sh
cc -std=c99 -O2 -Wall -Wextra -Werror -pedantic -I. *.c examples/main.c -o bitnet_demo && ./bitnet_demo
\`\`\`

Your own \`main.c\` builds the same way: \`cc -std=c99 -O2 -Wall -Wextra -Werror -pedantic *.c main.c\`.
`;
}

/** The export's files, by path inside the zip. */
export function emitC(model: IntegerModel, options: CExportOptions): Record<string, string> {
  const footprint = integerModelFootprint(model, options.packing);
  const classNames = classNamesOf(model, options.classNames);
  const kws = options.frontEnd ? emitKws(model, { frontEnd: options.frontEnd, detector: options.detector, clips: options.kwsClips }) : {};
  return {
    'bitnet.h': apiHeader(model.classCount, imageShapeOf(model)),
    'bitnet_model.h': modelHeader(model, options.packing),
    'bitnet_model.c': modelSource(model, options.packing, footprint, classNames),
    'bitnet_engine.c': BITNET_ENGINE_C,
    'README.md': readme(model, options, footprint) + (options.frontEnd ? kwsReadme(options.frontEnd, options.detector, options.kwsClips, classNames) : ''),
    'examples/main.c': EXAMPLE_MAIN_C,
    'examples/test_images.h': examplesHeader(model, options.examples),
    ...kws,
  };
}

/** A fixed timestamp, so the same files give the same zip bytes. */
const ZIP_TIME = new Date(Date.UTC(2026, 0, 1));

export function zipFiles(files: Record<string, string>): Uint8Array {
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = {};
  for (const name of Object.keys(files).sort()) entries[name] = [strToU8(files[name]!), { mtime: ZIP_TIME }];
  return zipSync(entries, { level: 6 });
}
