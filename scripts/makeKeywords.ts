/**
 * `npm run make:keywords -- OUT_DIR [--per-voice N] [--small]`: synthesises a keyword data set in the layout of
 * Google's Speech Commands, since no speech corpus installs here:
 *
 *   OUT_DIR/yes/<voice>_nohash_<n>.wav ...   one folder per word, 16 kHz 16-bit mono WAVs of exactly 1 s
 *   OUT_DIR/_unknown_/...                     other words (Speech Commands' auxiliary words), one class
 *   OUT_DIR/_background_noise_/*.wav          10 s of white, pink and brown noise and a room hum
 *   OUT_DIR/validation_list.txt, testing_list.txt   the held-out files, split by voice
 *
 * A voice is an espeak-ng English accent with a voice variant (`en-us+f2`); each of its clips draws a speed (-s)
 * and a pitch (-p). espeak-ng speaks at 22,050 Hz and sox resamples to 16 kHz (its band-limited `rate`); the word is
 * then cut from espeak-ng's leading and trailing silence, scaled to a random level, placed at a random offset in
 * the 1 s clip (the time shift) and mixed with a random stretch of one of the background noises at a random SNR
 * (5–30 dB). Every draw comes from seeded RNGs, one per clip, so the set is the same on every run and machine. The
 * voices are split validation/test/train by a seeded permutation, so test voices are never heard in training.
 *
 * Two espeak-ng | sox pipelines run at a time. A finished set is marked by OUT_DIR/manifest.json holding the
 * parameters; a run that finds the same manifest returns at once (tests and benchmarks cache the set so).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWav16 } from '../src/core/audio/wav';
import { createRng, permutation, type Rng } from '../src/core/data/rng';

export const KEYWORDS = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'] as const;
/** Speech Commands' auxiliary words, spoken for the _unknown_ class. */
export const UNKNOWN_WORDS = ['bed', 'bird', 'cat', 'dog', 'happy', 'house', 'marvin', 'sheila', 'tree', 'wow'] as const;
/** espeak-ng's English accents (its own voices, not the optional MBROLA ones). */
const ACCENTS = ['en-us', 'en', 'en-gb-scotland', 'en-gb-x-rp', 'en-gb-x-gbclan', 'en-gb-x-gbcwmd', 'en-029', 'en-us-nyc'];
/** espeak-ng voice variants: male, female and formant-synthesiser voices. */
const VARIANTS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'f1', 'f2', 'f3', 'f4', 'f5', 'klatt', 'klatt2', 'klatt3', 'croak'];

const RATE = 16000;
const CLIP = RATE;
const NOISE_SECONDS = 10;
const SNR_DB = [5, 30] as const;
/** Peak level of the word as a share of full scale (a gain between about −16 and −1 dB). */
const PEAK = [0.15, 0.9] as const;
const SPEED_WPM = [120, 200] as const;
const PITCH = [20, 80] as const;
const HELD_OUT_SHARE = 0.15;
const CONCURRENCY = 2;

export interface KeywordSetOptions {
  small: boolean;
  perVoice: number;
  seed: number;
}

export interface KeywordSetPlan {
  words: readonly string[];
  voices: string[];
  perVoice: number;
  unknown: boolean;
}

/** The words and voices of a set: the small one has three words and 16 voices (e2e and unit tests). */
export function keywordSetPlan(options: KeywordSetOptions): KeywordSetPlan {
  const accents = options.small ? ACCENTS.slice(0, 4) : ACCENTS;
  const variants = options.small ? ['m1', 'f2', 'm3', 'f4'] : VARIANTS;
  return {
    words: options.small ? KEYWORDS.slice(0, 3) : KEYWORDS,
    voices: accents.flatMap((accent) => variants.map((variant) => `${accent}+${variant}`)),
    perVoice: options.perVoice,
    unknown: true,
  };
}

/** A voice as it is written in file names (the speaker of the Speech Commands layout: no '+', no "_nohash_"). */
export function speakerOf(voice: string): string {
  return voice.replace('+', '-');
}

/** Voices held out for validation and for test, by a seeded permutation; the rest train. */
export function splitVoices(voices: readonly string[], seed: number): { validation: Set<string>; test: Set<string> } {
  const order = permutation(voices.length, createRng(seed ^ 0x5eed));
  const held = Math.max(1, Math.round(voices.length * HELD_OUT_SHARE));
  const pick = (from: number) => new Set(Array.from(order.subarray(from, from + held), (i) => voices[i]!));
  return { validation: pick(0), test: pick(held) };
}

