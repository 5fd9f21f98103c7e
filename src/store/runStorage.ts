/**
 * Run storage: the runs kept in this browser (autosaved from the worker's snapshots, listed, offered after a
 * reload, resumed, downloaded, deleted) and checkpoint files (saved from a capture, loaded with every check first).
 * The storage itself is autosave.ts's RunArchive; this part keeps the store and the worker in step with it.
 */
import { FRONT_END } from '../core/audio/frontEnd';
import { checkpointConfig, decodeCheckpoint, encodeCheckpoint } from '../core/run/checkpoint';
import { builtInClassNames, isUserDataset, type DatasetId } from '../core/data/dataset';
import { conversionLabel, sameImage, type InputConversion } from '../core/data/imageConversion';
import type { TrainConfig } from '../core/model/config';
import type { TrainerState } from '../core/run/trainerState';
import { epochInProgress } from '../core/run/runLabels';
import type { WorkerEvent, WorkerRequest } from '../protocol/messages';
import { AUTOSAVE_SCHEMA_VERSION, summarize, type AutosavedRun, type RunArchive, type RunSummary } from './autosave';
import { awaitedDataNotice, dataMatches } from './awaitedData';
import type { AppState, AppStore } from './store';

/** Hands bytes to the user as a downloaded file (download.ts in the page). */
export type SaveFile = (fileName: string, bytes: Uint8Array, mimeType: string) => void;

export interface RunStorageDeps {
  store: AppStore;
  archive: RunArchive;
  send(request: WorkerRequest): void;
  /** Gives the worker a run's config (userActions.configureWorker: it remembers it as the run's, not a form change). */
  configure(config: TrainConfig, preset: string): void;
  saveFile: SaveFile;
  /** Milliseconds since 1970, for a kept run's savedAt. */
  dateNow(): number;
  /** Written into checkpoint files. */
  appVersion: string;
}

export interface RunStorage {
  /** Keeps the worker's snapshot of a run in the run list (the first failure is shown, later ones are not). */
  autosave(runId: string, state: TrainerState, config: TrainConfig, preset: string, datasetId: DatasetId): Promise<void>;
  /** After the first dataset is ready: reads the run list and offers the newest run of this dataset for resuming. */
  offerAutosavedRunOnce(): void;
  /** A kept run with its weights, or null after saying why not (the list is read again: the run may be gone). */
  readKeptRun(id: string): Promise<AutosavedRun | null>;
  resumeRun(id: string): Promise<void>;
  resumeAutosavedRun(): void;
  dismissResumeOffer(): void;
  downloadRun(id: string): Promise<void>;
  deleteKeptRun(id: string): Promise<void>;
  saveCheckpoint(): void;
  /** The worker's answer to 'capture', written as a checkpoint file with the page's curves. */
  writeCheckpoint(event: Extract<WorkerEvent, { type: 'captured' }>): void;
  loadCheckpoint(file: File): Promise<void>;
}

