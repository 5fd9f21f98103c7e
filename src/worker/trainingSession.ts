/**
 * The training session: the worker's queue and status machine. One state union (TrainStatus) changed only by
 * transition(), which posts it, and one serial task queue. Every request that touches the model (inference-setting
 * moves, weight reports, classification, exports, evaluations) and every training step run as tasks of that queue,
 * one at a time, so nothing interleaves at an await: while training, the loop is a step task that re-enqueues
 * itself behind whatever arrived meanwhile, which is how a drawn digit gets its answer between two steps.
 *
 * The rooms it coordinates hold their own state (docs/architecture.md, "Rooms of the worker and the store"); the
 * inference settings in force live in the trainer's config.
 * It takes its `post`, its clock and its dataset loader as parameters, so Vitest drives it in Node on the tfjs CPU
 * backend (trainingSession.test.ts, sessionResume.test.ts); training.worker.ts is a thin dispatch over it.
 * Lifecycle: idle -> loading -> idle -> training <-> paused -> done; a failure -> error, keeping what it can.
 */
import { presetOf, sameTraining, validateConfig, type InferenceSettings, type TrainConfig } from '../core/model/config';
import type { SplitDataset } from '../core/data/dataset';
import type { DatasetSource, SessionFault, TrainStatus, WorkerRequest } from '../protocol/messages';
import type { BackendName } from '../core/app/backends';
import type { Teacher } from '../train/teacher';
import type { StepResult, Trainer, TrainerState } from '../train/trainer';
import { postAnalysis, postEvaluations, postInferenceEvaluation, postSweep, validationDue } from './analysis';
import { datasetIdOf, datasetReady, isUserSource, loadWithProgress } from './datasetTasks';
import { TeacherSlot } from './distillation';
import { FloatTwin } from './floatTwin';
import { rebuildOnBackend } from './backendMove';
import { changedSettings, SettingsInbox } from './inferenceSettings';
import type { InferenceService } from './inferenceService';
import { ModelQueries } from './modelQueries';
import { RunGuard } from './runGuard';
import { RunSlot } from './runSlot';
import { RunReports } from './runReports';
import type { SessionDeps } from './sessionDeps';
import { divergenceCause, finishedDetail, StatusMachine } from './statusMachine';
import { NonFiniteWeightsError } from './weightReports';

export { SNAPSHOT_INTERVAL_MS, SNAPSHOT_INTERVAL_STEPS } from './runGuard';
export type { SessionDeps } from './sessionDeps';

/** How long after a pause its snapshot waits, so that what the user does right after pausing goes first. */
const PAUSE_SNAPSHOT_DELAY_MS = 1500;
/** ?fault=nan: the non-finite value enters the weights this many steps after Train is pressed. */
export const FAULT_AFTER_STEPS = 3;

export class TrainingSession {
  private readonly machine: StatusMachine;
  readonly run = new RunSlot();
  private presetName = 'custom';
  /** The preset the page named at the last configure; presetName turns 'custom' while a live setting departs from it. */
  private configuredPreset = 'custom';
  /** Inference settings received and not yet applied (a burst of slider moves is applied once, at its newest). */
  private readonly settingsInbox = new SettingsInbox();
  /** A step task is queued or running. */
  private stepScheduled = false;
  /** Set by 'pause' at once, so no further step starts; the queued pause task reports 'paused'. */
  private pauseRequested = false;
  private queue: Promise<void> = Promise.resolve();
  /** Fault injection for tests (the URL's ?fault=); each fires once. */
  private fault: SessionFault | null = null;
  private stepsSinceStart = 0;
  private readonly reports: RunReports;
  private readonly guard: RunGuard;
  readonly twin: FloatTwin;
  readonly teachers = new TeacherSlot();
  /** Set by 'cancel-load', cleared when the next load starts. */
  private loadCancelled = false;
  private readonly queries: ModelQueries;

  constructor(private readonly deps: SessionDeps) {
    this.machine = new StatusMachine(deps.post);
    this.reports = new RunReports(deps.post, deps.now);
    this.guard = new RunGuard(deps.post, deps.now, () => ({ preset: this.presetName, datasetId: this.run.datasetId }));
    this.twin = new FloatTwin(deps.post, deps.now);
    this.queries = new ModelQueries(deps.post, deps.now);
  }

