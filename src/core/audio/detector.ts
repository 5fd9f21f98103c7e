/**
 * Streaming keyword detection, shared by the page's Listen and the C detector (bitnet_kws_push in
 * src/core/export/c/bitnet_kws.c does exactly this, in the same integers):
 *   - FeatureStream turns PCM arriving in chunks into feature frames (frameFeatures, one every hop samples) and,
 *     every DETECTOR.strideFrames frames once 28 are there, a 28×28 window: the last second, as clipFeatures of it;
 *   - KeywordDetector takes each window's int32 class scores (the engine's, fixed point with F fraction bits:
 *     score = logit·2^F), sums the last `averageWindows` of them, and detects the top class of that sum when its
 *     name does not start with '_' (`_silence_`, `_unknown_`), its confidence reaches the threshold, and no
 *     detection happened in the last `refractoryWindows` windows.
 * Confidence, in per mille: the softmax probability of the top class of the averaged logits,
 *     p = 1 / Σ_j 2^(−e_j),   e_j = (A_t − A_j)·log2(e) / (K·2^F)   (A the sums of K windows' scores, t the top),
 * with e_j in Q6 (floor), 2^(−e) from a 64-entry Q15 table and a shift, and one rounded division per window (1 s of audio).
 */
import { FEATURE_FRAMES, frameFeatures, FRONT_END, MEL_BANDS } from './frontEnd';

export interface DetectorParameters {
  /** A window (and a decision) every strideFrames frames: 7 × 573 samples ≈ 251 ms. */
  readonly strideFrames: number;
  /** Windows whose scores are averaged (K). */
  readonly averageWindows: number;
  /** Least confidence of a detection, per mille. */
  readonly thresholdPermille: number;
  /** Windows after a detection in which nothing is detected. */
  readonly refractoryWindows: number;
}

export const DETECTOR: DetectorParameters = Object.freeze({ strideFrames: 7, averageWindows: 3, thresholdPermille: 700, refractoryWindows: 4 });

/** Exponents in Q6; a class 24 octaves below the top adds nothing a per-mille confidence can show. */
export const EXPONENT_BITS = 6;
export const EXPONENT_LIMIT = 24 << EXPONENT_BITS;
/** (64) round(2^15 · 2^(−i/64)). */
export const EXP2_TABLE: Uint16Array = Uint16Array.from({ length: 1 << EXPONENT_BITS }, (_, i) => Math.round(32768 * 2 ** (-i / (1 << EXPONENT_BITS))));

/** The constants the confidence is computed with, for K windows of scores with F fraction bits. */
export function confidenceConstants(scoreFractionBits: number, averageWindows: number): { multiplier: number; shift: number } {
  if (!Number.isInteger(scoreFractionBits) || scoreFractionBits < -10 || scoreFractionBits > 60) throw new RangeError(`scores with ${scoreFractionBits} fraction bits: the detector takes −10..60`);
  // e (Q6) = diff·log2(e)/(K·2^F)·2^6 = diff·multiplier >> shift with multiplier = log2(e)/K in Q16.
  // Products stay below 2^51, so a shift past 63 would give 0 as 63 does: capped there for the C's uint64 shift.
  return { multiplier: Math.round((Math.LOG2E / averageWindows) * 65536), shift: Math.min(63, scoreFractionBits + 16 - EXPONENT_BITS) };
}

/** True for the classes a detector never reports: `_silence_`, `_unknown_` and any other name starting with '_'. */
export const isBackgroundClass = (name: string): boolean => name.startsWith('_');

export interface Detection {
  classIndex: number;
  /** Per mille, see the file's header. */
  confidence: number;
  /** The window (0, 1, …) that gave it. */
  window: number;
}

/**
 * The decision rule on a stream of windows' scores. Scores are integers with F fraction bits: the C engine's
 * (integerForward, F = scoreFractionBits(model) of core/export/kwsEmitter.ts); float logits become such scores as
 * round(logit·2^F) with, say, F = 16.
 */
export class KeywordDetector {
  private readonly history: Int32Array;
  private next = 0;
  private seen = 0;
  private cooldown = 0;
  private windows = 0;
  private readonly multiplier: number;
  private readonly shift: number;

  constructor(
    private readonly classNames: readonly string[],
    scoreFractionBits: number,
    private readonly parameters: DetectorParameters = DETECTOR,
  ) {
    this.history = new Int32Array(parameters.averageWindows * classNames.length);
    ({ multiplier: this.multiplier, shift: this.shift } = confidenceConstants(scoreFractionBits, parameters.averageWindows));
  }

