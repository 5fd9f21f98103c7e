/**
 * Keyword data for the e2e specs: the small synthesised set (`npm run make:keywords -- DIR --small`, three words,
 * _unknown_ and background noise), made once and cached under bench-results/ (make:keywords returns at once when
 * its manifest matches), zipped as a user would; and the looping WAV files Chromium's fake microphone plays.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { encodeWav16, parseWav } from '../src/core/audio/wav';

const SMALL_SET = resolve(import.meta.dirname, '../bench-results/keywords/small');

/** The small synthesised keyword set's folder (made on first use, minutes on two cores; cached after). */
export function smallKeywordSet(): string {
  mkdirSync(SMALL_SET, { recursive: true });
  execFileSync('npx', ['tsx', 'scripts/makeKeywords.ts', SMALL_SET, '--small'], { cwd: resolve(import.meta.dirname, '..'), stdio: 'inherit' });
  return SMALL_SET;
}

/** Each word folder of a Speech Commands folder (not _background_noise_) with its number of WAV files. */
export function wordCounts(dir: string): Record<string, number> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => statSync(join(dir, name)).isDirectory() && name !== '_background_noise_')
      .map((name) => [name, readdirSync(join(dir, name)).filter((f) => f.endsWith('.wav')).length]),
  );
}

/** A folder as a zip under its own name (`small/yes/…`), as a user zips a downloaded data set. */
export function zipFolder(dir: string, root = 'keywords'): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  const walk = (path: string, inZip: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full, `${inZip}/${name}`);
      else if (name.endsWith('.wav') || name.endsWith('.txt')) entries[`${inZip}/${name}`] = new Uint8Array(readFileSync(full));
    }
  };
  walk(dir, root);
  return zipSync(entries, { level: 0 });
}

/** The first training clip of `word` (a file not in the validation or testing lists). */
export function trainingClip(dir: string, word: string): Int16Array {
  const heldOut = new Set(['validation_list.txt', 'testing_list.txt'].flatMap((list) => readFileSync(join(dir, list), 'utf8').split('\n')));
  const file = readdirSync(join(dir, word))
    .sort()
    .find((name) => !heldOut.has(`${word}/${name}`));
  if (!file) throw new Error(`no training clip of ${word} in ${dir}`);
  const wav = parseWav(new Uint8Array(readFileSync(join(dir, word, file))), file);
  return Int16Array.from(wav.mono, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
}

/**
 * A WAV for --use-file-for-fake-audio-capture, which Chromium loops: the clip, then `silenceSeconds` of quiet, so
 * the word comes round every 1 + silenceSeconds s.
 */
export function loopFile(clip: Int16Array, path: string, silenceSeconds = 1): string {
  const pcm = new Int16Array(clip.length + Math.round(16000 * silenceSeconds));
  pcm.set(clip);
  writeFileSync(path, encodeWav16(pcm, 16000));
  return path;
}
