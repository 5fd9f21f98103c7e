/**
 * Event routing, table-driven: one case for every kind of WorkerEvent (the table's type makes a kind added to the
 * protocol without a case fail to compile, and the test below fails when the router and the table disagree),
 * each checking what that event changes. Then the order rule: every kind but the unordered ones applies the
 * throttled progress first.
 */
import { DIGIT_CLASS_NAMES } from '../core/data/dataset';
import { describe, expect, it } from 'vitest';
import type { WeightReport, WorkerEvent } from '../protocol/messages';
import { SEED_CONFIG, FakeTimers, trainerStateAt } from './bridgeFakes.testing';
import { createEventRouter, createRoutes, type EventRoutingDeps, type WorkerEventType } from './eventRouting';
import { createAppStore, type AppState } from './store';
import { createViewThrottle, VIEW_INTERVAL_MS } from './viewThrottle';

/** The router with a real store and view throttle, and recorders for the rest. */
function routing() {
  const store = createAppStore();
  const timers = new FakeTimers();
  /** What the view throttle applied to the store, and in which timer callback (FakeTimers.fired). */
  const applied: { what: string; task: number }[] = [];
  const views = createViewThrottle(timers, {
    progress: (event) => {
      applied.push({ what: `progress ${event.globalStep}`, task: timers.fired });
      store.getState().workerReportedProgress(event);
    },
    weights: (report) => {
      applied.push({ what: `weights ${report.globalStep}`, task: timers.fired });
      store.getState().workerReportedWeights(report);
    },
  });
  const calls = {
    snapshots: [] as unknown[],
    stepTimes: [] as number[],
    teachers: [] as unknown[],
    autosaves: [] as unknown[][],
    offers: 0,
    checkpoints: [] as unknown[],
    saved: [] as { fileName: string; mimeType: string }[],
  };
  /** What host.datasetReady answers: whether a takeover was under way. */
  const host = { takingOver: false };
  const deps: EventRoutingDeps = {
    store,
    views,
    host: {
      recordSnapshot: (snapshot) => calls.snapshots.push(snapshot),
      noteStepTime: (ms) => calls.stepTimes.push(ms),
      datasetReady: () => host.takingOver,
      lendTeacher: (teacher) => calls.teachers.push(teacher),
    },
    runs: {
      autosave: async (...args) => void calls.autosaves.push(args),
      offerAutosavedRunOnce: () => void calls.offers++,
      writeCheckpoint: (event) => void calls.checkpoints.push(event),
    },
    classificationRoundTripMs: (requestId) => (requestId === 7 ? 12 : null),
    saveFile: (fileName, _bytes, mimeType) => void calls.saved.push({ fileName, mimeType }),
  };
  return { route: createEventRouter(deps), deps, store, timers, calls, host, applied, state: (): AppState => store.getState() };
}

type Routing = ReturnType<typeof routing>;

function progressAt(globalStep: number, loss = 2.5): Extract<WorkerEvent, { type: 'progress' }> {
  return {
    type: 'progress',
    epoch: 1,
    stepInEpoch: 3,
    stepsPerEpoch: 10,
    globalStep,
    totalSteps: 100,
    learningRate: 0.01,
    slowestStepMs: 30,
    lossSteps: new Uint32Array([globalStep]),
    losses: new Float32Array([loss]),
    twinLosses: null,
    stepMs: 20,
    twinStepMs: null,
  };
}

const report: WeightReport = { globalStep: 12, threshold: 0.7, quantizer: 'twn', layers: [], sparsity: 0.4, flipRatio: null };
const summary = { id: 'mnist' as const, classNames: DIGIT_CLASS_NAMES, own: null, keywords: null, trainCount: 50_000, validationCount: 10_000, testCount: 10_000, samples: { pixels: new Uint8Array(0), count: 0, rows: 28, cols: 28 } };
const analysis = { globalStep: 5, split: 'validation' as const, count: 1, classCount: 10, matrix: new Uint32Array(100), mistakes: [], images: new Uint8Array(0), rows: 28, cols: 28 };

