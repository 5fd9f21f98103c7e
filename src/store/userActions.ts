/**
 * User actions: what the page's controls ask of the run, turned into store actions and worker requests. Nothing
 * here waits for an answer; the worker's events come back through eventRouting.ts.
 */
import { ConfigError, presetOf, sameTraining, validateConfig, type InferenceSettings, type TrainConfig } from '../core/model/config';
import type { DatasetId } from '../core/data/dataset';
import type { InputConversion } from '../core/data/imageConversion';
import type { TritPacking } from '../core/quant/tritBytes';
import { standaloneRunLabel } from '../core/run/runLabels';
import { seriesToCsv } from '../core/run/series';
import type { RecordedSet } from '../core/audio/recordedSet';
import type { DatasetSource, ExportFormat, KeywordFilesInput, NamedFile } from '../protocol/messages';
import { summarize } from './autosave';
import type { RunStorage, SaveFile } from './runStorage';
import type { AppStore } from './store';
import type { Timers } from './timers';
import type { WorkerHost } from './workerHost';

export const BENCH_BATCHES = [1, 64, 1024, 10_000];

export interface UserActionDeps {
  store: AppStore;
  host: Pick<WorkerHost, 'send' | 'loadDataset' | 'lendTeacher'>;
  runs: Pick<RunStorage, 'readKeptRun'>;
  timers: Pick<Timers, 'now'>;
  saveFile: SaveFile;
  /** The app's base URL (import.meta.env.BASE_URL in the page): the embedded data and the dataset server sit under it. */
  baseUrl: string;
}

export type UserActions = ReturnType<typeof createUserActions>;