  get status(): TrainStatus {
    return this.machine.status;
  }

  /** The inference path of drawn digits and kernel tasks (the worker probes it and may force the CPU). */
  get inference(): InferenceService {
    return this.queries.inference;
  }

  /** Arms a fault for tests: 'nan' poisons the weights a few steps after Train is pressed. */
  injectFault(fault: SessionFault | null): void {
    this.fault = fault;
  }

  private transition(next: TrainStatus, detail = ''): void {
    this.machine.transition(next, detail);
  }

  /** Runs tasks one at a time, in order of arrival; a failing task reports and the queue goes on. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task).catch((error: unknown) => this.machine.fail(error));
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
        this.reports.flushPending(this.run.trainer);
        this.transition('paused', 'paused');
        return this.enqueue(async () => {
          this.pauseRequested = false;
          this.reports.flushPending(this.run.trainer);
          this.deferPauseSnapshot();
        });
      case 'set-inference-settings': {
        const problem = this.settingsInbox.offer(request.settings);
        if (problem !== null) {
          this.deps.post({ type: 'error', message: problem });
          return Promise.resolve();
        }
        return this.enqueue(async () => {
          const settings = this.settingsInbox.take();
          if (settings) await this.applyInferenceSettings(settings);
        });
      }
      case 'cancel-load':
        // Takes effect between two images of the load running now (the queue is busy with it).
        this.loadCancelled = true;
        return Promise.resolve();
      case 'start':
        return this.enqueue(() => this.start());
      case 'classify':
        if (!this.queries.offerDrawing(request.requestId, request.pixels)) return this.queue;
        return this.enqueue(() => this.queries.answerNewestDrawing(this.run.trainer, this.run.weightsVersion()));
      default:
        return this.enqueue(() => this.handle(request));
    }
  }

  /** Resolves when every task queued so far has run (tests, and disposal). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async handle(request: Exclude<WorkerRequest, { type: 'init' | 'pause' | 'set-inference-settings' | 'start' | 'classify' | 'cancel-load' }>): Promise<void> {
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
      case 'kernel-benchmark': {
        if (!this.run.dataset) throw new Error('No dataset is loaded yet.');
        this.pauseForTask('paused for the kernel ' + (request.type === 'kernel-evaluate' ? 'evaluation' : 'benchmark'));
        const active = this.ensureTrainer();
        return this.queries.kernelTask(request, active, this.run.weightsVersion(), this.run.dataset, this.presetName);
      }
      case 'export':
        return this.queries.exportModel(request, () => ({ active: this.ensureTrainer(), dataset: this.run.requireDataset() }), this.presetName, this.run.datasetId);
      case 'restore':
        return this.restore(request.state, request.runId);
      case 'capture':
        return this.guard.capture(this.ensureTrainer());
      case 'analyze':
        return postAnalysis(this.ensureTrainer(), this.run.requireDataset(), this.deps.post);
      case 'set-float-twin':
        return this.twin.setEnabled(request.enabled);
      case 'set-teacher': {
        const { dataset } = this.run;
        return this.deps.post(await this.teachers.choose(request.teacher, dataset?.validation ?? null, (t) => this.attachTeacher(t), dataset?.classNames.length));
      }
      case 'ping':
        return this.deps.post({ type: 'pong', id: request.id });
    }
  }

  // ---- training ----------------------------------------------------------------------------------------------

  private async start(): Promise<void> {
    if (this.status === 'training') return;
    this.pauseRequested = false;
    const active = this.ensureTrainer();
    if (active.finished) return; // done: reset or reconfigure to train again
    await this.guard.takeSnapshot(active);
    this.stepsSinceStart = 0;
    this.transition('training');
    this.scheduleStep();
  }

  private scheduleStep(): void {
    if (this.stepScheduled) return;
    this.stepScheduled = true;
    void this.enqueue(() => this.stepTask());
  }

  /** One training step; re-enqueues itself (behind anything that arrived meanwhile) while training goes on. */
  private async stepTask(): Promise<void> {
    this.stepScheduled = false;
    if (this.status !== 'training' || this.pauseRequested || !this.run.trainer) return;
    const active = this.run.trainer;
    if (active.finished) {
      await this.reports.postWeights(active);
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
      if (this.guard.due(result) && !(await this.guard.takeSnapshot(active))) {
        await this.recoverFromDivergence(active, 'a weight became non-finite');
        return;
      }
      if (this.pauseRequested) {
        // Paused while this step ran: report it at once; the weight views follow with the pause snapshot.
        this.reports.flushPending(this.run.trainer);
        return;
      }
      if (this.reports.weightsDue()) await this.reports.postWeights(active);
    } catch (error) {
      if (error instanceof NonFiniteWeightsError) {
        await this.recoverFromDivergence(active, error.message);
        return;
      }
      await this.deps.yieldToEvents(); // the device's lost promise settles in a task of its own
      const lostReason = this.deps.gpuLostReason();
      if (lostReason !== null) await this.recoverFromLostGpu(lostReason);
      else this.machine.fail(error);
      return;
    }
    if (this.status !== 'training' || this.pauseRequested || this.run.trainer !== active) return;
    await this.deps.yieldToEvents();
    this.scheduleStep();
  }

