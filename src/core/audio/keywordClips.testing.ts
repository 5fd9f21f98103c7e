/**
 * Test helpers: WAV files of any encoding written from float samples, and a tiny keyword folder of "words" that
 * are tone sweeps (each word its own band, so a model or a feature check can tell them apart) said by "speakers"
 * that differ in pitch and timing. Deterministic: the speakers are drawn from a seeded RNG.
 */
import { createRng } from '../data/rng';

export type WavEncoding = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64';

const BITS: Record<WavEncoding, number> = { u8: 8, s16: 16, s24: 24, s32: 32, f32: 32, f64: 64 };

/** A WAV file of `channels` interleaved channels, each the same samples (−1..1) scaled by its channel's gain. */
export function wavFile(samples: ArrayLike<number>, sampleRate: number, encoding: WavEncoding = 's16', channels = 1): Uint8Array {
  const bytesPer = BITS[encoding] / 8;
  const dataBytes = samples.length * channels * bytesPer;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, encoding === 'f32' || encoding === 'f64' ? 3 : 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * bytesPer, true);
  view.setUint16(32, channels * bytesPer, true);
  view.setUint16(34, BITS[encoding], true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  let at = 44;
  for (let i = 0; i < samples.length; i++) {
    for (let c = 0; c < channels; c++) {
      const s = Math.max(-1, Math.min(1 - 2 ** -23, samples[i]!));
      if (encoding === 'u8') view.setUint8(at, Math.round(s * 127) + 128);
      else if (encoding === 's16') view.setInt16(at, Math.round(s * 32767), true);
      else if (encoding === 's24') {
        const v = Math.round(s * 8388607);
        view.setUint8(at, v & 0xff);
        view.setUint8(at + 1, (v >> 8) & 0xff);
        view.setInt8(at + 2, v >> 16);
      } else if (encoding === 's32') view.setInt32(at, Math.round(s * 2147483647), true);
      else if (encoding === 'f32') view.setFloat32(at, s, true);
      else view.setFloat64(at, s, true);
      at += bytesPer;
    }
  }
  return bytes;
}

/** Centre frequency (Hz) of each test word: far apart on the mel scale. */
export const TONE_WORDS: Record<string, number> = { yes: 400, no: 1200, up: 3000, _unknown_: 6000 };

/**
 * One spoken "word": a 0.4 s tone burst near the word's frequency (pitch ± 10 % by speaker), with a Hann envelope,
 * at `offset` seconds, as float samples at `sampleRate` for `seconds`.
 */
export function toneWord(word: string, speaker: number, sampleRate = 16000, seconds = 1, offset = 0.3): Float32Array {
  const rng = createRng(1000 + speaker);
  const frequency = TONE_WORDS[word]! * (0.9 + 0.2 * rng.next());
  const out = new Float32Array(Math.round(sampleRate * seconds));
  const start = Math.round(offset * sampleRate);
  const length = Math.round(0.4 * sampleRate);
  for (let i = 0; i < length && start + i < out.length; i++) {
    const envelope = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / length);
    out[start + i] = 0.5 * envelope * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  }
  return out;
}

/** Low-level white noise (seeded) as float samples. */
export function noiseSamples(count: number, level = 0.05, seed = 7): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count }, () => level * (2 * rng.next() - 1));
}

/** A Speech Commands folder as path -> bytes: `words` × `speakers` clips at 16 kHz, `_background_noise_/` of 3 s. */
export function toneFolder(words: readonly string[], speakers: number, prefix = ''): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const word of words) {
    for (let s = 0; s < speakers; s++) files[`${prefix}${word}/speaker${s}_nohash_0.wav`] = wavFile(toneWord(word, s), 16000);
  }
  files[`${prefix}_background_noise_/white.wav`] = wavFile(noiseSamples(48000), 16000);
  return files;
}
