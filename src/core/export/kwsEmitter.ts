/**
 * The keyword-spotting part of the C export (cEmitter.ts adds it when given a front end):
 *   bitnet_kws.h, bitnet_kws.c       the front end and detector (c/bitnet_kws.*, real C files)
 *   bitnet_kws_config.h              generated: the front end's tables (window, twiddles, mel weights, log2) and
 *                                    the detector's constants, from frontEnd.ts and detector.ts, so the C computes
 *                                    what they compute
 *   examples/kws_main.c              the example (c/examples/kws_main.c)
 *   examples/test_clips.h            generated: a few clips as int16 arrays with the scores they must give
 * Pure and deterministic, like the rest of the export.
 */
import { BITNET_KWS_C, BITNET_KWS_H, KWS_MAIN_C } from './cEngine';
import { CLIP_SAMPLES, clipFeatures, FRONT_END, FRONT_END_TABLES, type FrontEndParameters } from '../audio/frontEnd';
import { confidenceConstants, DETECTOR, EXP2_TABLE, EXPONENT_LIMIT, type DetectorParameters } from '../audio/detector';
import { integerForward, type IntegerModel } from '../model/integerModel';

export interface KwsClips {
  /** (count, 16000) 16 kHz PCM. */
  pcm: Int16Array;
  labels: ArrayLike<number>;
  count: number;
}

/** Clips in examples/test_clips.h at most: each is 16,000 samples of C text (about 100 KB before the zip). */
export const EXAMPLE_CLIP_LIMIT = 6;

/**
 * The example's clips, taken from a keyword data set's validation split (labels: its labels; audio: its clips'
 * PCM, SplitDataset.validationAudio, in the same order): the first clip of each class, the words before the
 * classes named with a leading "_" (_silence_, _unknown_), at most `limit`. `indices` are the clips' positions in
 * the split, so their features are validation.pixels[index·784 …].
 */
export function exampleClips(labels: ArrayLike<number>, audio: readonly Int16Array[], classNames: readonly string[], limit = EXAMPLE_CLIP_LIMIT): KwsClips & { indices: number[] } {
  const first = new Map<number, number>();
  for (let i = 0; i < Math.min(labels.length, audio.length); i++) if (!first.has(labels[i]!)) first.set(labels[i]!, i);
  const special = (c: number): boolean => (classNames[c] ?? '').startsWith('_');
  const classes = [...first.keys()].sort((a, b) => Number(special(a)) - Number(special(b)) || a - b).slice(0, limit);
  const indices = classes.map((c) => first.get(c)!);
  const pcm = new Int16Array(indices.length * CLIP_SAMPLES);
  indices.forEach((index, k) => pcm.set(audio[index]!.subarray(0, CLIP_SAMPLES), k * CLIP_SAMPLES));
  return { pcm, labels: classes, count: indices.length, indices };
}

export interface KwsExportOptions {
  frontEnd: FrontEndParameters;
  detector?: DetectorParameters;
  /** Clips for examples/test_clips.h; without them, one second of silence. */
  clips?: KwsClips;
}

function table(type: string, name: string, values: ArrayLike<number>, perLine = 16): string {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += perLine) lines.push('    ' + Array.from({ length: Math.min(perLine, values.length - i) }, (_, k) => String(values[i + k])).join(', ') + ',');
  return `static const ${type} ${name}[${values.length}] = {\n${lines.join('\n')}\n};\n`;
}

/** The scores' fraction bits F (score = logit·2^F): the last layer's. */
export function scoreFractionBits(model: IntegerModel): number {
  const last = model.layers.at(-1)?.epilogue;
  if (last?.kind !== 'scores') throw new Error('the model has no score layer to detect keywords on');
  return last.fractionBits;
}