function runPipeline(voice: string, speed: number, pitch: number, text: string): Promise<Int16Array> {
  return new Promise((resolve, reject) => {
    const espeak = spawn('espeak-ng', ['-v', voice, '-s', String(speed), '-p', String(pitch), '--stdout', text]);
    const sox = spawn('sox', ['-R', '-D', '-t', 'wav', '-', '-t', 'raw', '-r', String(RATE), '-b', '16', '-c', '1', '-e', 'signed-integer', '-L', '-', 'rate', '-v']);
    espeak.stdout.pipe(sox.stdin);
    const chunks: Buffer[] = [];
    let errors = '';
    sox.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    espeak.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    sox.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    espeak.on('error', reject);
    sox.on('error', reject);
    sox.on('close', (code) => {
      if (code !== 0) return reject(new Error(`espeak-ng -v ${voice} "${text}" | sox failed (${code}): ${errors}`));
      const bytes = Buffer.concat(chunks);
      const samples = new Int16Array(bytes.length >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(2 * i);
      resolve(samples);
    });
  });
}

/** The spoken part of espeak-ng's output: from the first to the last 10 ms frame above 5 % of the peak. */
export function trimSilence(samples: Int16Array): Int16Array {
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s));
  const frame = RATE / 100;
  const loud = (f: number) => samples.subarray(f * frame, (f + 1) * frame).some((s) => Math.abs(s) > 0.05 * peak);
  const frames = Math.ceil(samples.length / frame);
  let first = 0;
  while (first < frames && !loud(first)) first++;
  let last = frames - 1;
  while (last > first && !loud(last)) last--;
  return samples.subarray(first * frame, Math.min(samples.length, (last + 1) * frame));
}

function rms(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/**
 * One 1 s clip: the word scaled to a peak drawn from PEAK, at a random offset (a word longer than 1 s keeps its
 * middle second), plus a random stretch of one noise at an SNR drawn from SNR_DB (speech RMS over the word).
 */
export function placeWord(word: Int16Array, noises: readonly Int16Array[], rng: Rng): Int16Array {
  const spoken = word.length > CLIP ? word.subarray((word.length - CLIP) >> 1, ((word.length - CLIP) >> 1) + CLIP) : word;
  let peak = 1;
  for (const s of spoken) peak = Math.max(peak, Math.abs(s));
  const gain = ((PEAK[0] + rng.next() * (PEAK[1] - PEAK[0])) * 32767) / peak;
  const offset = rng.int(CLIP - spoken.length + 1);
  const clip = new Float64Array(CLIP);
  for (let i = 0; i < spoken.length; i++) clip[offset + i] = spoken[i]! * gain;
  const noise = noises[rng.int(noises.length)]!;
  const start = rng.int(noise.length - CLIP + 1);
  const stretch = noise.subarray(start, start + CLIP);
  const snr = SNR_DB[0] + rng.next() * (SNR_DB[1] - SNR_DB[0]);
  const noiseGain = (rms(clip.subarray(offset, offset + spoken.length)) / Math.max(1, rms(stretch))) * 10 ** (-snr / 20);
  const out = new Int16Array(CLIP);
  for (let i = 0; i < CLIP; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(clip[i]! + stretch[i]! * noiseGain)));
  return out;
}

/**
 * The background noises, 10 s each: white, pink and brown noise by sox in repeatable mode (-R), and a room hum
 * (mains at 50 Hz and its harmonics over quiet brown noise).
 */
function makeNoises(dir: string): Promise<Int16Array[]> {
  const recipes: [string, string[]][] = [
    ['white_noise', ['synth', String(NOISE_SECONDS), 'whitenoise', 'vol', '0.3']],
    ['pink_noise', ['synth', String(NOISE_SECONDS), 'pinknoise', 'vol', '0.5']],
    ['brown_noise', ['synth', String(NOISE_SECONDS), 'brownnoise', 'vol', '0.6']],
    ['room_hum', ['synth', String(NOISE_SECONDS), 'brownnoise', 'vol', '0.2', 'synth', String(NOISE_SECONDS), 'sine', 'mix', '50', 'synth', String(NOISE_SECONDS), 'sine', 'mix', '100', 'synth', String(NOISE_SECONDS), 'sine', 'mix', '150', 'vol', '0.3']],
  ];
  return Promise.all(
    recipes.map(
      ([name, effects]) =>
        new Promise<Int16Array>((resolve, reject) => {
          const sox = spawn('sox', ['-R', '-n', '-t', 'raw', '-r', String(RATE), '-b', '16', '-c', '1', '-e', 'signed-integer', '-L', '-', ...effects]);
          const chunks: Buffer[] = [];
          sox.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
          sox.on('error', reject);
          sox.on('close', (code) => {
            if (code !== 0) return reject(new Error(`sox ${effects.join(' ')} failed (${code})`));
            const bytes = Buffer.concat(chunks);
            const pcm = new Int16Array(bytes.length >> 1);
            for (let i = 0; i < pcm.length; i++) pcm[i] = bytes.readInt16LE(2 * i);
            writeFileSync(join(dir, `${name}.wav`), encodeWav16(pcm));
            resolve(pcm);
          });
        }),
    ),
  );
}

