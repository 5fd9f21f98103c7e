/**
 * Collect mode's drawings, kept in this browser (IndexedDB through idb-keyval, beside the kept runs) so that a
 * reload finds them. One record: the classes with their PNG drawings. A record that cannot be read is reported
 * and treated as empty; nothing here throws into the page.
 */
import { get, set } from 'idb-keyval';
import type { CollectedClass } from '../core/data/collectedSet';

const KEY = 'bitnet-playground/collected-set';
const SCHEMA_VERSION = 1;

interface StoredSet {
  schemaVersion: number;
  classes: readonly CollectedClass[];
}

function isStoredSet(value: unknown): value is StoredSet {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<StoredSet>;
  return (
    record.schemaVersion === SCHEMA_VERSION &&
    Array.isArray(record.classes) &&
    record.classes.every((c) => typeof c?.name === 'string' && Array.isArray(c.samples) && c.samples.every((s: unknown) => s instanceof Uint8Array))
  );
}

export async function readCollectedSet(): Promise<{ classes: CollectedClass[]; problem: string | null }> {
  try {
    const value = await get(KEY);
    if (value === undefined) return { classes: [], problem: null };
    if (!isStoredSet(value)) return { classes: [], problem: 'The drawings kept in this browser are in a format this version does not read; collect mode starts empty.' };
    return { classes: [...value.classes], problem: null };
  } catch (error) {
    return { classes: [], problem: `Could not read the kept drawings (${error instanceof Error ? error.message : String(error)}).` };
  }
}

export async function writeCollectedSet(classes: readonly CollectedClass[]): Promise<string | null> {
  try {
    await set(KEY, { schemaVersion: SCHEMA_VERSION, classes } satisfies StoredSet);
    return null;
  } catch (error) {
    return `Could not keep the drawings in this browser (${error instanceof Error ? error.message : String(error)}); download them as a zip to keep them.`;
  }
}
