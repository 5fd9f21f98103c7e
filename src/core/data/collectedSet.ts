/**
 * A data set drawn in the page (collect mode): named classes of PNG drawings. The same folder layout as any image
 * folder (imageFolder.ts), so a collected set downloads as a zip that loads back like any other: `<class>/NNN.png`.
 * Pure: names are checked here, the drawing and the PNG encoding are the page's (canvas.toBlob).
 */
import { zipSync } from 'fflate';
import { MAX_CLASS_NAME_LENGTH, MAX_CLASSES, MIN_CLASSES } from './imageFolder';

/** Drawings a class needs before the set can train (the validation split takes a fifth of them). */
export const MIN_SAMPLES_PER_CLASS = 10;

export interface CollectedClass {
  name: string;
  /** PNG files, in the order drawn. */
  samples: Uint8Array[];
}

/** Why `name` cannot be added next to `existing`, or null when it can. */
export function classNameProblem(name: string, existing: readonly CollectedClass[]): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Give the class a name.';
  if ([...trimmed].length > MAX_CLASS_NAME_LENGTH) return `A class name has at most ${MAX_CLASS_NAME_LENGTH} characters.`;
  // eslint-disable-next-line no-control-regex
  if (/[/\\\u0000-\u001f\u007f]/.test(trimmed) || trimmed.startsWith('.')) return 'A class name cannot hold / or \\, control characters, or start with a dot (it becomes a folder name).';
  if (existing.some((c) => c.name.toLowerCase() === trimmed.toLowerCase())) return `There is a class "${trimmed}" already (names are compared ignoring case).`;
  if (existing.length >= MAX_CLASSES) return `At most ${MAX_CLASSES} classes.`;
  return null;
}

/** Why the set cannot train yet, or null when it can. */
export function readinessProblem(classes: readonly CollectedClass[]): string | null {
  if (classes.length < MIN_CLASSES) return `Add at least ${MIN_CLASSES} classes.`;
  const short = classes.filter((c) => c.samples.length < MIN_SAMPLES_PER_CLASS);
  if (short.length > 0) return `Each class needs ${MIN_SAMPLES_PER_CLASS} drawings: ${short.map((c) => `"${c.name}" has ${c.samples.length}`).join(', ')}.`;
  return null;
}

/** A fixed timestamp, so the same drawings give the same zip bytes. */
const ZIP_TIME = new Date(Date.UTC(2026, 0, 1));

/** The set as a zip of `<class>/NNN.png` (stored, not deflated: PNGs are compressed already). */
export function collectedSetZip(classes: readonly CollectedClass[]): Uint8Array {
  const entries: Record<string, [Uint8Array, { mtime: Date; level: 0 }]> = {};
  for (const c of classes) {
    const digits = Math.max(3, String(c.samples.length).length);
    c.samples.forEach((png, i) => (entries[`${c.name}/${String(i).padStart(digits, '0')}.png`] = [png, { mtime: ZIP_TIME, level: 0 }]));
  }
  return zipSync(entries);
}