interface Case<K extends WorkerEventType> {
  event: Extract<WorkerEvent, { type: K }>;
  /** The state the event arrives in, when it matters. */
  before?: (r: Routing) => void;
  /** What the event must have changed. */
  check: (r: Routing) => void;
}

const CASES: { [K in WorkerEventType]: Case<K> } = {
  backend: {
    event: { type: 'backend', backend: 'wasm', note: 'no GPU', timings: [{ backend: 'wasm', stepMs: 9 }], measuring: false },
    check: ({ state }) => expect(state()).toMatchObject({ backend: 'wasm', backendNote: 'no GPU', backendTimings: [{ backend: 'wasm', stepMs: 9 }] }),
  },
  status: {
    event: { type: 'status', status: 'paused', detail: 'by you' },
    check: ({ state }) => expect(state()).toMatchObject({ status: 'paused', statusDetail: 'by you' }),
  },
  'data-progress': {
    event: { type: 'data-progress', stage: 'fetching', loadedBytes: 10, totalBytes: 100 },
    check: ({ state }) => expect(state().dataProgress).toEqual({ stage: 'fetching', loadedBytes: 10, totalBytes: 100 }),
  },
  'dataset-ready': {
    event: { type: 'dataset-ready', summary },
    before: ({ state }) => state().workerReportedValidation(3, 0.5, null),
    check: ({ state, calls }) => {
      expect(state().datasetId).toBe('mnist');
      expect(state().validationSeries).toEqual([]); // new data: the old run's curves go
      expect(calls.offers).toBe(1);
    },
  },
  'own-data-error': {
    event: { type: 'own-data-error', message: 'Found only one class ("circle")' },
    before: ({ state }) => state().userLoadedOwnImages(),
    check: ({ state }) => {
      expect(state()).toMatchObject({ ownDataError: 'Found only one class ("circle")', ownDataLoading: false });
      expect(state().datasetId).toBe('mnist-10k'); // the data set already there stays
    },
  },
  progress: {
    event: progressAt(9),
    check: ({ state, timers, calls }) => {
      expect(calls.stepTimes).toEqual([30]);
      expect(state().globalStep).toBe(0); // throttled
      timers.advance(VIEW_INTERVAL_MS);
      expect(state().globalStep).toBe(9);
    },
  },
  validation: {
    event: { type: 'validation', globalStep: 4, accuracy: 0.9, loss: 0.3, twinAccuracy: 0.95 },
    check: ({ state }) => {
      expect(state().validationSeries).toEqual([{ step: 4, value: 0.9 }]);
      expect(state().twinValidationAccuracy).toBe(0.95);
    },
  },
  'epoch-end': {
    event: { type: 'epoch-end', epoch: 1, globalStep: 10, validationAccuracy: 0.9, testAccuracy: 0.88, twinValidationAccuracy: null, twinTestAccuracy: null },
    check: ({ state }) => {
      expect(state().epochSeries).toEqual([{ epoch: 1, globalStep: 10, validationAccuracy: 0.9, testAccuracy: 0.88, twinValidationAccuracy: null, twinTestAccuracy: null }]);
      expect(state().testAccuracy).toBe(0.88);
    },
  },
  weights: {
    event: { type: 'weights', report },
    check: ({ state }) => expect(state().weightReport).toBe(report), // not training: at once
  },
  'inference-evaluation': {
    event: { type: 'inference-evaluation', settings: { threshold: 0.8, shiftAveraging: false }, accuracy: 0.93, milliseconds: 40 },
    check: ({ state }) => {
      expect(state().thresholdEvaluation).toEqual({ threshold: 0.8, accuracy: 0.93, milliseconds: 40 });
      expect(state().validationAccuracy).toBe(0.93);
    },
  },
  sweep: {
    event: { type: 'sweep', points: [{ threshold: 0.5, sparsity: 0.3, accuracy: 0.9 }], currentThreshold: 0.7 },
    check: ({ state }) => expect(state().sweep).toEqual({ points: [{ threshold: 0.5, sparsity: 0.3, accuracy: 0.9 }], currentThreshold: 0.7 }),
  },
  'inference-path': {
    event: { type: 'inference-path', path: 'cpu', adapter: 'none', hasDot4: false },
    check: ({ state }) => expect(state().inferencePath).toEqual({ path: 'cpu', adapter: 'none', hasDot4: false }),
  },
  'kernel-evaluation': {
    event: {
      type: 'kernel-evaluation',
      result: { path: 'cpu', split: 'test', count: 10, kernels: ['k'], kernelAccuracy: 0.9, kernelMs: 1, tfjsAccuracy: 0.9, tfjsMs: 2, agreement: 1 },
    },
    before: ({ state }) => state().userStartedKernelTask('evaluate'),
    check: ({ state }) => {
      expect(state().kernelEvaluation?.kernelAccuracy).toBe(0.9);
      expect(state().kernelTask).toBeNull();
    },
  },
  'kernel-benchmark': {
    event: { type: 'kernel-benchmark', rows: [], path: 'webgpu', backend: 'webgpu' },
    before: ({ state }) => state().userStartedKernelTask('benchmark'),
    check: ({ state }) => {
      expect(state().kernelBench).toEqual({ rows: [], path: 'webgpu', backend: 'webgpu' });
      expect(state().kernelTask).toBeNull();
    },
  },
  classification: {
    // Request 7 is the newest drawing (see routing()); its answer is shown with the round trip.
    event: { type: 'classification', requestId: 7, probabilities: new Float32Array(10), path: 'cpu', milliseconds: 3, featureMaps: [] },
    check: ({ state }) => expect(state().prediction).toMatchObject({ path: 'cpu', milliseconds: 3, roundTripMs: 12 }),
  },
  'export-ready': {
    event: { type: 'export-ready', format: 'c', fileName: 'bitnet.zip', bytes: new Uint8Array(5), note: 'built' },
    check: ({ state, calls }) => {
      expect(calls.saved).toEqual([{ fileName: 'bitnet.zip', mimeType: 'application/zip' }]);
      expect(state().exportResult).toEqual({ format: 'c', ok: true, message: 'built', fileName: 'bitnet.zip', byteLength: 5 });
    },
  },
  'export-failed': {
    event: { type: 'export-failed', format: 'onnx', message: 'too big' },
    check: ({ state }) => expect(state().exportResult).toMatchObject({ format: 'onnx', ok: false, message: 'too big' }),
  },
  snapshot: {
    event: { type: 'snapshot', runId: 'run-9', state: trainerStateAt(30), config: SEED_CONFIG, preset: 'seed', datasetId: 'mnist-10k' },
    check: ({ calls }) => {
      expect(calls.snapshots).toEqual([{ state: trainerStateAt(30), runId: 'run-9' }]);
      expect(calls.autosaves).toEqual([['run-9', trainerStateAt(30), SEED_CONFIG, 'seed', 'mnist-10k']]);
    },
  },
  pong: {
    // Its arrival is all it says (the host notes it before routing); it changes nothing and flushes nothing.
    event: { type: 'pong', id: 3 },
    before: ({ route }) => route(progressAt(8)),
    check: ({ state, calls }) => {
      expect(state().globalStep).toBe(0);
      expect(calls.snapshots).toEqual([]);
    },
  },
  captured: {
    event: { type: 'captured', state: trainerStateAt(12), config: SEED_CONFIG, preset: 'seed', datasetId: 'mnist-10k' },
    check: ({ calls }) => expect(calls.checkpoints).toEqual([CASES.captured.event]),
  },
  'run-restored': {
    event: { type: 'run-restored', globalStep: 4, reason: 'GPU lost' },
    before: ({ state }) => [3, 6].forEach((step) => state().workerReportedValidation(step, 0.5, null)),
    check: ({ state }) => {
      expect(state().globalStep).toBe(4);
      expect(state().validationSeries.map((p) => p.step)).toEqual([3]);
    },
  },
  diverged: {
    event: { type: 'diverged', failedStep: 7, restoredStep: 5, message: 'Training diverged.' },
    check: ({ state }) => expect(state()).toMatchObject({ globalStep: 5, errorMessage: 'Training diverged.' }),
  },
  analysis: {
    event: { type: 'analysis', analysis },
    check: ({ state }) => expect(state().analysis).toBe(analysis),
  },
  'float-twin-stopped': {
    event: { type: 'float-twin-stopped', message: 'The twin diverged.' },
    before: ({ state }) => state().userToggledFloatTwin(true),
    check: ({ state }) => expect(state()).toMatchObject({ floatTwin: false, errorMessage: 'The twin diverged.' }),
  },
  teacher: {
    event: { type: 'teacher', label: null, validationAccuracy: null, message: 'Another architecture.' },
    before: ({ state }) => state().teacherChosen({ runId: 'r', label: 'run r', state: 'loading', validationAccuracy: null, message: '' }),
    check: ({ state, calls }) => {
      expect(state().teacher).toMatchObject({ state: 'refused', message: 'Another architecture.' });
      expect(calls.teachers).toEqual([null]); // a refused teacher is not lent to a new worker
    },
  },
  error: {
    event: { type: 'error', message: 'Something failed.' },
    before: ({ state }) => state().userStartedKernelTask('benchmark'),
    check: ({ state }) => expect(state()).toMatchObject({ errorMessage: 'Something failed.', kernelTask: null }),
  },
};

