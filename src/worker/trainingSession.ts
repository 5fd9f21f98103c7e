/**
 * The training session: all of the worker's state as fields, one state union (TrainStatus) changed only by
 * transition(), which posts it, and one serial task queue. Every request that touches the model (threshold moves,
 * weight reports, classification, exports, evaluations) and every training step run as tasks of that queue, one
 * at a time, so nothing interleaves at an await: while training, the loop is a step task that re-enqueues itself
 * behind whatever arrived meanwhile, which is how a drawn digit gets its answer between two steps.
 *
 * It takes its `post`, its clock and its dataset loader as parameters, so Vitest drives it in Node on the tfjs CPU
 * backend (trainingSession.test.ts); training.worker.ts is a thin dispatch over it.
 * Lifecycle: idle -> loading -> idle -> training <-> paused -> done; a failure -> error, keeping what it can.
 */
import { isPresetId, PRESETS, sameExceptThreshold, sameTraining, validateConfig, type TrainConfig } from '../core/model/config';
import { CLASS_COUNT, type DatasetId, type SplitDataset } from '../core/data/dataset';
import { confusionMatrix, mostConfidentMistakes } from '../core/run/mistakes';
import type { BackendName } from '../core/app/backends';
import type { DatasetSource, SessionFault, TeacherSpec, TrainStatus, WorkerEvent, WorkerRequest } from '../protocol/messages';
import { transferableCopy } from '../core/run/trainerState';
import { Teacher } from '../train/teacher';
import { stateIsFinite, Trainer, type StepResult, type TrainerState } from '../train/trainer';
import { buildExport } from './exportTasks';
import { InferenceService } from './inferenceService';
import { benchmarkKernels, evaluateKernel } from './kernelTasks';
import { NonFiniteWeightsError, sweepThreshold, WeightReporter } from './weightReports';

const PROGRESS_INTERVAL_MS = 100;
/** A snapshot of the whole trainer state (weights, Adam, position, RNG) every this many steps, and at epoch ends. */
export const SNAPSHOT_INTERVAL_STEPS = 200;
/** …and at least every 30 s while training, and at each pause (what the page autosaves). */
export const SNAPSHOT_INTERVAL_MS = 30_000;
/** How long after a pause its snapshot waits, so that what the user does right after pausing goes first. */
const PAUSE_SNAPSHOT_DELAY_MS = 1500;
/** ?fault=nan: the non-finite value enters the weights this many steps after Train is pressed. */
export const FAULT_AFTER_STEPS = 3;
/** Training images sent to the page to show augmentation on. */
const AUGMENT_SAMPLES = 8;
/** Misclassified images shown in the page. */
const MISTAKES_SHOWN = 16;
/** Weight views (trits, histograms) cost a readback of every weight: a few per second is plenty to watch. */
const WEIGHT_REPORT_INTERVAL_MS = 400;

export interface SessionDeps {
  post: (event: WorkerEvent, transfer?: Transferable[]) => void;
  /** Milliseconds, monotonic (performance.now in the worker). */
  now: () => number;
  loadDataset: (source: DatasetSource, onProgress: (stage: string, loadedBytes: number, totalBytes: number | null) => void) => Promise<SplitDataset>;
  /** Lets other events in between two training steps (a macrotask in the worker). */
  yieldToEvents: () => Promise<void>;
  /** The training backend's GPU: why it was lost (null while it is fine, or without a GPU backend). */
  gpuLostReason: () => string | null;
  /** Moves TensorFlow.js to the next usable backend after a lost GPU; returns its name. */
  fallBackFromGpu: () => Promise<BackendName>;
  /** Fault injection: destroys the training backend's WebGPU device (?fault=device-lost). */
  loseGpu: () => void;
  /** Fault injection: ends the worker (?fault=worker-crash). */
  crash: () => void;
}

/** Which status may follow which; anything else is a bug in the session, reported as such. */
const TRANSITIONS: Record<TrainStatus, readonly TrainStatus[]> = {
  idle: ['idle', 'loading', 'training', 'paused', 'done', 'error'],
  loading: ['idle', 'paused', 'done', 'error', 'loading'],
  training: ['paused', 'done', 'error', 'idle'],
  paused: ['paused', 'training', 'idle', 'loading', 'done', 'error'],
  done: ['done', 'idle', 'loading', 'paused', 'error'],
  error: ['error', 'idle', 'loading', 'paused', 'training', 'done'],
};

function divergenceCause(result: StepResult): string {
  return Number.isFinite(result.loss) ? 'a weight became non-finite' : `the loss became ${result.loss}`;
}

