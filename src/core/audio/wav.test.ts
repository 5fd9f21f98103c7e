import { describe, expect, it } from 'vitest';
import { encodeWav16, parseWav, WavError } from './wav';
import { clipLevel, loudestSecond, resample, toPcm16 } from './resample';
import { createRng } from '../data/rng';

/** A WAV of the given encoding written by hand, as other tools write it: (frames, channels) samples in −1..1. */
function writeWav(samples: number[][], sampleRate: number, encoding: 'pcm' | 'float', bits: number, options: { extensible?: boolean; listChunk?: boolean } = {}): Uint8Array {
  const channels = samples[0]!.length;
  const bytesPer = bits / 8;
  const data = new Uint8Array(samples.length * channels * bytesPer);
  const view = new DataView(data.buffer);
  samples.flat().forEach((v, i) => {
    const at = i * bytesPer;
    if (encoding === 'float') {
      if (bits === 32) view.setFloat32(at, v, true);
      else view.setFloat64(at, v, true);
    } else if (bits === 8) view.setUint8(at, Math.round(v * 127) + 128);
    else if (bits === 16) view.setInt16(at, Math.round(v * 32767), true);
    else if (bits === 24) {
      const q = Math.round(v * 8388607);
      view.setUint8(at, q & 255);
      view.setUint8(at + 1, (q >> 8) & 255);
      view.setInt8(at + 2, q >> 16);
    } else view.setInt32(at, Math.round(v * 2147483647), true);
  });
  const code = encoding === 'pcm' ? 1 : 3;
  const fmt = new Uint8Array(options.extensible ? 40 : 16);
  const f = new DataView(fmt.buffer);
  f.setUint16(0, options.extensible ? 0xfffe : code, true);
  f.setUint16(2, channels, true);
  f.setUint32(4, sampleRate, true);
  f.setUint32(8, sampleRate * channels * bytesPer, true);
  f.setUint16(12, channels * bytesPer, true);
  f.setUint16(14, bits, true);
  if (options.extensible) {
    f.setUint16(16, 22, true);
    f.setUint16(24, code, true);
  }
  const chunk = (id: string, body: Uint8Array): Uint8Array => {
    const out = new Uint8Array(8 + body.length + (body.length & 1));
    for (let i = 0; i < 4; i++) out[i] = id.charCodeAt(i);
    new DataView(out.buffer).setUint32(4, body.length, true);
    out.set(body, 8);
    return out;
  };
  const parts = [chunk('fmt ', fmt), ...(options.listChunk ? [chunk('LIST', new Uint8Array(5).fill(65))] : []), chunk('data', data)];
  const total = 12 + parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  out.set([82, 73, 70, 70], 0);
  new DataView(out.buffer).setUint32(4, total - 8, true);
  out.set([87, 65, 86, 69], 8);
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const sine = (hz: number, rate: number, seconds: number, amplitude = 0.5): number[] =>
  Array.from({ length: Math.round(rate * seconds) }, (_, n) => amplitude * Math.sin((2 * Math.PI * hz * n) / rate));

describe('parseWav and encodeWav16', () => {
  it('round-trips 16-bit mono PCM', () => {
    const pcm = Int16Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 65536) - 32768);
    const decoded = parseWav(encodeWav16(pcm), 'a.wav');
    expect(decoded).toMatchObject({ sampleRate: 16000, channels: 1, bitsPerSample: 16, encoding: 'pcm' });
    expect(Array.from(toPcm16(decoded.mono))).toEqual(Array.from(pcm));
    expect(parseWav(encodeWav16(pcm, 8000), 'b.wav').sampleRate).toBe(8000);
  });

  const encodings: ['pcm' | 'float', number, number][] = [
    ['pcm', 8, 1 / 64],
    ['pcm', 16, 1e-4],
    ['pcm', 24, 1e-6],
    ['pcm', 32, 1e-6],
    ['float', 32, 1e-7],
    ['float', 64, 1e-7],
  ];
  it.each(encodings)('%s %i-bit, stereo, extensible, with a LIST chunk: the channels averaged', (encoding, bits, tolerance) => {
    const left = sine(440, 16000, 0.05);
    const right = sine(880, 16000, 0.05, 0.25);
    for (const extensible of [false, true]) {
      const decoded = parseWav(writeWav(left.map((l, i) => [l, right[i]!]), 16000, encoding, bits, { extensible, listChunk: true }), 'x.wav');
      expect(decoded).toMatchObject({ channels: 2, bitsPerSample: bits, encoding, sampleRate: 16000 });
      expect(decoded.mono.length).toBe(left.length);
      decoded.mono.forEach((v, i) => expect(Math.abs(v - (left[i]! + right[i]!) / 2)).toBeLessThanOrEqual(tolerance + 1e-7));
    }
  });

  it.each([44100, 48000])('a %i Hz recording resamples to 16 kHz: a 1 kHz tone stays, a 10 kHz tone (above 8 kHz) is filtered out', (rate) => {
    const decoded = parseWav(writeWav(sine(1000, rate, 0.5).map((v) => [v]), rate, 'pcm', 16), 'mic.wav');
    const at16 = resample(decoded.mono, decoded.sampleRate);
    expect(at16.length).toBe(8000);
    const ideal = sine(1000, 16000, 0.5);
    for (let n = 200; n < 7800; n++) expect(Math.abs(at16[n]! - ideal[n]!)).toBeLessThan(2e-3);
    const high = resample(Float32Array.from(sine(10000, rate, 0.5)), rate);
    const rms = Math.sqrt(high.subarray(200, 7800).reduce((s, v) => s + v * v, 0) / 7600);
    expect(rms).toBeLessThan(0.005);
  });

  it('the polyphase table (integer rates) and the per-sample kernel (any other rate) resample alike; 8 kHz upsamples', () => {
    const rng = createRng(12);
    const noise = Float32Array.from({ length: 44100 }, () => rng.normal() * 0.1);
    const table = resample(noise, 44100);
    const direct = resample(noise, 44100 * (1 + 1e-12));
    expect(direct.length).toBe(table.length);
    let worst = 0;
    for (let i = 0; i < table.length; i++) worst = Math.max(worst, Math.abs(table[i]! - direct[i]!));
    expect(worst).toBeLessThan(1e-5);
    const up = resample(Float32Array.from(sine(1000, 8000, 0.5)), 8000);
    const ideal = sine(1000, 16000, 0.5);
    expect(up.length).toBe(8000);
    for (let n = 200; n < 7800; n++) expect(Math.abs(up[n]! - ideal[n]!)).toBeLessThan(2e-3);
  });

  it('empty, non-WAV and truncated bytes throw a WavError naming the file', () => {
    const good = encodeWav16(new Int16Array(100));
    const twelveBit = good.slice();
    twelveBit[34] = 12;
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(0), /empty/],
      [new TextEncoder().encode('hello, this is not audio at all'), /not a WAV/],
      [good.subarray(0, 100), /truncated/],
      [good.subarray(0, 30), /truncated/],
      [good.subarray(0, 12), /truncated/],
      [twelveBit, /unsupported 12-bit/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => parseWav(bytes, 'yes/clip_07.wav')).toThrow(WavError);
      expect(() => parseWav(bytes, 'yes/clip_07.wav')).toThrow(new RegExp(`^yes/clip_07\\.wav: .*${message.source}`));
    }
  });
});

