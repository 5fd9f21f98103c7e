/**
 * From the microphone's samples (mono, at the device's 44.1 or 48 kHz) to what the keyword pages use: a ring of
 * the last few seconds, a recorded clip (resampled to 16 kHz, the loudest second kept, refused when silent), the
 * live stream at 16 kHz (for the spectrogram and Listen) and where a sound ends in it. Pure: the page's AudioWorklet
 * fills the ring.
 */
import { CLIP_SAMPLES, SAMPLE_RATE } from './frontEnd';
import { clipLevel, loudestSecond, resample, toPcm16 } from './resample';

/** A clip quieter than this (RMS over its loudest second) is taken for a muted or missing microphone. */
export const SILENT_CLIP_DB = -55;
/** What one recording captures: the word may start late or end late; the loudest second of it is kept. */
export const CAPTURE_SECONDS = 1.5;

/** The newest samples of a stream: push blocks in, read the last n out. */
export class SampleRing {
  private readonly buffer: Float32Array;
  /** Samples pushed since the start. */
  written = 0;

  constructor(capacity: number) {
    this.buffer = new Float32Array(capacity);
  }

  get capacity(): number {
    return this.buffer.length;
  }

  push(samples: Float32Array): void {
    const size = this.buffer.length;
    const tail = samples.length > size ? samples.subarray(samples.length - size) : samples;
    const start = (this.written + samples.length - tail.length) % size;
    const first = Math.min(tail.length, size - start);
    this.buffer.set(tail.subarray(0, first), start);
    this.buffer.set(tail.subarray(first), 0);
    this.written += samples.length;
  }

  /** The samples [from, from + count) of the stream, oldest first; zeros where they are not (or no longer) held. */
  range(from: number, count: number): Float32Array {
    const out = new Float32Array(count);
    const size = this.buffer.length;
    const oldest = Math.max(0, this.written - size);
    for (let i = 0; i < count; i++) {
      const at = from + i;
      if (at >= oldest && at < this.written) out[i] = this.buffer[at % size]!;
    }
    return out;
  }

  /** The newest `count` samples, oldest first (zeros before the stream's start). */
  latest(count: number): Float32Array {
    return this.range(this.written - count, count);
  }
}

export type RecordedClip = { pcm: Int16Array; levelDb: number } | { problem: string };

/** A recording at `sampleRate` as a 1 s 16 kHz clip: resampled, the loudest second kept; or why it is refused. */
export function clipFromCapture(samples: Float32Array, sampleRate: number): RecordedClip {
  const pcm = loudestSecond(toPcm16(resample(samples, sampleRate, SAMPLE_RATE)), CLIP_SAMPLES);
  const levelDb = clipLevel(pcm);
  if (!(levelDb > SILENT_CLIP_DB)) {
    return { problem: `The clip is silent (${Number.isFinite(levelDb) ? levelDb.toFixed(0) : '−∞'} dBFS): is the microphone muted or too far? Nothing was kept.` };
  }
  return { pcm, levelDb };
}

/** Block length for soundEnd: 10 ms at 16 kHz. */
const END_BLOCK = 160;
/** A block this far below the loudest one is past the sound's end. */
const END_DROP_DB = 20;

/**
 * Where the loudest sound of a 16 kHz window ends: the end (sample index) of the last 10 ms block whose energy is
 * within END_DROP_DB of the loudest block's. Listen measures its latency from there.
 */
export function soundEnd(pcm: Int16Array): number {
  const blocks = Math.floor(pcm.length / END_BLOCK);
  const energy = new Float64Array(blocks);
  let loudest = 0;
  for (let b = 0; b < blocks; b++) {
    let sum = 0;
    for (let i = b * END_BLOCK; i < (b + 1) * END_BLOCK; i++) sum += pcm[i]! * pcm[i]!;
    energy[b] = sum;
    loudest = Math.max(loudest, sum);
  }
  const floor = loudest * 10 ** (-END_DROP_DB / 10);
  for (let b = blocks - 1; b >= 0; b--) if (energy[b]! >= floor && loudest > 0) return (b + 1) * END_BLOCK;
  return pcm.length;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The microphone's stream at 16 kHz, as it arrives: output sample k is the input at k·from/16000, the same grid
 * for the whole stream, so chunks join without seams. Outputs go in groups of `outStep` (16000/g, g the rates'
 * gcd) that cover `inStep` (from/g) inputs exactly; a group is made once `margin` more inputs (≥ the resampling
 * filter's reach, a whole number of groups) have arrived, and `resample` runs on the groups with a margin on each side,
 * which is dropped. Its delay: margin + up to inStep samples at the device's rate (about 20 ms at 44.1 kHz).
 */
export class StreamResampler {
  private readonly inStep: number;
  private readonly outStep: number;
  private readonly margin: number;
  /** Groups made so far. */
  private groups = 0;

  constructor(private readonly fromRate: number) {
    if (!Number.isInteger(fromRate) || fromRate <= 0) throw new RangeError(`a stream's rate must be a positive integer (${fromRate})`);
    const g = gcd(fromRate, SAMPLE_RATE);
    this.inStep = fromRate / g;
    this.outStep = SAMPLE_RATE / g;
    // The resampling kernel reaches under 64 input samples each side for rates up to 96 kHz.
    this.margin = this.inStep * Math.ceil(Math.max(64, fromRate / 750) / this.inStep);
  }

  /** 16 kHz samples made so far. */
  get produced(): number {
    return this.groups * this.outStep;
  }

  /** The 16 kHz samples that the ring's new input completes (none while too few have arrived). */
  push(ring: SampleRing): Int16Array {
    const until = Math.floor((ring.written - this.margin) / this.inStep);
    // Input older than the ring holds is lost: skip ahead rather than resample zeros.
    const oldest = Math.ceil((ring.written - ring.capacity + this.margin) / this.inStep);
    const from = Math.max(this.groups, oldest);
    if (until <= from) return new Int16Array(0);
    const input = ring.range(from * this.inStep - this.margin, (until - from) * this.inStep + 2 * this.margin);
    const output = resample(input, this.fromRate, SAMPLE_RATE);
    const skip = (this.margin / this.inStep) * this.outStep;
    this.groups = until;
    return toPcm16(output.subarray(skip, skip + (until - from) * this.outStep));
  }
}