export class TrainingSession {
  status: TrainStatus = 'idle';
  private dataset: SplitDataset | null = null;
  private datasetId: DatasetId = 'mnist-10k';
  private config: TrainConfig | null = null;
  private trainer: Trainer | null = null;
  /** Bumped for every new trainer, so cached inference models never outlive the weights they were built from. */
  private trainerGeneration = 0;
  private presetName = 'custom';
  /** The preset the page named at the last configure; presetName turns 'custom' while a live setting departs from it. */
  private configuredPreset = 'custom';
  /** The threshold factor t in force: set by the configuration, then moved live by the slider. */
  private threshold = 0.7;
  /** The newest slider value not yet applied; older ones are skipped (coalesced). */
  private pendingThreshold: number | null = null;
  /**
   * The newest drawing not yet classified. A drawing changes with every stroke and the page re-asks at each weight
   * report; only the newest answer is shown, so one queued task answers the newest request and older ones are
   * skipped (each answer rebuilds the folded model while training goes on).
   */
  private pendingClassify: { requestId: number; pixels: Uint8Array } | null = null;
  private pendingLossSteps: number[] = [];
  private slowestStepMs = 0;
  private pendingLosses: number[] = [];
  private lastProgressAt = 0;
  private lastWeightReportAt = 0;
  /** A step task is queued or running. */
  private stepScheduled = false;
  private lastSnapshotAt = 0;
  /** Set by 'pause' at once, so no further step starts; the queued pause task reports 'paused'. */
  private pauseRequested = false;
  private queue: Promise<void> = Promise.resolve();
  /** The last trainer state known to be good (finite), restored when training diverges. */
  private lastGood: TrainerState | null = null;
  /** Names the run in the page's run list: given at its first snapshot, kept across restores, new after a reset. */
  private runId: string | null = null;
  /** Fault injection for tests (the URL's ?fault=); each fires once. */
  private fault: SessionFault | null = null;
  private stepsSinceStart = 0;
  private readonly weightReporter = new WeightReporter();
  /**
   * The float twin: the same network with weight quantization off, trained on the same batches, one step after
   * each step of the run (it starts from the run's state, so it copies its weights, Adam moments, epoch order and
   * RNG). Null while it is off, or until the next step after a reset or restore re-creates it.
   */
  private twin: Trainer | null = null;
  /** Knowledge distillation: the teacher the run and its twin learn from, and what it was built from. */
  private teacher: Teacher | null = null;
  private teacherSpec: TeacherSpec | null = null;
  private twinEnabled = false;
  private pendingTwinLosses: number[] = [];
  /** Milliseconds of the steps since the last progress event, of the run and of its twin (the step rates). */
  private stepMsSum = 0;
  private twinStepMsSum = 0;
  private stepsTimed = 0;
  readonly inference = new InferenceService();

  constructor(private readonly deps: SessionDeps) {}

  /** Arms a fault for tests: 'nan' poisons the weights a few steps after Train is pressed. */
  injectFault(fault: SessionFault | null): void {
    this.fault = fault;
  }

  /** The one place the status changes; every change is posted. */
  private transition(next: TrainStatus, detail = ''): void {
    if (!TRANSITIONS[this.status].includes(next)) {
      this.deps.post({ type: 'error', message: `Internal: status ${this.status} cannot become ${next}.` });
    }
    this.status = next;
    this.deps.post({ type: 'status', status: next, detail });
  }

