import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CLIP_SAMPLES } from './frontEnd';
import { clipFileName, recordedReadinessProblem, recordedSetZip, wordNameProblem, type RecordedSet } from './recordedSet';
import { parseWav } from './wav';

const clip = (seed: number) => Int16Array.from({ length: CLIP_SAMPLES }, (_, i) => ((i * seed) % 2000) - 1000);
const recorded = (counts: Record<string, number>, noise = 0): RecordedSet => ({
  words: Object.entries(counts).map(([name, n], w) => ({ name, clips: Array.from({ length: n }, (_, i) => clip(w * 100 + i + 1)) })),
  background: Array.from({ length: noise }, (_, i) => clip(7 + i)),
});

describe('recorded keywords', () => {
  it('check word names: empty, the noise folder, path characters, duplicates ignoring case', () => {
    const words = recorded({ yes: 1 }).words;
    expect(wordNameProblem(' ', words)).toMatch(/name/);
    expect(wordNameProblem('_background_noise_', words)).toMatch(/room noise/);
    expect(wordNameProblem('a/b', words)).toMatch(/cannot hold/);
    expect(wordNameProblem('YES', words)).toMatch(/"YES" already/);
    expect(wordNameProblem('_unknown_', words)).toBeNull();
  });

  it('are ready with two classes of ten clips, room noise standing for _silence_', () => {
    expect(recordedReadinessProblem(recorded({ yes: 12 }))).toMatch(/at least two/);
    expect(recordedReadinessProblem(recorded({ yes: 12 }, 1))).toBeNull();
    expect(recordedReadinessProblem(recorded({ yes: 12, _silence_: 0 }, 1))).toBeNull();
    expect(recordedReadinessProblem(recorded({ yes: 12, no: 9 }))).toBe('Each word needs 10 clips: "no" has 9.');
    expect(recordedReadinessProblem(recorded({ yes: 10, no: 10 }))).toBeNull();
  });

  it('download as the Speech Commands layout, one speaker, and read back sample for sample', () => {
    const set = recorded({ yes: 3, no: 2 }, 1);
    const files = unzipSync(recordedSetZip(set));
    expect(Object.keys(files).sort()).toEqual(
      ['_background_noise_/room_1.wav', 'no/recorded_nohash_0.wav', 'no/recorded_nohash_1.wav', 'yes/recorded_nohash_0.wav', 'yes/recorded_nohash_1.wav', 'yes/recorded_nohash_2.wav'].sort(),
    );
    const wav = parseWav(files[`no/${clipFileName(1)}`]!, 'no');
    expect(wav.sampleRate).toBe(16000);
    expect(Int16Array.from(wav.mono, (v) => Math.round(v * 32768))).toEqual(set.words[1]!.clips[1]);
    expect(recordedSetZip(set)).toEqual(recordedSetZip(set));
  });
});
