/**
 * Requests that use the run's weights without training them: a drawn digit's answer (the newest drawing only),
 * the ternary kernels' evaluation and benchmark, and exports. Each works on the trainer it is given, at the
 * inference settings its config holds; the folded model is cached by InferenceService per weights version.
 */
import type { DatasetId, SplitDataset } from '../core/data/dataset';
import type { PostEvent, WorkerRequest } from '../protocol/messages';
import type { Trainer } from '../train/trainer';
import { buildExport } from './exportTasks';
import { InferenceService } from './inferenceService';
import { benchmarkKernels, evaluateKernel } from './kernelTasks';

type KernelRequest = Extract<WorkerRequest, { type: 'kernel-evaluate' | 'kernel-benchmark' }>;
type ExportRequest = Extract<WorkerRequest, { type: 'export' }>;

export class ModelQueries {
  readonly inference = new InferenceService();
  /**
   * The newest drawing not yet classified. A drawing changes with every stroke and the page re-asks at each weight
   * report; only the newest answer is shown, so one queued task answers the newest request and older ones are
   * skipped (each answer rebuilds the folded model while training goes on).
   */
  private pendingDrawing: { requestId: number; pixels: Uint8Array } | null = null;

  constructor(
    private readonly post: PostEvent,
    private readonly now: () => number,
  ) {}

  /** Keeps the newest drawing; true when no answer is queued yet, so the caller queues one (answerNewestDrawing). */
  offerDrawing(requestId: number, pixels: Uint8Array): boolean {
    const answerQueued = this.pendingDrawing !== null;
    this.pendingDrawing = { requestId, pixels };
    return !answerQueued;
  }

  /** The newest drawing, answered with the weights of this moment; weightsVersion names them (a new one per step). */
  async answerNewestDrawing(active: Trainer | null, weightsVersion: number): Promise<void> {
    const request = this.pendingDrawing;
    this.pendingDrawing = null;
    if (!request) return;
    if (!active) throw new Error('There is no model yet: load data and train first.');
    const started = this.now();
    const built = await this.folded(active, weightsVersion);
    const { probabilities, featureMaps } = await this.inference.classify(built.model, built.network, request.pixels);
    this.post(
      { type: 'classification', requestId: request.requestId, probabilities, path: built.network ? 'webgpu' : 'cpu', milliseconds: this.now() - started, featureMaps },
      [probabilities.buffer, ...featureMaps.map((map) => map.values.buffer as ArrayBuffer)],
    );
  }

  /** The kernels against tfjs on the held-out split, or their timings at the requested batch sizes. */
  async kernelTask(request: KernelRequest, active: Trainer, weightsVersion: number, dataset: SplitDataset, preset: string): Promise<void> {
    const built = await this.folded(active, weightsVersion);
    if (request.type === 'kernel-evaluate') {
      this.post({ type: 'kernel-evaluation', result: await evaluateKernel(this.inference, active, dataset, built) });
      return;
    }
    const variants = [built];
    // Where dot4I8Packed is used, also time the add/sub kernel on the same layers.
    if (built.network?.kernels.includes('dot4')) variants.push({ model: built.model, network: built.network.withoutDot4() });
    try {
      const { rows, tfjsBackend } = await benchmarkKernels(this.inference, active, dataset, variants, preset, request.batches);
      this.post({ type: 'kernel-benchmark', rows, path: this.inference.path, backend: tfjsBackend });
    } finally {
      variants.slice(1).forEach((v) => v.network?.destroy());
    }
  }

  /**
   * An export of the weights at the trainer's inference settings; a failure (no data yet, a model the integer
   * engine cannot run) is answered, never fatal to the run. resolve gives the trainer and data, or throws.
   */
  async exportModel(request: ExportRequest, resolve: () => { active: Trainer; dataset: SplitDataset }, preset: string, datasetId: DatasetId): Promise<void> {
    try {
      const { active, dataset } = resolve();
      const built = await buildExport(active, dataset, { format: request.format, packing: request.packing, preset, datasetId });
      this.post({ type: 'export-ready', format: request.format, fileName: built.fileName, bytes: built.bytes, note: built.note }, [built.bytes.buffer]);
    } catch (error) {
      this.post({ type: 'export-failed', format: request.format, message: error instanceof Error ? error.message : String(error) });
    }
  }

  dispose(): void {
    this.inference.dispose();
  }

  /** The folded model of the trainer's weights at its threshold (rebuilt when either changed). */
  private folded(active: Trainer, weightsVersion: number) {
    if (active.config.weightQuantizer === 'none') {
      throw new Error('The float twin has no ternary weights to run on the kernels; choose a weight quantizer.');
    }
    return this.inference.model(active, active.config.threshold, weightsVersion);
  }
}