  private fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.transition('error', message);
    this.deps.post({ type: 'error', message });
  }

  /** Runs tasks one at a time, in order of arrival; a failing task reports and the queue goes on. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task).catch((error: unknown) => this.fail(error));
    return this.queue;
  }

  /** Entry point for every request except 'init' (backend choice is the worker's). */
  receive(request: Exclude<WorkerRequest, { type: 'init' }>): Promise<void> {
    switch (request.type) {
      case 'pause':
        // Takes effect at once: no further step starts, and the page is told so now (a step already running
        // finishes and reports; a weight readback on a software GPU can take seconds). The queued task then
        // reports the last step and keeps a snapshot of the paused run.
        if (this.status !== 'training') return Promise.resolve();
        this.pauseRequested = true;
        // The losses not yet reported belong to steps already done: report them before saying 'paused'.
        if (this.trainer && this.pendingLosses.length > 0) this.flushProgress(this.trainer, 0);
        this.transition('paused', 'paused');
        return this.enqueue(async () => {
          this.pauseRequested = false;
          if (this.trainer && this.pendingLosses.length > 0) this.flushProgress(this.trainer, 0);
          this.deferPauseSnapshot();
        });
      case 'set-threshold':
        if (!Number.isFinite(request.threshold) || request.threshold < 0 || request.threshold > 2) {
          this.deps.post({ type: 'error', message: `Threshold ${request.threshold} is outside 0..2.` });
          return Promise.resolve();
        }
        this.pendingThreshold = request.threshold;
        return this.enqueue(() => this.applyThreshold());
      case 'start':
        return this.enqueue(() => this.start());
      case 'classify': {
        const taskQueued = this.pendingClassify !== null;
        this.pendingClassify = { requestId: request.requestId, pixels: request.pixels };
        return taskQueued ? this.queue : this.enqueue(() => this.classifyNewest());
      }
      default:
        return this.enqueue(() => this.handle(request));
    }
  }

  /** Resolves when every task queued so far has run (tests, and disposal). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async handle(request: Exclude<WorkerRequest, { type: 'init' | 'pause' | 'set-threshold' | 'start' | 'classify' }>): Promise<void> {
    switch (request.type) {
      case 'load-dataset':
        return this.loadData(request.source);
      case 'configure':
        return this.configure(request.config, request.preset);
      case 'step':
        return this.singleStep();
      case 'reset':
        return this.reset();
      case 'sweep-threshold':
        return this.runSweep();
      case 'kernel-evaluate':
      case 'kernel-benchmark':
        return this.runKernelTask(request);
      case 'export':
        return this.exportModel(request);
      case 'restore':
        return this.restore(request.state, request.runId);
      case 'capture':
        return this.capture();
      case 'analyze':
        return this.analyze(this.ensureTrainer());
      case 'set-float-twin':
        this.twinEnabled = request.enabled;
        if (!request.enabled) this.dropTwin();
        return;
      case 'set-teacher':
        return this.setTeacher(request.teacher);
      case 'set-shift-averaging':
        if (this.config) {
          this.config = { ...this.config, shiftAveraging: request.on };
          const preset = this.configuredPreset;
          this.presetName = isPresetId(preset) && sameExceptThreshold(PRESETS[preset], this.config) ? preset : 'custom';
        }
        return this.applyShiftAveraging(request.on);
      case 'ping':
        this.deps.post({ type: 'pong', id: request.id });
        return;
    }
  }

  // ---- training ----------------------------------------------------------------------------------------------

  private async start(): Promise<void> {
    if (this.status === 'training') return;
    this.pauseRequested = false;
    const active = this.ensureTrainer();
    if (active.finished) return; // done: reset or reconfigure to train again
    await this.takeSnapshot(active);
    this.stepsSinceStart = 0;
    this.transition('training');
    this.scheduleStep();
  }

  private fireFault(active: Trainer): void {
    const fault = this.fault;
    this.fault = null;
    if (fault === 'nan') active.model.poisonWeights();
    else if (fault === 'device-lost') this.deps.loseGpu();
    else if (fault === 'worker-crash') this.deps.crash();
  }

  /**
   * The GPU under TensorFlow.js is gone, and with it every tensor on it: move to the next backend, rebuild the
   * trainer there from the last snapshot (kept on the CPU) and go on training. The page shows the change and why.
   */
  private async recoverFromLostGpu(reason: string): Promise<void> {
    const lost = this.trainer;
    const lostTwin = this.twin;
    this.trainer = null;
    this.twin = null;
    try {
      lost?.dispose();
      lostTwin?.dispose();
    } catch {
      // Its tensors went with the device.
    }
    const backend = await this.deps.fallBackFromGpu();
    // The teacher's weights went with the device too: build it again on the new backend.
    this.teacher = null;
    if (this.teacherSpec) this.teacher = new Teacher(this.teacherSpec);
    const active = this.ensureTrainer();
    if (this.lastGood) active.restoreState(this.lastGood);
    this.pendingLossSteps = [];
    this.pendingLosses = [];
    this.weightReporter.forget();
    this.deps.post({ type: 'backend', backend, note: `the WebGPU device was lost (${reason}); training moved to ${backend} from step ${active.globalStep}`, timings: null, measuring: false });
    this.deps.post({ type: 'run-restored', globalStep: active.globalStep, reason: `WebGPU device lost: ${reason}` });
    this.flushProgress(active, 0);
    await this.postWeights(active);
    if (this.status === 'training' && !this.pauseRequested) this.scheduleStep();
  }

  /**
   * Moves the run to another TensorFlow.js backend between two steps (the background measurement found a faster
   * one): the run's whole state is read on the old backend and goes on, the same, on the new one; training, if it
   * was, continues. `move` switches TensorFlow.js and returns the backend it runs; `announce` says so to the page.
   */
  moveBackend(move: () => Promise<BackendName>, announce: (backend: BackendName, globalStep: number) => void): Promise<void> {
    return this.enqueue(async () => {
      const previous = this.trainer;
      const state = previous ? await previous.captureState() : null;
      previous?.dispose();
      this.trainer = null;
      this.dropTwin();
      // The teacher's weights live on the old backend too: built again on the new one.
      this.teacher?.dispose();
      this.teacher = null;
      const backend = await move();
      if (this.teacherSpec) this.teacher = new Teacher(this.teacherSpec);
      const active = previous ? this.ensureTrainer() : null;
      if (active && state) active.restoreState(state);
      announce(backend, active?.globalStep ?? 0);
      if (active && this.status === 'training' && !this.pauseRequested) this.scheduleStep();
    });
  }

  /** Keeps the trainer's state as the last good one, if it is finite; returns false when it is not. */
  private async takeSnapshot(active: Trainer): Promise<boolean> {
    const state = await active.captureState();
    if (!stateIsFinite(state)) return false;
    this.lastGood = state;
    this.lastSnapshotAt = this.deps.now();
    this.postSnapshot(active, state);
    return true;
  }

  /** The page keeps a copy (and autosaves it), so that a new worker or a reloaded page can take over. */
  private postSnapshot(active: Trainer, state: TrainerState): void {
    this.runId ??= globalThis.crypto.randomUUID();
    const sent = transferableCopy(state);
    this.deps.post(
      {
        type: 'snapshot',
        runId: this.runId,
        state: sent.state,
        config: { ...active.config, threshold: this.threshold },
        preset: this.presetName,
        datasetId: this.datasetId,
      },
      sent.transfer,
    );
  }

  /** The run's state between two steps, for a checkpoint the page writes. */
  private async capture(): Promise<void> {
    const active = this.ensureTrainer();
    const state = await active.captureState();
    this.deps.post({ type: 'captured', state, config: { ...active.config, threshold: this.threshold }, preset: this.presetName, datasetId: this.datasetId });
  }

  /**
   * Takes over a run (from a worker that died, an autosave or a checkpoint): its state becomes this trainer's,
   * paused. runId: the run list's name for it, when it continues a listed run.
   */
  private async restore(state: TrainerState, runId: string | null): Promise<void> {
    this.pauseForTask('restoring');
    const active = this.ensureTrainer();
    active.restoreState(state);
    this.dropTwin();
    this.lastGood = state;
    this.runId = runId;
    this.postSnapshot(active, state);
    this.pendingLossSteps = [];
    this.pendingLosses = [];
    this.weightReporter.forget();
    this.deps.post({ type: 'run-restored', globalStep: state.globalStep, reason: 'the run was restored' });
    this.flushProgress(active, 0);
    await this.postWeights(active);
    // The page's accuracy card must be this run's, at the threshold in force. The configure that precedes a restore
    // may have re-evaluated the model being replaced (an untrained one, when a reloaded page opened at another t),
    // and the page took that figure for the run's: evaluating the restored weights supersedes it.
    await this.postEvaluation(active);
    if (!active.finished) {
      this.transition('paused', `restored step ${state.globalStep}`);
      return;
    }
    // A finished run is done, not paused (Start would do nothing): the line says what its end did, as recorded.
    await this.finishRun(`restored step ${state.globalStep}, ${finishedDetail(active)}`);
  }

  /** The run is over (trained to its end, or restored finished): done, then the threshold sweep of its weights. */
  private async finishRun(detail: string): Promise<void> {
    this.transition('done', detail);
    await this.runSweep();
  }

  /**
   * A non-finite loss or weight: restore the last good state, pause, and say what happened and what to try.
   * The page trims its curves back to the restored step; Resume trains on from there.
   */
  private async recoverFromDivergence(active: Trainer, what: string): Promise<void> {
    const failedStep = active.globalStep;
    this.pendingLossSteps = [];
    this.pendingLosses = [];
    if (!this.lastGood) throw new Error(`Training diverged (${what}) at step ${failedStep} and there is no good state to go back to; reset.`);
    active.restoreState(this.lastGood);
    this.dropTwin();
    const message =
      `Training diverged at step ${failedStep}: ${what}. The weights of step ${this.lastGood.globalStep}, the last good snapshot, ` +
      `are restored and training is paused. Try a lower learning rate (now ${active.config.learningRate}), then Resume.`;
    this.deps.post({ type: 'diverged', failedStep, restoredStep: this.lastGood.globalStep, message });
    this.flushProgress(active, 0);
    await this.postWeights(active);
    this.pauseRequested = false;
    this.transition('paused', `diverged at step ${failedStep}; restored step ${this.lastGood.globalStep}`);
  }

  private scheduleStep(): void {
    if (this.stepScheduled) return;
    this.stepScheduled = true;
    void this.enqueue(() => this.stepTask());
  }

  /** One training step; re-enqueues itself (behind anything that arrived meanwhile) while training goes on. */
  private async stepTask(): Promise<void> {
    this.stepScheduled = false;
    if (this.status !== 'training' || this.pauseRequested || !this.trainer) return;
    const active = this.trainer;
    if (active.finished) {
      await this.postWeights(active);
      await this.finishRun(finishedDetail(active));
      return;
    }
    try {
      if (this.fault !== null && this.stepsSinceStart >= FAULT_AFTER_STEPS) this.fireFault(active);
      const result = await this.runOneStep(active);
      this.stepsSinceStart++;
      if (!Number.isFinite(result.loss) || !result.weightsFinite) {
        await this.recoverFromDivergence(active, divergenceCause(result));
        return;
      }
      const due = this.deps.now() - this.lastSnapshotAt >= SNAPSHOT_INTERVAL_MS;
      if (result.epochEnded || result.globalStep % SNAPSHOT_INTERVAL_STEPS === 0 || due) {
        if (!(await this.takeSnapshot(active))) {
          await this.recoverFromDivergence(active, 'a weight became non-finite');
          return;
        }
      }
      if (this.pauseRequested) {
        // Paused while this step ran: report it at once; the weight views follow with the pause snapshot.
        if (this.pendingLosses.length > 0) this.flushProgress(active, 0);
        return;
      }
      if (this.deps.now() - this.lastWeightReportAt >= WEIGHT_REPORT_INTERVAL_MS) await this.postWeights(active);
    } catch (error) {
      if (error instanceof NonFiniteWeightsError) {
        await this.recoverFromDivergence(active, error.message);
        return;
      }
      await this.deps.yieldToEvents(); // the device's lost promise settles in a task of its own
      const lostReason = this.deps.gpuLostReason();
      if (lostReason !== null) await this.recoverFromLostGpu(lostReason);
      else this.fail(error);
      return;
    }
    if (this.status !== 'training' || this.pauseRequested || this.trainer !== active) return;
    await this.deps.yieldToEvents();
    this.scheduleStep();
  }

  /**
   * The paused run's snapshot (what the page autosaves) and weight views, a moment after the pause: reading every
   * weight back can take seconds on a software GPU, and a slider move right after pausing must not wait for it.
   */
  private deferPauseSnapshot(): void {
    const trainer = this.trainer;
    setTimeout(() => {
      void this.enqueue(async () => {
        if (this.status !== 'paused' || this.trainer !== trainer || !trainer) return;
        if (!(await this.takeSnapshot(trainer))) await this.recoverFromDivergence(trainer, 'a weight became non-finite');
        else await this.postWeights(trainer);
      });
    }, PAUSE_SNAPSHOT_DELAY_MS);
  }

  private finishPause(detail: string): void {
    // Report the last step before saying 'paused', so a paused page shows the final step count.
    if (this.trainer && this.pendingLosses.length > 0) this.flushProgress(this.trainer, 0);
    this.transition('paused', detail);
  }

  /** Pauses training (between two steps, since this runs as a task) before something replaces the trainer. */
  private pauseForTask(detail: string): void {
    this.pauseRequested = false;
    if (this.status === 'training') this.finishPause(detail);
  }

  private resetTrainer(): void {
    const hadRun = this.trainer !== null;
    this.trainer?.dispose();
    this.trainer = null;
    this.dropTwin();
    this.lastGood = null;
    if (hadRun) this.deps.post({ type: 'snapshot', runId: null, state: null, config: null, preset: this.presetName, datasetId: this.datasetId });
    this.runId = null;
    this.weightReporter.forget();
    this.pendingLossSteps = [];
    this.pendingLosses = [];
  }

  private ensureTrainer(): Trainer {
    if (!this.dataset) throw new Error('No dataset is loaded yet.');
    if (!this.config) throw new Error('No configuration has been set.');
    if (!this.trainer) {
      this.trainer = new Trainer({ ...this.config, threshold: this.threshold }, this.dataset, this.teacher);
      this.trainerGeneration++;
    }
    return this.trainer;
  }

  private flushProgress(active: Trainer, learningRate: number): void {
    const lossSteps = Uint32Array.from(this.pendingLossSteps);
    const losses = Float32Array.from(this.pendingLosses);
    // The twin steps right after the run: its losses belong to the same steps (NaN where it did not step).
    const twinLosses = this.pendingTwinLosses.length > 0 ? Float32Array.from(this.pendingTwinLosses) : null;
    const stepMs = this.stepsTimed > 0 ? this.stepMsSum / this.stepsTimed : null;
    const twinStepMs = this.stepsTimed > 0 && twinLosses ? this.twinStepMsSum / this.stepsTimed : null;
    this.pendingLossSteps = [];
    this.pendingLosses = [];
    this.pendingTwinLosses = [];
    this.stepMsSum = 0;
    this.twinStepMsSum = 0;
    this.stepsTimed = 0;
    this.lastProgressAt = this.deps.now();
    this.deps.post(
      {
        type: 'progress',
        epoch: active.epoch,
        stepInEpoch: active.stepInEpoch,
        stepsPerEpoch: active.stepsPerEpoch,
        globalStep: active.globalStep,
        totalSteps: active.totalSteps,
        learningRate,
        slowestStepMs: this.slowestStepMs,
        lossSteps,
        losses,
        twinLosses,
        stepMs,
        twinStepMs,
      },
      twinLosses ? [lossSteps.buffer, losses.buffer, twinLosses.buffer] : [lossSteps.buffer, losses.buffer],
    );
    this.slowestStepMs = 0;
  }

  /** Validation every ~1/8 epoch (at least every 20 steps), so short runs on the 10k subset still show a curve. */
  private validationInterval(active: Trainer): number {
    return Math.max(20, Math.round(active.stepsPerEpoch / 8));
  }

  /** One step with its reports; a non-finite loss or weight is returned, not reported (the caller recovers). */
  private async runOneStep(active: Trainer): Promise<StepResult> {
    // A twin switched on (or dropped by a reset or restore) starts from the run's state before this step.
    await this.ensureTwin(active);
    const started = this.deps.now();
    const result = await active.step();
    const stepMs = this.deps.now() - started;
    this.slowestStepMs = Math.max(this.slowestStepMs, stepMs);
    if (!Number.isFinite(result.loss) || !result.weightsFinite) return result;
    const twinLoss = await this.stepTwin(result.globalStep);
    this.stepMsSum += stepMs;
    this.stepsTimed++;
    this.pendingLossSteps.push(result.globalStep);
    this.pendingLosses.push(result.loss);
    if (this.twin || this.pendingTwinLosses.length > 0) {
      // Keep the twin's losses aligned with the run's steps (NaN for steps it did not take).
      while (this.pendingTwinLosses.length < this.pendingLosses.length - 1) this.pendingTwinLosses.push(Number.NaN);
      this.pendingTwinLosses.push(twinLoss);
    }
    const validate = result.epochEnded || result.globalStep % this.validationInterval(active) === 0;
    if (validate || this.deps.now() - this.lastProgressAt >= PROGRESS_INTERVAL_MS) this.flushProgress(active, result.learningRate);
    if (validate && this.dataset) {
      const validation = await active.evaluate(this.dataset.validation);
      const twin = this.twin;
      const twinValidation = twin ? await twin.evaluate(this.dataset.validation) : null;
      this.deps.post({
        type: 'validation',
        globalStep: result.globalStep,
        accuracy: validation.accuracy,
        loss: validation.loss,
        twinAccuracy: twinValidation ? twinValidation.accuracy : null,
      });
      if (result.epochEnded) {
        const test = this.dataset.test ? await active.evaluate(this.dataset.test) : null;
        const twinTest = twin && this.dataset.test ? await twin.evaluate(this.dataset.test) : null;
        this.deps.post({
          type: 'epoch-end',
          epoch: result.epoch + 1,
          globalStep: result.globalStep,
          validationAccuracy: validation.accuracy,
          testAccuracy: test ? test.accuracy : null,
          twinValidationAccuracy: twinValidation ? twinValidation.accuracy : null,
          twinTestAccuracy: twinTest ? twinTest.accuracy : null,
        });
        await this.analyze(active);
      }
    }
    return result;
  }

  /** Starts the float twin from the run's state when it is on and missing (first step, after a reset or restore). */
  private async ensureTwin(active: Trainer): Promise<void> {
    if (!this.twinEnabled || this.twin || !this.dataset || active.finished) return;
    // The twin learns from the same teacher, so that the gap shows what ternary weights cost under distillation.
    const twin = new Trainer({ ...active.config, weightQuantizer: 'none' }, this.dataset, active.teacher);
    twin.restoreState(await active.captureState());
    this.twin = twin;
  }

  private dropTwin(): void {
    this.twin?.dispose();
    this.twin = null;
  }

  /** The twin's step on the batch the run just took; its loss, or NaN when there is no twin in step with the run. */
  private async stepTwin(globalStep: number): Promise<number> {
    const twin = this.twin;
    if (!twin || twin.finished || twin.globalStep !== globalStep - 1) return Number.NaN;
    const started = this.deps.now();
    const result = await twin.step();
    this.twinStepMsSum += this.deps.now() - started;
    if (!Number.isFinite(result.loss) || !result.weightsFinite) {
      // The twin's own divergence ends the twin, not the run.
      this.dropTwin();
      this.twinEnabled = false;
      this.deps.post({ type: 'float-twin-stopped', message: `The float twin diverged at step ${globalStep} and was turned off; the ternary run goes on.` });
      return Number.NaN;
    }
    return result.loss;
  }

  /** The confusion matrix and the most confidently misclassified images of the validation split, for the page. */
  private async analyze(active: Trainer): Promise<void> {
    if (!this.dataset) throw new Error('No dataset is loaded yet.');
    const split = this.dataset.validation;
    const { predicted, confidence } = await active.predictWithConfidence(split);
    const mistakes = mostConfidentMistakes(predicted, confidence, split.labels, MISTAKES_SHOWN);
    const size = split.rows * split.cols;
    const images = new Uint8Array(mistakes.length * size);
    mistakes.forEach((mistake, i) => images.set(split.pixels.subarray(mistake.index * size, (mistake.index + 1) * size), i * size));
    const matrix = confusionMatrix(predicted, split.labels, CLASS_COUNT);
    this.deps.post(
      {
        type: 'analysis',
        analysis: { globalStep: active.globalStep, split: 'validation', count: split.count, classCount: CLASS_COUNT, matrix, mistakes, images, rows: split.rows, cols: split.cols },
      },
      [matrix.buffer, images.buffer],
    );
  }

  private async singleStep(): Promise<void> {
    if (this.status === 'training') return;
    const active = this.ensureTrainer();
    if (active.finished) return;
    if (!this.lastGood) await this.takeSnapshot(active);
    const result = await this.runOneStep(active);
    if (!Number.isFinite(result.loss) || !result.weightsFinite) {
      await this.recoverFromDivergence(active, divergenceCause(result));
      return;
    }
    this.flushProgress(active, 0);
    await this.postWeights(active);
    this.transition(active.finished ? 'done' : 'paused', 'single step');
  }

  private async postWeights(active: Trainer): Promise<void> {
    this.lastWeightReportAt = this.deps.now();
    const { report, transfer } = await this.weightReporter.report(active, this.threshold);
    this.deps.post({ type: 'weights', report }, transfer);
  }

  // ---- threshold, sweep ----------------------------------------------------------------------------------------

  /** Applies the newest requested threshold; while not training, re-evaluates validation accuracy at once. */
  private async applyThreshold(): Promise<void> {
    if (this.pendingThreshold === null) return;
    this.threshold = this.pendingThreshold;
    this.pendingThreshold = null;
    if (this.config) this.config = { ...this.config, threshold: this.threshold };
    if (!this.trainer) return;
    const active = this.trainer;
    active.model.setThreshold(this.threshold);
    await this.postWeights(active);
    if (this.status !== 'training') await this.postEvaluation(active);
  }

  /** Validation accuracy of the trainer's weights at the threshold in force, for the page (not while training). */
  private async postEvaluation(active: Trainer): Promise<void> {
    if (!this.dataset) return;
    const started = this.deps.now();
    const validation = await active.evaluate(this.dataset.validation);
    this.deps.post({ type: 'threshold-evaluation', threshold: this.threshold, accuracy: validation.accuracy, milliseconds: this.deps.now() - started });
  }

  /** Shift averaging on or off for the run as it is (and its twin); when not training, its validation accuracy again. */
  private async applyShiftAveraging(on: boolean): Promise<void> {
    const active = this.trainer;
    if (!active) return;
    active.setShiftAveraging(on);
    this.twin?.setShiftAveraging(on);
    if (this.status !== 'training') await this.postEvaluation(active);
  }

  private async runSweep(): Promise<void> {
    if (!this.trainer || !this.dataset || this.status === 'training') return;
    const active = this.trainer;
    const validation = this.dataset.validation;
    const points = await sweepThreshold(active, async () => (await active.evaluate(validation)).accuracy, this.threshold);
    this.deps.post({ type: 'sweep', points, currentThreshold: this.threshold });
  }

  // ---- data and configuration ------------------------------------------------------------------------------

  /**
   * Loads and parses the new dataset before touching the current one: if the files are bad, the error is shown and
   * the dataset and model the user already has stay as they were.
   */
  private async loadData(source: DatasetSource): Promise<void> {
    this.pauseForTask('paused to load a dataset');
    const previousStatus = this.status;
    this.transition('loading', 'loading dataset');
    let lastPost = 0;
    let loaded: SplitDataset;
    try {
      loaded = await this.deps.loadDataset(source, (stage, loadedBytes, totalBytes) => {
        const now = this.deps.now();
        if (now - lastPost < PROGRESS_INTERVAL_MS && totalBytes !== loadedBytes) return;
        lastPost = now;
        this.deps.post({ type: 'data-progress', stage, loadedBytes, totalBytes });
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.post({ type: 'error', message: `Could not load the dataset: ${message}` });
      this.transition(this.dataset ? previousStatus : 'error', this.dataset ? `kept ${this.datasetId}` : 'no dataset loaded');
      return;
    }
    this.resetTrainer();
    this.dataset = loaded;
    this.datasetId = source.kind === 'embedded' ? 'mnist-10k' : source.id;
    this.deps.post({
      type: 'dataset-ready',
      summary: {
        id: this.datasetId,
        trainCount: loaded.train.count,
        validationCount: loaded.validation.count,
        testCount: loaded.test?.count ?? 0,
        samples: {
          pixels: loaded.train.pixels.slice(0, AUGMENT_SAMPLES * loaded.train.rows * loaded.train.cols),
          count: Math.min(AUGMENT_SAMPLES, loaded.train.count),
          rows: loaded.train.rows,
          cols: loaded.train.cols,
        },
      },
    });
    this.transition('idle', `${this.datasetId} ready`);
    if (this.config) await this.postWeights(this.ensureTrainer());
  }

  private async configure(config: TrainConfig, preset: string): Promise<void> {
    const next = validateConfig(config);
    this.presetName = preset;
    this.configuredPreset = preset;
    // The threshold and shift averaging are live (they change inference, not training); any other change restarts.
    const changed = !this.config || !sameTraining(next, this.config);
    if (changed && this.trainer) {
      this.pauseForTask('paused for a new configuration');
      this.resetTrainer();
      if (this.status !== 'loading') this.transition('idle', 'configuration changed; training restarts from scratch');
    }
    this.config = next;
    if (next.threshold !== this.threshold) {
      this.pendingThreshold = next.threshold;
      await this.applyThreshold();
    }
    if (this.trainer && this.trainer.config.shiftAveraging !== next.shiftAveraging) await this.applyShiftAveraging(next.shiftAveraging);
    // Show the freshly initialised weights before the first step.
    if (!this.trainer && this.dataset) await this.postWeights(this.ensureTrainer());
  }

  private async reset(): Promise<void> {
    this.pauseForTask('reset');
    this.resetTrainer();
    if (this.dataset && this.config) await this.postWeights(this.ensureTrainer());
    this.transition('idle', 'reset');
  }

  // ---- inference, kernels, exports -------------------------------------------------------------------------

  /** The folded model of the current weights at the current threshold (rebuilt when either changed). */
  private async inferenceModel(active: Trainer) {
    if (active.config.weightQuantizer === 'none') {
      throw new Error('The float twin has no ternary weights to run on the kernels; choose a weight quantizer.');
    }
    return this.inference.model(active, this.threshold, this.trainerGeneration * 1e9 + active.globalStep);
  }

  private async runKernelTask(request: Extract<WorkerRequest, { type: 'kernel-evaluate' | 'kernel-benchmark' }>): Promise<void> {
    if (!this.dataset) throw new Error('No dataset is loaded yet.');
    this.pauseForTask('paused for the kernel ' + (request.type === 'kernel-evaluate' ? 'evaluation' : 'benchmark'));
    const active = this.ensureTrainer();
    const built = await this.inferenceModel(active);
    if (request.type === 'kernel-evaluate') {
      this.deps.post({ type: 'kernel-evaluation', result: await evaluateKernel(this.inference, active, this.dataset, built) });
      return;
    }
    const variants = [built];
    // Where dot4I8Packed is used, also time the add/sub kernel on the same layers.
    if (built.network?.kernels.includes('dot4')) variants.push({ model: built.model, network: built.network.withoutDot4() });
    try {
      const { rows, tfjsBackend } = await benchmarkKernels(this.inference, active, this.dataset, variants, this.presetName, request.batches);
      this.deps.post({ type: 'kernel-benchmark', rows, path: this.inference.path, backend: tfjsBackend });
    } finally {
      variants.slice(1).forEach((v) => v.network?.destroy());
    }
  }

  /** The newest drawing, answered between two training steps with the weights of that moment. */
  private async classifyNewest(): Promise<void> {
    const request = this.pendingClassify;
    this.pendingClassify = null;
    if (request) await this.classify(request.requestId, request.pixels);
  }

  private async classify(requestId: number, pixels: Uint8Array): Promise<void> {
    if (!this.trainer) throw new Error('There is no model yet: load data and train first.');
    const started = this.deps.now();
    const built = await this.inferenceModel(this.trainer);
    const { probabilities, featureMaps } = await this.inference.classify(built.model, built.network, pixels);
    this.deps.post(
      { type: 'classification', requestId, probabilities, path: built.network ? 'webgpu' : 'cpu', milliseconds: this.deps.now() - started, featureMaps },
      [probabilities.buffer, ...featureMaps.map((map) => map.values.buffer as ArrayBuffer)],
    );
  }

  /** An export of the current weights at the current threshold; a failure is answered, never fatal to the run. */
  private async exportModel(request: Extract<WorkerRequest, { type: 'export' }>): Promise<void> {
    try {
      if (!this.dataset) throw new Error('No dataset is loaded yet.');
      const built = await buildExport(this.ensureTrainer(), this.dataset, {
        format: request.format,
        packing: request.packing,
        preset: this.presetName,
        datasetId: this.datasetId,
        threshold: this.threshold,
      });
      this.deps.post({ type: 'export-ready', format: request.format, fileName: built.fileName, bytes: built.bytes, note: built.note }, [built.bytes.buffer]);
    } catch (error) {
      this.deps.post({ type: 'export-failed', format: request.format, message: error instanceof Error ? error.message : String(error) });
    }
  }

  // ---- distillation ------------------------------------------------------------------------------------------

  /**
   * Takes a teacher (or none) from the next step on, for the run and its twin. A teacher that does not load (its
   * weights do not fit its config, non-finite values) is refused with a message and the run goes on without one.
   */
  private async setTeacher(spec: TeacherSpec | null): Promise<void> {
    this.dropTeacher();
    if (!spec) {
      this.deps.post({ type: 'teacher', label: null, validationAccuracy: null, message: '' });
      return;
    }
    let teacher: Teacher;
    let validated: TeacherSpec;
    try {
      validated = { ...spec, config: validateConfig(spec.config) };
      teacher = new Teacher(validated);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.deps.post({ type: 'teacher', label: null, validationAccuracy: null, message: `"${spec.label}" cannot teach: ${reason}` });
      return;
    }
    this.teacher = teacher;
    this.teacherSpec = validated;
    if (this.trainer) this.trainer.teacher = teacher;
    if (this.twin) this.twin.teacher = teacher;
    const validationAccuracy = this.dataset ? await teacher.accuracy(this.dataset.validation) : null;
    this.deps.post({ type: 'teacher', label: spec.label, validationAccuracy, message: '' });
  }

  private dropTeacher(): void {
    if (this.trainer) this.trainer.teacher = null;
    if (this.twin) this.twin.teacher = null;
    this.teacher?.dispose();
    this.teacher = null;
    this.teacherSpec = null;
  }

  dispose(): void {
    this.status = 'idle';
    this.resetTrainer();
    this.dropTwin();
    this.dropTeacher();
    this.inference.dispose();
  }
}

/**
 * What the status line says when a run has finished: its epochs and what the trainer did at the end, as it
 * recorded it (a run restored from a state saved before that was recorded says nothing of its end).
 */
function finishedDetail(trainer: Trainer): string {
  const { epochs, emaDecay } = trainer.config;
  const parts = [`finished ${epochs} epoch${epochs === 1 ? '' : 's'}`];
  const end = trainer.endOfRun;
  if (end?.weightsAveraged) parts.push(`the weights are their moving averages (EMA decay ${emaDecay})`);
  if (end?.batchNormRecalibrated) parts.push(`batch-norm statistics recalibrated on the ${trainer.data.train.count.toLocaleString('en-US')} training images`);
  return parts.join('; ');
}