export function kwsConfigHeader(frontEnd: FrontEndParameters, detector: DetectorParameters, fractionBits: number): string {
  const same = Object.keys(frontEnd).length === Object.keys(FRONT_END).length && (Object.keys(FRONT_END) as (keyof FrontEndParameters)[]).every((key) => frontEnd[key] === FRONT_END[key]);
  if (!same) throw new Error(`the C front end is ${FRONT_END.id} as frontEnd.ts defines it; this export asks for ${JSON.stringify(frontEnd)}`);
  const t = FRONT_END_TABLES;
  const { multiplier, shift } = confidenceConstants(fractionBits, detector.averageWindows);
  return `#ifndef BITNET_KWS_CONFIG_H
#define BITNET_KWS_CONFIG_H
/*
 * bitnet_kws_config.h - the keyword front end's tables and the detector's constants (internal to bitnet_kws.c),
 * generated from the playground's ${frontEnd.id} front end: ${frontEnd.windowSamples}-sample Hann frames every ${frontEnd.hopSamples} samples,
 * ${frontEnd.melBands} mel bands ${frontEnd.melLowHz}–${frontEnd.melHighHz} Hz, codes = ${frontEnd.logScale}·(log2 of the band energy + ${frontEnd.logOffset}).
 */
#include <stdint.h>

#define BITNET_KWS_WINDOW ${frontEnd.windowSamples}  /* samples per frame, and the FFT size */
#define BITNET_KWS_HOP ${frontEnd.hopSamples}     /* samples from one frame's start to the next */
#define BITNET_KWS_FRAMES ${frontEnd.frames}
#define BITNET_KWS_BANDS ${frontEnd.melBands}
#define BITNET_KWS_INPUT_BITS ${frontEnd.fftInputBits}  /* the frame is shifted right until |x| < 2^13 */
#define BITNET_KWS_POWER_SHIFT ${frontEnd.powerShift}
#define BITNET_KWS_FIRST_BIN ${t.firstBin}  /* the FFT bins in the mel range */
#define BITNET_KWS_LAST_BIN ${t.lastBin}
#define BITNET_KWS_LOG_SCALE ${frontEnd.logScale}   /* codes per doubling of band energy (3 dB) */
#define BITNET_KWS_LOG_BASE (${frontEnd.logOffset - frontEnd.scaleExponent})  /* log offset − scale exponent: code = scale·(log2 S + 2r + base) */

#define BITNET_KWS_STRIDE_FRAMES ${detector.strideFrames}  /* a window every ${detector.strideFrames} frames */
#define BITNET_KWS_AVERAGE_WINDOWS ${detector.averageWindows}u
#define BITNET_KWS_THRESHOLD_PERMILLE ${detector.thresholdPermille}
#define BITNET_KWS_REFRACTORY_WINDOWS ${detector.refractoryWindows}u
#define BITNET_KWS_CONFIDENCE_MULTIPLIER ${multiplier}u  /* log2(e) / ${detector.averageWindows} in Q16 */
#define BITNET_KWS_CONFIDENCE_SHIFT ${shift}  /* scores' fraction bits (${fractionBits}) + 16 − 6: exponents in Q6 */
#define BITNET_KWS_EXPONENT_LIMIT ${EXPONENT_LIMIT}u

/* Hann window in Q15 */
${table('int16_t', 'bitnet_kws_window', t.window)}
/* cos and sin of 2πm/512 in Q15: the twiddle W^m = cos − i·sin */
${table('int16_t', 'bitnet_kws_cos', t.cos)}
${table('int16_t', 'bitnet_kws_sin', t.sin)}
/* base-4 digit reversal: the radix-4 FFT's input order */
${table('uint8_t', 'bitnet_kws_digit_reverse', t.digitReverse)}
/* per FFT bin: the mel point below it (band j rises there, band j − 1 falls) and band j's Q8 share */
${table('uint8_t', 'bitnet_kws_bin_point', t.binPoint)}
${table('uint8_t', 'bitnet_kws_bin_weight', t.binWeight)}
/* round(1024·log2(1 + i/64)) */
${table('int32_t', 'bitnet_kws_log2', t.log2Table)}
/* round(32768·2^(−i/64)) */
${table('uint16_t', 'bitnet_kws_exp2', EXP2_TABLE)}
#endif /* BITNET_KWS_CONFIG_H */
`;
}