describe('clip helpers', () => {
  it('loudestSecond picks the word out of a longer clip, and centres a short one in zeros', () => {
    const rng = createRng(5);
    const long = Int16Array.from({ length: 48000 }, () => Math.round(rng.normal() * 50));
    for (let n = 27000; n < 35000; n++) long[n] = Math.round(12000 * Math.sin(n / 5));
    const second = loudestSecond(long);
    expect(second.length).toBe(16000);
    const loud = (pcm: Int16Array) => pcm.filter((v) => Math.abs(v) > 1000).length;
    expect(loud(second)).toBe(loud(long));
    expect(clipLevel(second)).toBeGreaterThan(clipLevel(long));
    const short = loudestSecond(Int16Array.from({ length: 8000 }, () => 7));
    expect([short[3999], short[4000], short[11999], short[12000]]).toEqual([0, 7, 7, 0]);
  });

  it('clipLevel: a full-scale square wave is 0 dBFS, a sine at half scale about −9 dBFS, silence −Infinity', () => {
    expect(clipLevel(Int16Array.from({ length: 100 }, (_, i) => (i % 2 ? -32768 : -32768)))).toBeCloseTo(0, 6);
    expect(clipLevel(toPcm16(Float32Array.from(sine(1000, 16000, 1))))).toBeCloseTo(-9.03, 1);
    expect(clipLevel(new Int16Array(10))).toBe(-Infinity);
    expect(Array.from(toPcm16(Float32Array.from([2, -2, 0.5])))).toEqual([32767, -32768, 16384]);
  });
});