  reset(): void {
    this.next = 0;
    this.seen = 0;
    this.cooldown = 0;
    this.windows = 0;
  }

  /** One window's (classes) scores -> a detection or null. */
  push(scores: ArrayLike<number>): Detection | null {
    const classes = this.classNames.length;
    const window = this.windows++;
    for (let c = 0; c < classes; c++) this.history[this.next * classes + c] = scores[c]!;
    this.next = this.next + 1 === this.parameters.averageWindows ? 0 : this.next + 1;
    if (this.seen < this.parameters.averageWindows) this.seen++;
    if (this.cooldown > 0) {
      this.cooldown--;
      return null;
    }
    if (this.seen < this.parameters.averageWindows) return null;
    const sums = new Array<number>(classes).fill(0);
    for (let w = 0; w < this.parameters.averageWindows; w++) for (let c = 0; c < classes; c++) sums[c]! += this.history[w * classes + c]!;
    let top = 0;
    for (let c = 1; c < classes; c++) if (sums[c]! > sums[top]!) top = c;
    if (isBackgroundClass(this.classNames[top]!)) return null;
    const confidence = confidenceOf(sums, top, this.multiplier, this.shift);
    if (confidence < this.parameters.thresholdPermille) return null;
    this.cooldown = this.parameters.refractoryWindows;
    return { classIndex: top, confidence, window };
  }
}

/** The top class's softmax probability in per mille, from the summed scores (see the header). */
function confidenceOf(sums: readonly number[], top: number, multiplier: number, shift: number): number {
  let total = 0;
  for (const sum of sums) {
    const product = (sums[top]! - sum) * multiplier; // < 2^34 · 2^17: exact in a float64, as in the C's uint64
    const e = Math.floor(product / 2 ** shift);
    if (e < EXPONENT_LIMIT) total += EXP2_TABLE[e & ((1 << EXPONENT_BITS) - 1)]! >> (e >> EXPONENT_BITS);
  }
  return Math.floor((1000 * 32768 + Math.floor(total / 2)) / total);
}

/**
 * PCM in chunks of any size -> 28×28 feature windows, as bitnet_kws_push sees them: frame f covers stream samples
 * [f·hop, f·hop + window); after frame 27, and every strideFrames frames after it, the last 28 frames form a window
 * ([row][frame], row 0 the highest band), equal to clipFeatures of the 16000 samples from its first frame's start.
 */
export class FeatureStream {
  private readonly ring = new Int16Array(FRONT_END.windowSamples);
  private readonly frame = new Int16Array(FRONT_END.windowSamples);
  private readonly columns = new Uint8Array(MEL_BANDS * FEATURE_FRAMES);
  private total = 0;
  private untilFrame = FRONT_END.windowSamples;
  private untilWindow = FEATURE_FRAMES;

  constructor(private readonly strideFrames = DETECTOR.strideFrames) {}

  reset(): void {
    this.total = 0;
    this.untilFrame = FRONT_END.windowSamples;
    this.untilWindow = FEATURE_FRAMES;
    this.columns.fill(0);
  }

  /** The windows completed by these samples, each (784) with the stream position (samples) that completed it. */
  push(samples: Int16Array): { features: Uint8Array; endSample: number }[] {
    const out: { features: Uint8Array; endSample: number }[] = [];
    const mask = FRONT_END.windowSamples - 1;
    for (let i = 0; i < samples.length; i++) {
      this.ring[this.total & mask] = samples[i]!;
      this.total++;
      if (--this.untilFrame > 0) continue;
      this.untilFrame = FRONT_END.hopSamples;
      for (let n = 0; n < FRONT_END.windowSamples; n++) this.frame[n] = this.ring[(this.total + n) & mask]!;
      const column = frameFeatures(this.frame);
      for (let row = 0; row < MEL_BANDS; row++) {
        this.columns.copyWithin(row * FEATURE_FRAMES, row * FEATURE_FRAMES + 1, (row + 1) * FEATURE_FRAMES);
        this.columns[(row + 1) * FEATURE_FRAMES - 1] = column[row]!;
      }
      if (--this.untilWindow > 0) continue;
      this.untilWindow = this.strideFrames;
      out.push({ features: this.columns.slice(), endSample: this.total });
    }
    return out;
  }
}