function clipsHeader(model: IntegerModel, clips: KwsClips): string {
  const classes = model.classCount;
  const rows: string[] = [];
  const scoreRows: string[] = [];
  for (let i = 0; i < clips.count; i++) {
    const pcm = clips.pcm.subarray(i * CLIP_SAMPLES, (i + 1) * CLIP_SAMPLES);
    const lines: string[] = [];
    for (let n = 0; n < CLIP_SAMPLES; n += 20) lines.push('        ' + Array.from(pcm.subarray(n, n + 20)).join(', ') + ',');
    rows.push(`    { /* clip ${i}: label ${clips.labels[i]} */\n${lines.join('\n')}\n    },`);
    const scores = integerForward(model, clipFeatures(pcm), 1);
    scoreRows.push(`    {${Array.from(scores).join(', ')}},`);
  }
  return `/* test_clips.h - ${clips.count} clips of 1 s (16 kHz int16) with their labels and the scores bitnet_kws_classify must return. */
#ifndef TEST_CLIPS_H
#define TEST_CLIPS_H
#include <stdint.h>

#define TEST_CLIP_COUNT ${clips.count}

static const int16_t test_clips[TEST_CLIP_COUNT][16000] = {
${rows.join('\n')}
};

static const uint8_t test_clip_labels[TEST_CLIP_COUNT] = {${Array.from({ length: clips.count }, (_, i) => clips.labels[i]).join(', ')}};

static const int32_t expected_clip_scores[TEST_CLIP_COUNT][${classes}] = {
${scoreRows.join('\n')}
};

#endif /* TEST_CLIPS_H */
`;
}

/** The files the front end adds to the export. */
export function emitKws(model: IntegerModel, options: KwsExportOptions): Record<string, string> {
  const clips = options.clips ?? { pcm: new Int16Array(CLIP_SAMPLES), labels: [0], count: 1 };
  return {
    'bitnet_kws.h': BITNET_KWS_H,
    'bitnet_kws.c': BITNET_KWS_C,
    'bitnet_kws_config.h': kwsConfigHeader(options.frontEnd, options.detector ?? DETECTOR, scoreFractionBits(model)),
    'examples/kws_main.c': KWS_MAIN_C,
    'examples/test_clips.h': clipsHeader(model, clips),
  };
}

/** The README's section on the keyword files; clips: those in examples/test_clips.h (absent: one of silence). */
export function kwsReadme(frontEnd: FrontEndParameters, detector: DetectorParameters = DETECTOR, clips?: KwsClips, classNames?: readonly string[]): string {
  const shipped = clips
    ? `${clips.count} labelled clip${clips.count === 1 ? '' : 's'} (${Array.from({ length: clips.count }, (_, i) => `\`${classNames?.[clips.labels[i]!] ?? clips.labels[i]}\``).join(', ')})`
    : 'one second of silence';
  return `
## Keyword spotting (bitnet_kws.h)

The network classifies a 28×28 picture of one second of 16 kHz mono audio: ${frontEnd.melBands} log-mel bands (${frontEnd.melLowHz}–${frontEnd.melHighHz} Hz,
row 0 the highest) × ${frontEnd.frames} frames of ${frontEnd.windowSamples} samples (${(frontEnd.windowSamples / 16).toFixed(0)} ms Hann window, one every ${frontEnd.hopSamples} samples),
each an 8-bit code of ${frontEnd.logScale}·(log2 of the band energy + ${frontEnd.logOffset}) (about 0.3 dB per code). \`bitnet_kws.c\` computes
them in integers (fixed-point FFT, Q8 mel weights, a table log2), exactly as the playground does, then runs
\`bitnet_predict\`:

- \`bitnet_kws_classify(pcm, scores)\`: one second in, the class out;
- \`bitnet_kws_push(samples, count)\`: a stream in any chunk size; every ${detector.strideFrames} frames (about ${Math.round((detector.strideFrames * frontEnd.hopSamples) / 16)} ms) the last
  second is classified, the scores of the last ${detector.averageWindows} windows are averaged, and a class is returned when its name
  does not start with \`_\` (\`_silence_\`, \`_unknown_\`), its softmax probability (\`bitnet_kws_confidence()\`, per mille)
  is at least ${detector.thresholdPermille} and nothing was detected in the ${detector.refractoryWindows} windows before; -1 otherwise;
- \`bitnet_kws_reset()\` starts a new stream; \`bitnet_kws_features(pcm, features)\` is the front end alone.

\`examples/kws_main.c\` classifies the clips of \`examples/test_clips.h\`, ${shipped}, checks each clip's scores
against those the playground computed, then streams them through \`bitnet_kws_push\`:

\`\`\`sh
cc -std=c99 -O2 -Wall -Wextra -Werror -pedantic -I. *.c examples/kws_main.c -o bitnet_kws_demo && ./bitnet_kws_demo
\`\`\`
`;
}