  /** One step with its reports; a non-finite loss or weight is returned, not reported (the caller recovers). */
  private async runOneStep(active: Trainer): Promise<StepResult> {
    const dataset = this.run.requireDataset();
    // A twin switched on (or dropped by a reset or restore) starts from the run's state before this step.
    await this.twin.ensure(active, dataset);
    const started = this.deps.now();
    const result = await active.step();
    const stepMs = this.deps.now() - started;
    this.reports.progress.noteStepTime(stepMs);
    if (!Number.isFinite(result.loss) || !result.weightsFinite) return result;
    const twinStep = await this.twin.step(result.globalStep);
    if (twinStep.ms !== null) this.reports.progress.noteTwinTime(twinStep.ms);
    this.reports.progress.record(result.globalStep, result.loss, stepMs, twinStep.loss, this.twin.trainer !== null);
    const validate = validationDue(active, result);
    if (validate || this.reports.progress.due(this.deps.now())) this.reports.flushProgress(active, result.learningRate);
    if (validate) await postEvaluations(active, this.twin, dataset, result, this.deps.post);
    return result;
  }

  private async singleStep(): Promise<void> {
    if (this.status === 'training') return;
    const active = this.ensureTrainer();
    if (active.finished) return;
    if (!this.guard.lastGoodState) await this.guard.takeSnapshot(active);
    const result = await this.runOneStep(active);
    if (!Number.isFinite(result.loss) || !result.weightsFinite) {
      await this.recoverFromDivergence(active, divergenceCause(result));
      return;
    }
    this.reports.flushProgress(active, 0);
    await this.reports.postWeights(active);
    this.transition(active.finished ? 'done' : 'paused', 'single step');
  }

  /** The run is over (trained to its end, or restored finished): done, then the threshold sweep of its weights. */
  private async finishRun(detail: string): Promise<void> {
    this.transition('done', detail);
    await this.runSweep();
  }

  private fireFault(active: Trainer): void {
    const fault = this.fault;
    this.fault = null;
    if (fault === 'nan') active.model.poisonWeights();
    else if (fault === 'device-lost') this.deps.loseGpu();
    else if (fault === 'worker-crash') this.deps.crash();
  }

  // ---- going back: divergence, a lost GPU, a restored run --------------------------------------------------------

  /**
   * A non-finite loss or weight: restore the last good state, pause, and say what happened and what to try.
   * The page trims its curves back to the restored step; Resume trains on from there.
   */
  private async recoverFromDivergence(active: Trainer, what: string): Promise<void> {
    const failedStep = active.globalStep;
    this.reports.progress.clearLosses();
    const restored = this.guard.restoreLastGood(active, `Training diverged (${what}) at step ${failedStep}`);
    this.twin.drop();
    const message =
      `Training diverged at step ${failedStep}: ${what}. The weights of step ${restored.globalStep}, the last good snapshot, ` +
      `are restored and training is paused. Try a lower learning rate (now ${active.config.learningRate}), then Resume.`;
    this.deps.post({ type: 'diverged', failedStep, restoredStep: restored.globalStep, message });
    this.reports.flushProgress(active, 0);
    await this.reports.postWeights(active);
    this.pauseRequested = false;
    this.transition('paused', `diverged at step ${failedStep}; restored step ${restored.globalStep}`);
  }

