import { describe, expect, it } from 'vitest';
import { levelDb, microphoneProblem } from './microphone';

describe('the microphone', () => {
  it("explains getUserMedia's refusals by their names", () => {
    expect(microphoneProblem(new DOMException('denied', 'NotAllowedError'))).toMatch(/Permission .* denied/);
    expect(microphoneProblem(new DOMException('none', 'NotFoundError'))).toMatch(/No microphone was found/);
    expect(microphoneProblem(new DOMException('busy', 'NotReadableError'))).toMatch(/another application/);
    expect(microphoneProblem(new Error('odd'))).toMatch(/could not be opened \(odd\)/);
  });

  it('measures a block in dBFS: a full-scale sine is −3 dB, silence −120', () => {
    const sine = Float32Array.from({ length: 4800 }, (_, i) => Math.sin((2 * Math.PI * i) / 48));
    expect(levelDb(sine)).toBeCloseTo(-3.01, 1);
    expect(levelDb(new Float32Array(128))).toBe(-120);
  });
});
