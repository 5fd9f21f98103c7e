/**
 * Keywords recorded in the page, kept in this browser (IndexedDB through idb-keyval, as collect mode's drawings)
 * so that a reload finds them: the words with their 16 kHz clips and the room-noise recordings. A record that
 * cannot be read is reported and treated as empty; nothing here throws into the page.
 */
import { get, set } from 'idb-keyval';
import type { RecordedSet } from '../core/audio/recordedSet';

const KEY = 'bitnet-playground/recorded-keywords';
const SCHEMA_VERSION = 1;

interface StoredSet extends RecordedSet {
  schemaVersion: number;
}

const isClipList = (value: unknown): value is Int16Array[] => Array.isArray(value) && value.every((clip) => clip instanceof Int16Array);

function isStoredSet(value: unknown): value is StoredSet {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<StoredSet>;
  return (
    record.schemaVersion === SCHEMA_VERSION &&
    Array.isArray(record.words) &&
    record.words.every((w) => typeof w?.name === 'string' && isClipList(w.clips)) &&
    isClipList(record.background)
  );
}

export async function readRecordedSet(): Promise<{ set: RecordedSet; problem: string | null }> {
  const empty: RecordedSet = { words: [], background: [] };
  try {
    const value = await get(KEY);
    if (value === undefined) return { set: empty, problem: null };
    if (!isStoredSet(value)) return { set: empty, problem: 'The keywords kept in this browser are in a format this version does not read; recording starts empty.' };
    return { set: { words: value.words, background: value.background }, problem: null };
  } catch (error) {
    return { set: empty, problem: `Could not read the kept keywords (${error instanceof Error ? error.message : String(error)}).` };
  }
}

export async function writeRecordedSet(recorded: RecordedSet): Promise<string | null> {
  try {
    await set(KEY, { schemaVersion: SCHEMA_VERSION, ...recorded } satisfies StoredSet);
    return null;
  } catch (error) {
    return `Could not keep the clips in this browser (${error instanceof Error ? error.message : String(error)}); download them as a zip to keep them.`;
  }
}