interface ClipJob {
  folder: string;
  file: string;
  voice: string;
  text: string;
  seed: number;
}

function seedOf(...parts: (string | number)[]): number {
  let hash = 0x811c9dc5;
  for (const c of parts.join('|')) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}

/** Writes the set into outDir (skipped when outDir's manifest matches); returns the number of clips written. */
export async function makeKeywordSet(outDir: string, options: KeywordSetOptions, log: (line: string) => void = () => undefined): Promise<number> {
  const plan = keywordSetPlan(options);
  const manifest = JSON.stringify({ format: 'bitnet-keywords-v1', ...options, words: plan.words, voices: plan.voices }, null, 1);
  const manifestPath = join(outDir, 'manifest.json');
  if (existsSync(manifestPath) && readFileSync(manifestPath, 'utf8') === manifest) return 0;
  rmSync(outDir, { recursive: true, force: true });
  const noiseDir = join(outDir, '_background_noise_');
  mkdirSync(noiseDir, { recursive: true });
  const noises = await makeNoises(noiseDir);
  const { validation, test } = splitVoices(plan.voices, options.seed);
  const jobs: ClipJob[] = [];
  const folders = [...plan.words, ...(plan.unknown ? ['_unknown_'] : [])];
  for (const folder of folders) {
    mkdirSync(join(outDir, folder), { recursive: true });
    for (const voice of plan.voices) {
      for (let n = 0; n < plan.perVoice; n++) {
        const seed = seedOf(options.seed, folder, voice, n);
        const text = folder === '_unknown_' ? UNKNOWN_WORDS[createRng(seed).int(UNKNOWN_WORDS.length)]! : folder;
        jobs.push({ folder, file: `${speakerOf(voice)}_nohash_${n}.wav`, voice, text, seed });
      }
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const rng = createRng(job.seed);
      rng.next();
      const speed = Math.round(SPEED_WPM[0] + rng.next() * (SPEED_WPM[1] - SPEED_WPM[0]));
      const pitch = Math.round(PITCH[0] + rng.next() * (PITCH[1] - PITCH[0]));
      const word = trimSilence(await runPipeline(job.voice, speed, pitch, job.text));
      writeFileSync(join(outDir, job.folder, job.file), encodeWav16(placeWord(word, noises, rng)));
      if (next % 200 === 0) log(`${next} / ${jobs.length} clips`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const listed = (voices: Set<string>) =>
    jobs
      .filter((job) => voices.has(job.voice))
      .map((job) => `${job.folder}/${job.file}\n`)
      .join('');
  writeFileSync(join(outDir, 'validation_list.txt'), listed(validation));
  writeFileSync(join(outDir, 'testing_list.txt'), listed(test));
  writeFileSync(manifestPath, manifest);
  return jobs.length;
}

function parseArguments(args: readonly string[]): { outDir: string; options: KeywordSetOptions } {
  let outDir: string | null = null;
  const options: KeywordSetOptions = { small: false, perVoice: 0, seed: 41 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--small') options.small = true;
    else if (arg === '--per-voice') options.perVoice = Number(args[++i]);
    else if (arg === '--seed') options.seed = Number(args[++i]);
    else if (!arg.startsWith('--') && outDir === null) outDir = arg;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (outDir === null) throw new Error('usage: npm run make:keywords -- OUT_DIR [--per-voice N] [--small] [--seed S]');
  if (options.perVoice === 0) options.perVoice = options.small ? 2 : 3;
  if (!Number.isInteger(options.perVoice) || options.perVoice < 1) throw new Error('--per-voice takes a whole number ≥ 1');
  return { outDir, options };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').at(-1)!)) {
  const { outDir, options } = parseArguments(process.argv.slice(2));
  const started = performance.now();
  const written = await makeKeywordSet(outDir, options, (line) => console.error(line));
  console.error(written === 0 ? `${outDir} is complete already` : `${written} clips in ${outDir} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
