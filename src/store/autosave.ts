/**
 * The runs kept in this browser (in the page: IndexedDB through idb-keyval, a maintained 600-byte wrapper, rather
 * than raw IndexedDB requests; any KeyValueStore in tests): the last RUN_LIST_LIMIT runs, each under its own key with the last snapshot the worker
 * sent, its config and its curves, stored by structured clone (no encoding on the main thread), and one list of
 * their summaries (small: config, figures, curves) that the run list and the comparison read without touching the
 * weights. A reloaded page offers to resume the newest. Storage can fail (quota, private mode, a blocked
 * database): every call reports that as a message and never throws.
 */
import type { FrontEndParameters } from '../core/audio/frontEnd';
import type { InputConversion } from '../core/data/imageConversion';
import type { CheckpointCurves } from '../core/run/checkpoint';
import type { TrainConfig } from '../core/model/config';
import type { DatasetId } from '../core/data/dataset';
import type { TrainerState } from '../core/run/trainerState';

const RUN_LIST_KEY = 'bitnet-playground/runs';
const runKey = (id: string) => `bitnet-playground/run/${id}`;
/** Where version 1 kept its single autosave; read once and moved into the list. */
const LEGACY_AUTOSAVE_KEY = 'bitnet-playground/autosave';
/** Bumped when the stored shape changes; an older record is migrated or discarded with a message, never misread. */
export const AUTOSAVE_SCHEMA_VERSION = 2;
export const RUN_LIST_LIMIT = 10;

export interface AutosavedRun {
  schemaVersion: number;
  id: string;
  savedAt: number;
  preset: string;
  datasetId: DatasetId;
  /** The data set's classes and input conversion (absent in runs kept before they were stored: the built-in ten). */
  classNames?: readonly string[];
  conversion?: InputConversion | null;
  /** The keyword front end of a run trained on keywords (absent: none). */
  frontEnd?: FrontEndParameters | null;
  config: TrainConfig;
  state: TrainerState;
  curves: CheckpointCurves;
}

/** What the run list shows and the comparison draws: everything but the weights. */
export interface RunSummary {
  id: string;
  savedAt: number;
  preset: string;
  datasetId: DatasetId;
  classNames?: readonly string[];
  /** Own images' conversion (side, colour, ink), which the run's input shape follows; absent or null: none. */
  conversion?: InputConversion | null;
  config: TrainConfig;
  epoch: number;
  step: number;
  validationAccuracy: number | null;
  testAccuracy: number | null;
  curves: CheckpointCurves;
}

/**
 * The four calls of idb-keyval this file uses, so that a test can keep the runs in memory. Values are stored by
 * structured clone: what is read back is a copy.
 */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  /** Reads the value, passes it to `updater` and stores what it returns, as one transaction. */
  update<T>(key: string, updater: (old: T | undefined) => T): Promise<void>;
}

export type StorageResult<T> = { ok: true; value: T } | { ok: false; message: string };

function failure(action: string, error: unknown): { ok: false; message: string } {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { ok: false, message: `Could not ${action} in this browser's storage (${reason}); training goes on, but a reload will not be able to resume it.` };
}

export function summarize(run: AutosavedRun): RunSummary {
  const lastEpoch = run.curves.epochs[run.curves.epochs.length - 1];
  return {
    id: run.id,
    savedAt: run.savedAt,
    preset: run.preset,
    datasetId: run.datasetId,
    ...(run.classNames ? { classNames: run.classNames } : {}),
    ...(run.conversion ? { conversion: run.conversion } : {}),
    config: run.config,
    epoch: run.state.epoch,
    step: run.state.globalStep,
    validationAccuracy: run.curves.validation[run.curves.validation.length - 1]?.value ?? null,
    testAccuracy: lastEpoch?.testAccuracy ?? null,
    curves: run.curves,
  };
}

/** The kept runs' operations over one key-value store. */
export interface RunArchive {
  writeAutosave(run: AutosavedRun): Promise<StorageResult<RunSummary[]>>;
  listRuns(): Promise<StorageResult<RunSummary[]>>;
  readRun(id: string): Promise<StorageResult<AutosavedRun>>;
  deleteRun(id: string): Promise<StorageResult<null>>;
}

export function createRunArchive(kv: KeyValueStore): RunArchive {
  /**
   * Stores the run's newest snapshot and puts it first in the list; the oldest beyond the limit are deleted.
   * Returns the list as stored, so the page need not read it back.
   */
  async function writeAutosave(run: AutosavedRun): Promise<StorageResult<RunSummary[]>> {
    try {
      await kv.set(runKey(run.id), run);
      let dropped: RunSummary[] = [];
      let kept: RunSummary[] = [];
      await kv.update<RunSummary[]>(RUN_LIST_KEY, (list = []) => {
        const next = [summarize(run), ...list.filter((entry) => entry.id !== run.id)];
        dropped = next.slice(RUN_LIST_LIMIT);
        kept = next.slice(0, RUN_LIST_LIMIT);
        return kept;
      });
      await Promise.all(dropped.map((entry) => kv.del(runKey(entry.id))));
      return { ok: true, value: kept };
    } catch (error) {
      return failure('autosave the run', error);
    }
  }

  /** Moves a version-1 autosave (one run, no id) into the list. */
  async function migrateLegacyAutosave(): Promise<string | null> {
    const legacy = (await kv.get(LEGACY_AUTOSAVE_KEY)) as (Omit<AutosavedRun, 'id'> & { schemaVersion: number }) | undefined;
    if (!legacy) return null;
    await kv.del(LEGACY_AUTOSAVE_KEY);
    if (legacy.schemaVersion !== 1) return `An autosaved run from an unknown version of the app (schema ${legacy.schemaVersion}) could not be resumed and was discarded.`;
    const result = await writeAutosave({ ...legacy, schemaVersion: AUTOSAVE_SCHEMA_VERSION, id: `legacy-${legacy.savedAt}` });
    return result.ok ? null : result.message;
  }

  /** The kept runs, newest first. */
  async function listRuns(): Promise<StorageResult<RunSummary[]>> {
    try {
      const problem = await migrateLegacyAutosave();
      if (problem) return { ok: false, message: problem };
      return { ok: true, value: ((await kv.get(RUN_LIST_KEY)) as RunSummary[] | undefined) ?? [] };
    } catch (error) {
      return failure('read the saved runs', error);
    }
  }

  /** One kept run with its weights, for resuming or downloading it. */
  async function readRun(id: string): Promise<StorageResult<AutosavedRun>> {
    try {
      const run = (await kv.get(runKey(id))) as AutosavedRun | undefined;
      if (!run) return { ok: false, message: 'That run is no longer stored in this browser.' };
      if (run.schemaVersion !== AUTOSAVE_SCHEMA_VERSION) {
        await deleteRun(id);
        return { ok: false, message: `The saved run is from another version of the app (schema ${run.schemaVersion}) and was discarded.` };
      }
      return { ok: true, value: run };
    } catch (error) {
      return failure('read the saved run', error);
    }
  }

  async function deleteRun(id: string): Promise<StorageResult<null>> {
    try {
      await kv.del(runKey(id));
      await kv.update<RunSummary[]>(RUN_LIST_KEY, (list = []) => list.filter((entry) => entry.id !== id));
      return { ok: true, value: null };
    } catch (error) {
      return failure('delete the saved run', error);
    }
  }

  return { writeAutosave, listRuns, readRun, deleteRun };
}