const kinds = Object.keys(CASES) as WorkerEventType[];

describe('event routing', () => {
  it('has one route for every event kind in the table, and no other', () => {
    expect(Object.keys(createRoutes(routing().deps)).sort()).toEqual([...kinds].sort());
  });

  it.each(kinds)('routes %s', (kind) => {
    const r = routing();
    const testCase = CASES[kind] as Case<WorkerEventType>;
    testCase.before?.(r);
    r.route(testCase.event);
    testCase.check(r);
  });

  it.each(kinds)('%s: applies the throttled progress first unless it is a throttled or view-less kind', (kind) => {
    const r = routing();
    const testCase = CASES[kind] as Case<WorkerEventType>;
    r.route(progressAt(8));
    testCase.before?.(r);
    r.route(testCase.event);
    // Pong and snapshot change no view and progress is the throttled report itself; weights while not training
    // answer the user: they show at once, with the progress before them.
    const flushes = !['pong', 'snapshot', 'progress'].includes(kind);
    expect(r.applied.some((entry) => entry.what === 'progress 8')).toBe(flushes);
  });

  it('an ordered event sees the throttled progress already in the store', () => {
    const r = routing();
    r.route(progressAt(8));
    r.route({ type: 'run-restored', globalStep: 8, reason: 'GPU lost' });
    expect(r.state().lossSeries.map((p) => p.step)).toEqual([8]);
  });

  it('dataset-ready of a worker taking over keeps the curves', () => {
    const r = routing();
    r.state().workerReportedValidation(3, 0.5, null);
    r.host.takingOver = true;
    r.route({ type: 'dataset-ready', summary });
    expect(r.state().validationSeries).toEqual([{ step: 3, value: 0.5 }]);
  });

  it('a classification answer to an older drawing is dropped', () => {
    const r = routing();
    r.route({ ...CASES.classification.event, requestId: 6 });
    expect(r.state().prediction).toBeNull();
  });

  it('while training, progress is merged and weights wait for the view interval, progress and weights in separate tasks', () => {
    const r = routing();
    r.route({ type: 'status', status: 'training', detail: '' });
    r.route(progressAt(1, 3));
    r.route(progressAt(2, 1));
    r.route({ type: 'weights', report });
    expect(r.state().weightReport).toBeNull();
    r.timers.advance(VIEW_INTERVAL_MS - 1);
    expect(r.applied).toEqual([]);
    r.timers.advance(1);
    expect(r.state().globalStep).toBe(2);
    expect(r.state().lossSeries).toEqual([{ step: 2, value: 2 }]); // one point: the mean of the merged block
    expect(r.state().weightReport).toBe(report);
    expect(r.applied.map((entry) => entry.what)).toEqual(['progress 2', 'weights 12']);
    expect(r.applied[0]!.task).not.toBe(r.applied[1]!.task);
    expect(r.timers.waiting).toBe(0);
  });
});