  /**
   * The GPU under TensorFlow.js is gone, and with it every tensor on it: move to the next backend, rebuild the
   * trainer there from the last snapshot (kept on the CPU) and go on training. The page shows the change and why.
   */
  private async recoverFromLostGpu(reason: string): Promise<void> {
    const { backend, active } = await rebuildOnBackend(this, () => this.deps.fallBackFromGpu(), () => this.guard.lastGoodState, true);
    if (!active) return;
    this.reports.forgetRun();
    this.deps.post({ type: 'backend', backend, note: `the WebGPU device was lost (${reason}); training moved to ${backend} from step ${active.globalStep}`, timings: null, measuring: false });
    this.deps.post({ type: 'run-restored', globalStep: active.globalStep, reason: `WebGPU device lost: ${reason}` });
    this.reports.flushProgress(active, 0);
    await this.reports.postWeights(active);
    if (this.status === 'training' && !this.pauseRequested) this.scheduleStep();
  }

  /**
   * Moves the run to a faster TensorFlow.js backend between two steps, its whole state with it; training, if it was,
   * continues. `move` switches TensorFlow.js and returns the backend it runs; `announce` says so to the page.
   */
  moveBackend(move: () => Promise<BackendName>, announce: (backend: BackendName, globalStep: number) => void): Promise<void> {
    return this.enqueue(async () => {
      const { backend, active } = await rebuildOnBackend(this, move, (previous) => previous, false);
      announce(backend, active?.globalStep ?? 0);
      if (active && this.status === 'training' && !this.pauseRequested) this.scheduleStep();
    });
  }

  /**
   * Takes over a run (from a worker that died, an autosave or a checkpoint): its state becomes this trainer's,
   * paused. runId: the run list's name for it, when it continues a listed run.
   */
  private async restore(state: TrainerState, runId: string | null): Promise<void> {
    this.pauseForTask('restoring');
    const active = this.ensureTrainer();
    active.restoreState(state);
    this.twin.drop();
    this.guard.adopt(active, state, runId);
    this.reports.forgetRun();
    this.deps.post({ type: 'run-restored', globalStep: state.globalStep, reason: 'the run was restored' });
    this.reports.flushProgress(active, 0);
    await this.reports.postWeights(active);
    // The page's accuracy card must be this run's, with the inference settings in force. The configure that precedes
    // a restore may have re-evaluated the model being replaced (an untrained one, when a reloaded page opened at
    // another t), and the page took that figure for the run's: evaluating the restored weights supersedes it.
    if (this.run.dataset) await postInferenceEvaluation(active, this.run.dataset.validation, this.deps.post, this.deps.now);
    if (!active.finished) {
      this.transition('paused', `restored step ${state.globalStep}`);
      return;
    }
    // A finished run is done, not paused (Start would do nothing): the line says what its end did, as recorded.
    await this.finishRun(`restored step ${state.globalStep}, ${finishedDetail(active)}`);
  }

  // ---- pausing -----------------------------------------------------------------------------------------------

  /**
   * The paused run's snapshot (what the page autosaves) and weight views, a moment after the pause: reading every
   * weight back can take seconds on a software GPU, and a slider move right after pausing must not wait for it.
   */
  private deferPauseSnapshot(): void {
    const trainer = this.run.trainer;
    setTimeout(() => {
      void this.enqueue(async () => {
        if (this.status !== 'paused' || this.run.trainer !== trainer || !trainer) return;
        if (!(await this.guard.takeSnapshot(trainer))) await this.recoverFromDivergence(trainer, 'a weight became non-finite');
        else await this.reports.postWeights(trainer);
      });
    }, PAUSE_SNAPSHOT_DELAY_MS);
  }

  /** Pauses training (between two steps, since this runs as a task) before something replaces the trainer. */
  private pauseForTask(detail: string): void {
    this.pauseRequested = false;
    if (this.status !== 'training') return;
    // Report the last step before saying 'paused', so a paused page shows the final step count.
    this.reports.flushPending(this.run.trainer);
    this.transition('paused', detail);
  }

  // ---- inference settings, sweep ----------------------------------------------------------------------------