export function createRunStorage(deps: RunStorageDeps): RunStorage {
  const { archive, send } = deps;
  const state = () => deps.store.getState();
  /** The run list is read once, after the first dataset is ready, and after every autosave. */
  const flags = { offerChecked: false, autosaveWarned: false };

  /** The loaded data set's classes, input conversion and keyword front end, which a checkpoint or kept run records. */
  const dataDescription = () => {
    const { datasetSummary, datasetId } = state();
    return {
      classNames: datasetSummary?.classNames ?? builtInClassNames(datasetId),
      conversion: datasetSummary?.own?.conversion ?? null,
      frontEnd: datasetSummary?.keywords ? FRONT_END : null,
    };
  };

  /**
   * Why a run of these classes (and, for own images, this conversion) cannot go on with the loaded data set, or
   * null when it can: a different side or colour would give its first layer a different number of inputs.
   */
  const classMismatch = (datasetId: DatasetId, classNames: readonly string[] | undefined, conversion: InputConversion | null = null): string | null => {
    const store = state();
    const loaded = { datasetId: store.datasetId, classNames: dataDescription().classNames };
    const loadedConversion = dataDescription().conversion;
    if (dataMatches(datasetId, classNames, loaded)) {
      if (!conversion || !loadedConversion || sameImage(conversion, loadedConversion)) return null;
      return `was trained on ${conversionLabel(conversion)} images, but the loaded ones are ${conversionLabel(loadedConversion)}; load them again with Size ${conversion.side} and Colour ${conversion.color === 'rgb' ? 'RGB' : 'grey'} first`;
    }
    const recorded = classNames ?? builtInClassNames(datasetId);
    // The user's images and clips are never kept with a run: they are loaded again, not chosen from the list.
    if (isUserDataset(datasetId)) return `was trained on ${datasetId === 'own' ? 'your own images' : 'your keyword clips'} (${recorded.join(', ')}); load them again first`;
    if (datasetId !== store.datasetId) return `was trained on ${datasetId}; load that dataset first`;
    return `was trained on the classes ${recorded.join(', ')}, but the loaded data set has ${loaded.classNames.join(', ')}; load its data set first`;
  };

  /** A kept run for the resume offer, with the data it needs (own images: the conversion loading them again repeats). */
  const offerOf = (run: RunSummary): NonNullable<AppState['resumeOffer']> => ({
    id: run.id,
    step: run.step,
    epoch: epochInProgress(run.epoch, run.config.epochs),
    preset: run.preset,
    savedAt: run.savedAt,
    datasetId: run.datasetId,
    classNames: run.classNames ?? null,
    conversion: run.conversion ?? null,
  });

  const curves = () => {
    const store = state();
    return { loss: store.lossSeries, validation: store.validationSeries, epochs: store.epochSeries, sparsity: store.sparsitySeries };
  };

  async function refreshRunList(): Promise<void> {
    const result = await archive.listRuns();
    const store = state();
    if (result.ok) store.runsListed(result.value);
    else store.errorOccurred(result.message);
  }

  /**
   * After a reload: the newest kept run of this dataset is offered for resuming (a share link's config keeps the
   * offer). A run on the user's own images or clips is offered too when the page waits for that data (the address
   * named it): it resumes once the data is loaded again.
   */
  async function offerAutosavedRun(): Promise<void> {
    flags.offerChecked = true;
    await refreshRunList();
    const store = state();
    const newest = store.runs[0];
    if (!newest || store.globalStep !== 0) return;
    const awaited = store.awaitedData;
    const awaitedRun = awaited !== null && awaited.datasetId === newest.datasetId && (awaited.classNames === null || dataMatches(newest.datasetId, newest.classNames, { datasetId: awaited.datasetId, classNames: awaited.classNames }));
    if (awaitedRun || classMismatch(newest.datasetId, newest.classNames, newest.conversion ?? null) === null) store.autosaveReadOffer(offerOf(newest));
  }

  async function readKeptRun(id: string): Promise<AutosavedRun | null> {
    const read = await archive.readRun(id);
    if (read.ok) return read.value;
    state().errorOccurred(read.message);
    await refreshRunList();
    return null;
  }

  /** Resume: a kept run continues where it was, its curves back in the charts. */
  async function resumeRun(id: string): Promise<void> {
    const store = state();
    store.autosaveReadOffer(null);
    const run = await readKeptRun(id);
    if (!run) return;
    const mismatch = classMismatch(run.datasetId, run.classNames, run.conversion ?? null);
    if (mismatch !== null && isUserDataset(run.datasetId)) {
      // The page waits for that data with the run on offer beside Train: loading it makes Resume work.
      const awaited = { datasetId: run.datasetId, classNames: run.classNames ?? null, fromLink: false, conversion: run.conversion ?? null };
      store.userDataAwaited(awaited);
      store.autosaveReadOffer(offerOf(summarize(run)));
      store.errorOccurred(awaitedDataNotice(awaited, true));
      return;
    }
    if (mismatch !== null) {
      store.errorOccurred(`That run ${mismatch}, then resume it.`);
      return;
    }
    let config: TrainConfig;
    try {
      config = checkpointConfig(run.config);
    } catch (error) {
      store.errorOccurred(`The saved run cannot be resumed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (store.status === 'training') send({ type: 'pause' });
    // Configured before the store takes the run's config, so that this config change does not count as a new run.
    deps.configure(config, run.preset);
    store.userLoadedCheckpoint({ config, preset: run.preset, curves: run.curves }, run.state.globalStep);
    send({ type: 'restore', state: run.state, runId: run.id });
  }

  return {
    async autosave(runId, runState, config, preset, datasetId) {
      const store = state();
      const result = await archive.writeAutosave({
        schemaVersion: AUTOSAVE_SCHEMA_VERSION,
        id: runId,
        savedAt: deps.dateNow(),
        preset,
        datasetId,
        ...dataDescription(),
        config,
        state: runState,
        curves: curves(),
      });
      if (result.ok) {
        store.autosaveWritten(runState.globalStep);
        store.runsListed(result.value);
      } else if (!flags.autosaveWarned) {
        flags.autosaveWarned = true;
        store.errorOccurred(result.message);
      }
    },
    offerAutosavedRunOnce() {
      if (!flags.offerChecked) void offerAutosavedRun();
    },
    readKeptRun,
    resumeRun,
    resumeAutosavedRun() {
      const offer = state().resumeOffer;
      if (offer) void resumeRun(offer.id);
    },
    /** Hides the offer; the run stays in the run list. */
    dismissResumeOffer() {
      state().autosaveReadOffer(null);
    },
    /** A kept run as a checkpoint file, as if it had been saved with save-checkpoint at its last autosave. */
    async downloadRun(id) {
      const read = await archive.readRun(id);
      if (!read.ok) {
        state().errorOccurred(read.message);
        return;
      }
      const run = read.value;
      const bytes = encodeCheckpoint({
        config: run.config,
        datasetId: run.datasetId,
        classNames: run.classNames ?? builtInClassNames(run.datasetId),
        conversion: run.conversion ?? null,
        frontEnd: run.frontEnd ?? null,
        preset: run.preset,
        state: run.state,
        curves: run.curves,
        appVersion: deps.appVersion,
      });
      deps.saveFile(`bitnet-${run.preset}-step${run.state.globalStep}.safetensors`, bytes, 'application/octet-stream');
    },
    async deleteKeptRun(id) {
      const result = await archive.deleteRun(id);
      if (!result.ok) state().errorOccurred(result.message);
      await refreshRunList();
    },
    /** Save: the worker captures the run between two steps; the page adds the curves and writes the file. */
    saveCheckpoint() {
      send({ type: 'capture' });
    },
    writeCheckpoint(event) {
      const bytes = encodeCheckpoint({
        config: event.config,
        datasetId: event.datasetId,
        ...dataDescription(),
        preset: event.preset,
        state: event.state,
        curves: curves(),
        appVersion: deps.appVersion,
      });
      deps.saveFile(`bitnet-${event.preset}-step${event.state.globalStep}.safetensors`, bytes, 'application/octet-stream');
    },
    /** Load: every check passes before anything changes; a bad file gets a message and the current run stays. */
    async loadCheckpoint(file) {
      const store = state();
      let checkpoint;
      try {
        checkpoint = decodeCheckpoint(new Uint8Array(await file.arrayBuffer()));
      } catch (error) {
        store.errorOccurred(`Could not load the checkpoint ${file.name}: ${error instanceof Error ? error.message : String(error)} The current run is unchanged.`);
        return;
      }
      const mismatch = classMismatch(checkpoint.datasetId as DatasetId, checkpoint.classNames, checkpoint.conversion);
      if (mismatch !== null) {
        store.errorOccurred(`The checkpoint ${file.name} ${mismatch}. The current run is unchanged.`);
        return;
      }
      store.userDismissedError();
      if (store.status === 'training') send({ type: 'pause' });
      deps.configure(checkpoint.config, checkpoint.preset);
      store.userLoadedCheckpoint(checkpoint, checkpoint.state.globalStep);
      send({ type: 'restore', state: checkpoint.state, runId: null });
    },
  };
}