export function createUserActions(deps: UserActionDeps) {
  const { host, baseUrl } = deps;
  const send: WorkerHost['send'] = (request, transfer) => host.send(request, transfer);
  const state = () => deps.store.getState();
  /**
   * The drawing on the canvas and its classification requests. The page asks again for the same drawing at every
   * weight report while a run trains; an answer to any of these requests is an answer for this drawing (with the
   * weights of a moment ago), so it is shown even when a newer re-ask is on its way. Only answers for an older
   * drawing are dropped: otherwise a model whose answer takes longer than the interval between weight reports (a
   * CNN) would never show one while it trains. sentAt: when each unanswered request left the page (Timers.now).
   */
  const drawing = {
    latestRequest: 0,
    firstRequest: 0,
    shownRequest: 0,
    pixels: null as Uint8Array | null,
    sentAt: new Map<number, number>(),
  };
  /** The config the worker was sent last: a form change that trains differently from it starts a new run. */
  let workerConfig: TrainConfig | null = null;

  function configureWorker(config: TrainConfig, preset: string): void {
    workerConfig = config;
    send({ type: 'configure', config, preset });
  }

  /** Validates the store's config; on a bad value shows the message and keeps the previous worker config. */
  function sendConfig(): boolean {
    const store = state();
    try {
      const config = validateConfig(store.config);
      configureWorker(config, presetOf(store.presetId, config));
      return true;
    } catch (error) {
      if (error instanceof ConfigError) {
        store.errorOccurred(`Invalid setting: ${error.message}`);
        return false;
      }
      throw error;
    }
  }

  function loadDataset(source: DatasetSource, transfer: Transferable[] = [], replay?: () => Promise<void>): void {
    state().userDismissedError();
    host.loadDataset({ type: 'load-dataset', source }, transfer, replay ?? (async () => send({ type: 'load-dataset', source })));
    sendConfig();
  }

  function loadEmbeddedDataset(): void {
    loadDataset({ kind: 'embedded', baseUrl: `${baseUrl}generated/` });
  }

  // The inference settings: each moves the run's inference at once and leaves its weights and steps alone.

  /**
   * Inference-only settings (the threshold slider, shift averaging): the store's config keeps them for the form, and
   * at once the worker's run takes them; it keeps its weights (training goes on) and, when not training, reports its
   * validation accuracy with them.
   */
  function setInferenceSettings(settings: Partial<InferenceSettings>): void {
    state().userEditedConfig(settings);
    send({ type: 'set-inference-settings', settings });
  }

  return {
    sendConfig,
    /** The worker takes a run's config (resume, checkpoint): not a form change, so no new run is started for it. */
    configureWorker,
    loadEmbeddedDataset,

    /**
     * "Changing a setting restarts training from scratch", as the form says: a preset or setting that trains
     * differently from the run the worker holds (not the inference settings, which move live) clears the curves and
     * cards and gives the worker the new config now, which replaces its run with a fresh model. A half-typed
     * (invalid) value waits: the next valid one, or Train, sends it. Returns the unsubscribe function.
     */
    startNewRunOnSettingChange(): () => void {
      return deps.store.subscribe((now, before) => {
        if (now.config === before.config || now.status === 'training' || now.status === 'loading') return;
        let config: TrainConfig;
        try {
          config = validateConfig(now.config);
        } catch {
          return;
        }
        if (workerConfig !== null && sameTraining(config, workerConfig)) return;
        state().metricsCleared();
        sendConfig();
      });
    },
    setInferenceSettings,

    chooseDataset(id: DatasetId): void {
      if (id === 'mnist-10k') {
        loadEmbeddedDataset();
        return;
      }
      const served = state().serverDatasets.find((d) => d.id === id);
      if (served) loadDataset({ kind: 'server', id, baseUrl: `${baseUrl}datasets/${id}/`, fileNames: served.fileNames });
    },

    async loadUserFiles(id: DatasetId, files: readonly File[]): Promise<void> {
      // The bytes are transferred to the worker; a new worker (after a crash) reads the same files again.
      const read = async (): Promise<NamedFile[]> => Promise.all(files.map(async (file) => ({ name: file.name, bytes: await file.arrayBuffer() })));
      const named = await read();
      loadDataset({ kind: 'files', id, files: named }, named.map((file) => file.bytes), async () => {
        const again = await read();
        send({ type: 'load-dataset', source: { kind: 'files', id, files: again } }, again.map((file) => file.bytes));
      });
    },

    /**
     * The user's own images: a .zip, or the files of a chosen or dropped folder with their paths in it (which give
     * the class folders). The files go to the worker as Blobs, read there; a new worker (after a crash) gets the
     * same Blobs.
     */
    loadOwnImages(picked: { zip: File } | { folder: readonly { path: string; file: File }[] }, conversion: InputConversion): void {
      const source: DatasetSource =
        'zip' in picked
          ? { kind: 'images', name: picked.zip.name, zip: picked.zip, files: [], conversion }
          : { kind: 'images', name: picked.folder[0]?.path.split('/')[0] || 'folder', zip: null, files: [...picked.folder], conversion };
      state().userLoadedOwnImages();
      loadDataset(source);
    },

    /**
     * A keyword data set: a .zip or a folder of WAV class folders (Speech Commands layout), read in the worker. Once
     * it has loaded, the store chooses the kws preset (store.ts workerLoadedDataset).
     */
    loadKeywords(picked: { zip: File } | { folder: readonly { path: string; file: File }[] }): void {
      const input: KeywordFilesInput =
        'zip' in picked
          ? { name: picked.zip.name, zip: picked.zip, files: [] }
          : { name: picked.folder[0]?.path.split('/')[0] || 'folder', zip: null, files: [...picked.folder] };
      state().userLoadedOwnImages('keywords');
      loadDataset({ kind: 'keywords', input });
    },

    /** The clips recorded in the page (and its room noise) as the data set, with the kws preset. */
    trainOnRecordedKeywords(recorded: RecordedSet): void {
      const clips = recorded.words.flatMap((word) => word.clips.map((pcm) => ({ word: word.name, pcm })));
      state().userLoadedOwnImages('keywords');
      loadDataset({ kind: 'keyword-clips', name: 'recorded keywords', clips, background: [...recorded.background] });
    },

    /** Stops a load of own images between two images; what was loaded before stays. */
    cancelDatasetLoad(): void {
      send({ type: 'cancel-load' });
    },

    loadFromUrl(id: DatasetId, url: string): void {
      loadDataset({ kind: 'url', id, baseUrl: url });
    },

    toggleTraining(): void {
      const { status } = state();
      if (status === 'training') {
        send({ type: 'pause' });
        return;
      }
      if (status === 'done') {
        // Train again: a new run from scratch with the form's settings; the finished run stays in the run list.
        state().metricsCleared();
        send({ type: 'reset' });
      }
      if (!sendConfig()) return;
      send({ type: 'start' });
      // Acknowledged at once: the worker may still be starting (TensorFlow.js, the data) and starts the run then.
      state().userPressedTrain();
    },

    stepOnce(): void {
      if (sendConfig()) send({ type: 'step' });
    },

    resetTraining(): void {
      state().metricsCleared();
      send({ type: 'reset' });
    },

    /** The float twin trains alongside from the next step (and its curves show), or stops. */
    setFloatTwin(enabled: boolean): void {
      state().userToggledFloatTwin(enabled);
      send({ type: 'set-float-twin', enabled });
    },

    /** The confusion matrix and most confident mistakes of the current weights, now. */
    analyzeMistakes(): void {
      send({ type: 'analyze' });
    },

    sweepThreshold(): void {
      send({ type: 'sweep-threshold' });
    },

    evaluateWithKernel(): void {
      state().userStartedKernelTask('evaluate');
      send({ type: 'kernel-evaluate' });
    },

    benchmarkKernels(): void {
      state().userStartedKernelTask('benchmark');
      send({ type: 'kernel-benchmark', batches: BENCH_BATCHES });
    },

    /** pixels: the 28×28 model input, or null for an empty canvas (no prediction, not a guess). */
    classifyDrawing(pixels: Uint8Array | null): void {
      const requestId = ++drawing.latestRequest;
      if (!pixels) {
        drawing.firstRequest = requestId;
        drawing.pixels = null;
        drawing.sentAt.clear();
        state().predictionCleared();
        return;
      }
      if (!samePixels(pixels, drawing.pixels)) {
        drawing.firstRequest = requestId;
        drawing.pixels = pixels.slice();
      }
      const copy = pixels.slice();
      drawing.sentAt.set(requestId, deps.timers.now());
      send({ type: 'classify', requestId, pixels: copy }, [copy.buffer]);
    },

    /**
     * The round trip of a classification answer in ms, to be shown; or null when it is to be dropped: it answers an
     * older drawing than the one on the canvas, or a request older than the answer already shown.
     */
    classificationRoundTripMs(requestId: number): number | null {
      const sentAt = drawing.sentAt.get(requestId);
      for (const id of drawing.sentAt.keys()) if (id <= requestId) drawing.sentAt.delete(id);
      if (requestId < drawing.firstRequest || requestId <= drawing.shownRequest || sentAt === undefined) return null;
      drawing.shownRequest = requestId;
      return deps.timers.now() - sentAt;
    },

    /** Deploy: the current model as integer-only C (zip, with the chosen packing) or ONNX, downloaded when ready. */
    exportModel(format: ExportFormat, packing: TritPacking): void {
      state().userStartedExport(format);
      send({ type: 'export', format, packing });
    },

    /**
     * Lends a kept run to the worker as the teacher of knowledge distillation (src/train/teacher.ts), or none (null).
     * It takes effect from the next step, while training too; the run learns from it when config.distillWeight > 0.
     */
    async chooseTeacher(id: string | null): Promise<void> {
      const store = state();
      if (id === null) {
        host.lendTeacher(null);
        store.teacherChosen(null);
        send({ type: 'set-teacher', teacher: null });
        return;
      }
      const run = await deps.runs.readKeptRun(id);
      if (!run) return;
      const label = standaloneRunLabel(summarize(run));
      const teacher = { config: run.config, variables: run.state.variables, label };
      host.lendTeacher(teacher);
      store.teacherChosen({ runId: id, label, state: 'loading', validationAccuracy: null, message: '' });
      // Sent as a copy: a new worker may need it again.
      send({ type: 'set-teacher', teacher });
    },

    /** Every recorded series of the run as CSV. */
    exportCurvesCsv(): void {
      const store = state();
      const csv = seriesToCsv([
        { name: 'training loss', points: store.lossSeries },
        { name: 'validation accuracy', points: store.validationSeries },
        { name: 'test accuracy (epoch end)', points: store.epochSeries.flatMap((e) => (e.testAccuracy === null ? [] : [{ step: e.globalStep, value: e.testAccuracy }])) },
        { name: 'sparsity (all layers)', points: store.sparsitySeries.map((p) => ({ step: p.step, value: p.overall })) },
        ...(store.weightReport?.layers ?? []).map((_, layer) => ({
          name: `sparsity (layer ${layer})`,
          points: store.sparsitySeries.flatMap((p) => (p.layers[layer] === undefined ? [] : [{ step: p.step, value: p.layers[layer] }])),
        })),
      ]);
      deps.saveFile(`bitnet-${store.presetId}-curves.csv`, new TextEncoder().encode(csv), 'text/csv');
    },
  };
}

function samePixels(a: Uint8Array, b: Uint8Array | null): boolean {
  return b !== null && a.length === b.length && a.every((value, i) => value === b[i]);
}
