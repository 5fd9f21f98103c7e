/**
 * Sample-rate conversion and clip helpers for the keyword front end (float, not on the device: the microphone's
 * 44.1/48 kHz and WAVs of other rates become 16 kHz here, before the integer front end of frontEnd.ts).
 */
import { CLIP_SAMPLES } from './frontEnd';

/** Zero crossings of the sinc on each side at the lower of the two rates. */
const SINC_ZEROS = 16;
/** The low-pass edge as a share of the lower Nyquist frequency: the transition band ends below it. */
const CUTOFF = 0.92;

/** Blackman window on −1..1. */
const blackman = (t: number): number => 0.42 + 0.5 * Math.cos(Math.PI * t) + 0.08 * Math.cos(2 * Math.PI * t);

/** The windowed sinc at distance d (input samples) from the output position; 0 beyond the kernel. */
function tap(d: number, cutoff: number, half: number): number {
  if (Math.abs(d) > half) return 0;
  const x = 2 * cutoff * d;
  return 2 * cutoff * (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)) * blackman(d / half);
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
/** Most phases a polyphase table holds (44.1 kHz -> 16 kHz needs 160, 22.05 kHz 320). */
const MAX_PHASES = 4096;

/**
 * Band-limited resampling (Blackman-windowed sinc): output sample i is the input interpolated at i·from/to, the
 * sinc's cutoff at CUTOFF × the lower Nyquist frequency (so downsampling filters what would alias). Samples outside
 * the input count as 0. (n) at fromRate -> (round(n·to/from)) at toRate. Integer rates whose ratio reduces to
 * up/down with up ≤ 4096 use a table of the kernel for each of the up phases; other rates compute it per sample.
 */
export function resample(samples: Float32Array, fromRate: number, toRate = 16000): Float32Array {
  if (!(fromRate > 0 && toRate > 0)) throw new RangeError(`sample rates must be positive (${fromRate} -> ${toRate})`);
  if (fromRate === toRate) return samples.slice();
  const ratio = fromRate / toRate;
  const length = Math.round(samples.length / ratio);
  const out = new Float32Array(length);
  // The cutoff in cycles per input sample, and the kernel's half-width in input samples.
  const cutoff = (CUTOFF * 0.5 * Math.min(fromRate, toRate)) / fromRate;
  const half = SINC_ZEROS / (2 * cutoff);
  const g = Number.isInteger(fromRate) && Number.isInteger(toRate) ? gcd(fromRate, toRate) : 0;
  if (g > 0 && toRate / g <= MAX_PHASES) {
    // Output i sits at (i·down)/up = n0 + p/up: taps n0 + o for o in −reach..reach + 1, weights by phase p.
    const [up, down] = [toRate / g, fromRate / g];
    const reach = Math.ceil(half);
    const width = 2 * reach + 2;
    const table = new Float64Array(up * width);
    for (let p = 0; p < up; p++) for (let o = -reach; o <= reach + 1; o++) table[p * width + o + reach] = tap(o - p / up, cutoff, half);
    for (let i = 0; i < length; i++) {
      const n0 = Math.floor((i * down) / up);
      const row = ((i * down) % up) * width - n0 + reach;
      let sum = 0;
      for (let n = Math.max(0, n0 - reach), last = Math.min(samples.length - 1, n0 + reach + 1); n <= last; n++) sum += samples[n]! * table[row + n]!;
      out[i] = sum;
    }
    return out;
  }
  for (let i = 0; i < length; i++) {
    const t = i * ratio;
    let sum = 0;
    for (let n = Math.max(0, Math.ceil(t - half)), last = Math.min(samples.length - 1, Math.floor(t + half)); n <= last; n++) sum += samples[n]! * tap(n - t, cutoff, half);
    out[i] = sum;
  }
  return out;
}

/** −1..1 floats -> int16, rounded and clipped to −32768..32767. */
export function toPcm16(samples: Float32Array): Int16Array {
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768)));
  return pcm;
}

/**
 * The `length` samples of most energy (the first such window on ties): the word in a longer recording. A shorter
 * clip comes back centred in zeros.
 */
export function loudestSecond(pcm: Int16Array, length = CLIP_SAMPLES): Int16Array {
  const out = new Int16Array(length);
  if (pcm.length <= length) {
    out.set(pcm, Math.floor((length - pcm.length) / 2));
    return out;
  }
  // Sums of squares stay below 2^30·length: exact in a float64.
  let energy = 0;
  for (let i = 0; i < length; i++) energy += pcm[i]! * pcm[i]!;
  let best = energy;
  let bestStart = 0;
  for (let start = 1; start + length <= pcm.length; start++) {
    const leaving = pcm[start - 1]!;
    const entering = pcm[start + length - 1]!;
    energy += entering * entering - leaving * leaving;
    if (energy > best) {
      best = energy;
      bestStart = start;
    }
  }
  out.set(pcm.subarray(bestStart, bestStart + length));
  return out;
}

/** RMS level in dBFS (a full-scale square wave is 0 dB); −Infinity for silence or no samples. */
export function clipLevel(pcm: Int16Array): number {
  if (pcm.length === 0) return -Infinity;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  return sum === 0 ? -Infinity : 10 * Math.log10(sum / pcm.length / (32768 * 32768));
}