  /**
   * The one route of inference settings into the run: the config (what later trainers are built with) and the
   * trainer's config (what its model, weight views, exports and snapshots read) take them together, and the twin
   * follows. A threshold re-quantizes the weights, so their views are posted again; while not training, the
   * validation accuracy with the new settings is posted at once.
   */
  private async applyInferenceSettings(settings: Partial<InferenceSettings>): Promise<void> {
    if (!this.run.config) return;
    this.run.config = { ...this.run.config, ...settings };
    this.presetName = presetOf(this.configuredPreset, this.run.config);
    const active = this.run.trainer;
    if (!active) return;
    active.applyInferenceSettings(settings);
    this.twin.applyInferenceSettings(settings);
    if (settings.threshold !== undefined) await this.reports.postWeights(active);
    if (this.status !== 'training' && this.run.dataset) await postInferenceEvaluation(active, this.run.dataset.validation, this.deps.post, this.deps.now);
  }

  private async runSweep(): Promise<void> {
    if (!this.run.trainer || !this.run.dataset || this.status === 'training') return;
    await postSweep(this.run.trainer, this.run.dataset.validation, this.deps.post);
  }

  // ---- data, configuration, the trainer ----------------------------------------------------------------------

  /**
   * Loads and parses the new dataset before touching the current one: if the files are bad, the error is shown and
   * the dataset and model the user already has stay as they were.
   */
  private async loadData(source: DatasetSource): Promise<void> {
    this.pauseForTask('paused to load a dataset');
    const previousStatus = this.status;
    this.transition('loading', 'loading dataset');
    let loaded: SplitDataset;
    try {
      this.loadCancelled = false;
      loaded = await loadWithProgress(this.deps.loadDataset, source, this.deps.post, this.deps.now, () => this.loadCancelled);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.post(isUserSource(source) ? { type: 'own-data-error', message } : { type: 'error', message: `Could not load the dataset: ${message}` });
      this.transition(this.run.dataset ? previousStatus : 'error', this.run.dataset ? `kept ${this.run.datasetId}` : 'no dataset loaded');
      return;
    }
    this.resetTrainer();
    this.run.dataset = loaded;
    this.run.datasetId = datasetIdOf(source);
    this.deps.post(datasetReady(this.run.datasetId, loaded));
    this.transition('idle', `${this.run.datasetId} ready`);
    if (this.run.config) await this.reports.postWeights(this.ensureTrainer());
  }

  private async configure(config: TrainConfig, preset: string): Promise<void> {
    const next = validateConfig(config);
    this.presetName = preset;
    this.configuredPreset = preset;
    // The inference settings are live (they change inference, not training); any other change restarts.
    const changed = !this.run.config || !sameTraining(next, this.run.config);
    if (changed && this.run.trainer) {
      this.pauseForTask('paused for a new configuration');
      this.resetTrainer();
      if (this.status !== 'loading') this.transition('idle', 'configuration changed; training restarts from scratch');
    }
    this.run.config = next;
    // A run that goes on takes the configuration's inference settings by the same route as a slider move.
    const moved = this.run.trainer ? changedSettings(this.run.trainer.config, next) : {};
    if (Object.keys(moved).length > 0) await this.applyInferenceSettings(moved);
    // Show the freshly initialised weights before the first step.
    if (!this.run.trainer && this.run.dataset) await this.reports.postWeights(this.ensureTrainer());
  }

  private async reset(): Promise<void> {
    this.pauseForTask('reset');
    this.resetTrainer();
    if (this.run.dataset && this.run.config) await this.reports.postWeights(this.ensureTrainer());
    this.transition('idle', 'reset');
  }

  private resetTrainer(): void {
    const dropped = this.run.detachTrainer();
    dropped?.dispose();
    const hadRun = dropped !== null;
    this.twin.drop();
    this.guard.forget(hadRun);
    this.reports.forgetRun();
  }

  private ensureTrainer(): Trainer {
    return this.run.ensureTrainer(this.teachers.teacher);
  }

  /** The run and its twin learn from this teacher (or none) from their next step. */
  private attachTeacher(teacher: Teacher | null): void {
    if (this.run.trainer) this.run.trainer.teacher = teacher;
    this.twin.setTeacher(teacher);
  }

  dispose(): void {
    this.machine.settle();
    this.resetTrainer();
    this.attachTeacher(null);
    this.teachers.drop();
    this.queries.dispose();
  }
}
