/**
 * The run autosaved in the browser (IndexedDB through idb-keyval, a maintained 600-byte wrapper, rather than raw
 * IndexedDB requests): the last snapshot the worker sent, with its config and the curves, stored by structured
 * clone (no encoding on the main thread). A reloaded page offers to resume it. Storage can fail (quota, private
 * mode, a blocked database): every call reports that as a message and never throws.
 */
import { del, get, set } from 'idb-keyval';
import type { CheckpointCurves } from '../core/checkpoint';
import type { TrainConfig } from '../core/config';
import type { TrainerState } from '../core/trainerState';

const AUTOSAVE_KEY = 'bitnet-playground/autosave';
/** Bumped when the stored shape changes; an older record is discarded with a message rather than misread. */
export const AUTOSAVE_SCHEMA_VERSION = 1;

export interface AutosavedRun {
  schemaVersion: number;
  savedAt: number;
  preset: string;
  datasetId: string;
  config: TrainConfig;
  state: TrainerState;
  curves: CheckpointCurves;
}

export type StorageResult<T> = { ok: true; value: T } | { ok: false; message: string };

function failure(action: string, error: unknown): { ok: false; message: string } {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { ok: false, message: `Could not ${action} in this browser's storage (${reason}); training goes on, but a reload will not be able to resume it.` };
}

export async function writeAutosave(run: AutosavedRun): Promise<StorageResult<null>> {
  try {
    await set(AUTOSAVE_KEY, run);
    return { ok: true, value: null };
  } catch (error) {
    return failure('autosave the run', error);
  }
}

export async function readAutosave(): Promise<StorageResult<AutosavedRun | null>> {
  try {
    const run = (await get(AUTOSAVE_KEY)) as AutosavedRun | undefined;
    if (!run) return { ok: true, value: null };
    if (run.schemaVersion !== AUTOSAVE_SCHEMA_VERSION) {
      await del(AUTOSAVE_KEY);
      return { ok: false, message: `An autosaved run from an older version of the app (schema ${run.schemaVersion}) could not be resumed and was discarded.` };
    }
    return { ok: true, value: run };
  } catch (error) {
    return failure('read the autosaved run', error);
  }
}

export async function clearAutosave(): Promise<void> {
  try {
    await del(AUTOSAVE_KEY);
  } catch {
    // Nothing to clear where storage is unavailable.
  }
}
