/**
 * The page's one bridge to the training worker (bridge.ts wires its parts): a module Worker, the browser's timers,
 * IndexedDB through idb-keyval for kept runs, and useAppStore. Components call the functions exported here;
 * nothing else posts to the worker.
 */
import { del, get, set, update } from 'idb-keyval';
import { version as appVersion } from '../../package.json';
import type { WorkerEvent } from '../protocol/messages';
import { createBridge } from './bridge';
import { saveFile } from './download';
import { useAppStore, type ServerDataset } from './store';
import { followSetupInAddressBar } from './urlState';
import type { SpawnWorker } from './workerHost';

const BASE = import.meta.env.BASE_URL;

const spawnTrainingWorker: SpawnWorker = (listeners) => {
  const worker = new Worker(new URL('../worker/training.worker.ts', import.meta.url), { type: 'module', name: 'training' });
  worker.onmessage = (message: MessageEvent<WorkerEvent>) => listeners.onEvent(message.data);
  worker.onerror = (event) => listeners.onError(event.message || 'an error in the worker');
  return { post: (request, transfer) => worker.postMessage(request, transfer), terminate: () => worker.terminate() };
};

async function listServerDatasets(): Promise<ServerDataset[] | null> {
  try {
    const response = await fetch(`${BASE}datasets/index.json`);
    if (!response.ok) return null;
    const body = (await response.json()) as { datasets?: ServerDataset[] };
    return body.datasets ?? [];
  } catch {
    // A static host without the dataset server: only the embedded data and user files are offered.
    return null;
  }
}

const bridge = createBridge({
  spawnWorker: spawnTrainingWorker,
  timers: {
    now: () => performance.now(),
    dateNow: () => Date.now(),
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle),
    setInterval: (callback, ms) => window.setInterval(callback, ms),
  },
  store: useAppStore,
  storage: { get, set, del, update },
  saveFile,
  baseUrl: BASE,
  listServerDatasets,
  followSetupInAddressBar,
  appVersion,
});

export const { startPlayground } = bridge;
export const {
  chooseDataset,
  loadUserFiles,
  loadOwnImages,
  loadKeywords,
  trainOnRecordedKeywords,
  cancelDatasetLoad,
  loadFromUrl,
  sendConfig,
  toggleTraining,
  stepOnce,
  resetTraining,
  setInferenceSettings,
  setFloatTwin,
  analyzeMistakes,
  sweepThreshold,
  evaluateWithKernel,
  benchmarkKernels,
  classifyDrawing,
  exportModel,
  chooseTeacher,
  exportCurvesCsv,
} = bridge.actions;
export const { saveCheckpoint, loadCheckpoint, resumeRun, resumeAutosavedRun, dismissResumeOffer, downloadRun, deleteKeptRun } = bridge.runs;
export { BENCH_BATCHES } from './userActions';
