import { describe, expect, it } from 'vitest';
import { clipFromCapture, SampleRing, soundEnd, StreamResampler } from './capture';
import { resample, toPcm16 } from './resample';
import { CLIP_SAMPLES } from './frontEnd';

const tone = (count: number, rate: number, hz: number, amplitude: number) => Float32Array.from({ length: count }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));

describe('the sample ring', () => {
  it('keeps the newest samples across wrap-arounds and blocks larger than itself', () => {
    const ring = new SampleRing(8);
    ring.push(Float32Array.of(1, 2, 3, 4, 5));
    expect(Array.from(ring.latest(3))).toEqual([3, 4, 5]);
    expect(Array.from(ring.latest(7))).toEqual([0, 0, 1, 2, 3, 4, 5]);
    ring.push(Float32Array.of(6, 7, 8, 9, 10));
    expect(ring.written).toBe(10);
    expect(Array.from(ring.latest(8))).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Array.from(ring.range(0, 4))).toEqual([0, 0, 3, 4]);
    ring.push(Float32Array.from({ length: 20 }, (_, i) => 100 + i));
    expect(Array.from(ring.latest(3))).toEqual([117, 118, 119]);
    expect(Array.from(ring.range(ring.written - 2, 4))).toEqual([118, 119, 0, 0]);
  });
});

describe('a recorded clip', () => {
  it('is 1 s at 16 kHz around the loudest part of a 48 kHz capture', () => {
    const rate = 48_000;
    const capture = new Float32Array(rate * 1.5);
    capture.set(tone(rate / 2, rate, 440, 0.5), rate * 0.8);
    const clip = clipFromCapture(capture, rate);
    if ('problem' in clip) throw new Error(clip.problem);
    expect(clip.pcm.length).toBe(CLIP_SAMPLES);
    expect(clip.levelDb).toBeGreaterThan(-15);
    // The whole tone (0.8–1.3 s of the capture) is inside the kept second.
    let loud = 0;
    for (const s of clip.pcm) if (Math.abs(s) > 8000) loud++;
    expect(loud).toBeGreaterThan(0.25 * CLIP_SAMPLES);
  });

  it('is refused when silent, with a message saying so', () => {
    const clip = clipFromCapture(tone(44_100 * 1.5, 44_100, 300, 0.0005), 44_100);
    expect('problem' in clip && clip.problem).toMatch(/silent/);
  });
});

describe('the sound end', () => {
  it('is where the loud part of a 16 kHz window stops', () => {
    const rate = 44_100;
    const ring = new SampleRing(rate * 2);
    const stream = new StreamResampler(rate);
    const parts: Int16Array[] = [];
    for (const block of [new Float32Array(rate), tone(rate / 4, rate, 500, 0.6), new Float32Array(rate / 2)]) {
      ring.push(block);
      parts.push(stream.push(ring));
    }
    const pcm = Int16Array.from(parts.flatMap((p) => Array.from(p)));
    // The tone: 1–1.25 s of the stream; the window is the second before 1.4 s.
    const window = pcm.subarray(Math.round(0.4 * CLIP_SAMPLES), Math.round(1.4 * CLIP_SAMPLES));
    expect(Math.abs(soundEnd(window) - 0.85 * CLIP_SAMPLES)).toBeLessThanOrEqual(320);
    expect(soundEnd(new Int16Array(CLIP_SAMPLES))).toBe(CLIP_SAMPLES);
  });
});

describe('the stream resampler', () => {
  it('joins chunks of any size without seams: the same samples as resampling the whole stream at once', () => {
    for (const rate of [44_100, 48_000]) {
      const signal = Float32Array.from({ length: rate }, (_, i) => 0.4 * Math.sin((2 * Math.PI * 700 * i) / rate) + 0.2 * Math.sin((2 * Math.PI * 2300 * i) / rate + 1));
      const ring = new SampleRing(rate);
      const stream = new StreamResampler(rate);
      const parts: Int16Array[] = [];
      for (let at = 0, size = 128; at < signal.length; at += size, size = (size * 7) % 3000 + 128) {
        ring.push(signal.subarray(at, Math.min(signal.length, at + size)));
        parts.push(stream.push(ring));
      }
      const streamed = Int16Array.from(parts.flatMap((p) => Array.from(p)));
      expect(streamed.length).toBe(stream.produced);
      expect(streamed.length).toBeGreaterThan(15_000);
      const whole = toPcm16(resample(signal, rate, 16_000));
      let worst = 0;
      // Away from the stream's start (where the whole-signal resampling sees zeros before it as well).
      for (let k = 100; k < streamed.length; k++) worst = Math.max(worst, Math.abs(streamed[k]! - whole[k]!));
      expect(worst, `${rate} Hz`).toBeLessThanOrEqual(1);
    }
  });
});
