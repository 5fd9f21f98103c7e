/**
 * What the page learns of a run's quality while it trains: validation accuracy at intervals, the test split at
 * epoch ends (with the float twin's figures beside the run's), and the confusion matrix with the most confidently
 * misclassified images; the accuracy after an inference-settings move and the threshold sweep. Functions of a
 * trainer and a dataset; the session calls them between steps.
 */
import { channelsOfSet, imageValues, type ImageSet, type SplitDataset } from '../core/data/dataset';
import { confusionMatrix, mostConfidentMistakes } from '../core/run/mistakes';
import type { PostEvent } from '../protocol/messages';
import type { StepResult, Trainer } from '../train/trainer';
import type { FloatTwin } from './floatTwin';
import { inferenceSettingsOf } from './inferenceSettings';
import { sweepThreshold } from './weightReports';

/** Misclassified images shown in the page. */
export const MISTAKES_SHOWN = 16;

/** Validation every ~1/8 epoch (at least every 20 steps), so short runs on the 10k subset still show a curve. */
export function validationInterval(stepsPerEpoch: number): number {
  return Math.max(20, Math.round(stepsPerEpoch / 8));
}

/** This step is validated: an epoch end, or a multiple of the validation interval. */
export function validationDue(active: Trainer, result: StepResult): boolean {
  return result.epochEnded || result.globalStep % validationInterval(active.stepsPerEpoch) === 0;
}

/** The validation figures of this step, and at an epoch end the test figures and the analysis of mistakes. */
export async function postEvaluations(active: Trainer, twin: FloatTwin, dataset: SplitDataset, result: StepResult, post: PostEvent): Promise<void> {
  const validation = await active.evaluate(dataset.validation);
  const twinValidationAccuracy = await twin.accuracy(dataset.validation);
  post({ type: 'validation', globalStep: result.globalStep, accuracy: validation.accuracy, loss: validation.loss, twinAccuracy: twinValidationAccuracy });
  if (!result.epochEnded) return;
  const test = dataset.test ? await active.evaluate(dataset.test) : null;
  const twinTestAccuracy = dataset.test ? await twin.accuracy(dataset.test) : null;
  post({
    type: 'epoch-end',
    epoch: result.epoch + 1,
    globalStep: result.globalStep,
    validationAccuracy: validation.accuracy,
    testAccuracy: test ? test.accuracy : null,
    twinValidationAccuracy,
    twinTestAccuracy,
  });
  await postAnalysis(active, dataset, post);
}

/** The confusion matrix and the most confidently misclassified images of the validation split, for the page. */
export async function postAnalysis(active: Trainer, dataset: SplitDataset, post: PostEvent): Promise<void> {
  const split = dataset.validation;
  const { predicted, confidence } = await active.predictWithConfidence(split);
  const mistakes = mostConfidentMistakes(predicted, confidence, split.labels, MISTAKES_SHOWN);
  const size = imageValues(split);
  const images = new Uint8Array(mistakes.length * size);
  mistakes.forEach((mistake, i) => images.set(split.pixels.subarray(mistake.index * size, (mistake.index + 1) * size), i * size));
  const classCount = dataset.classNames.length;
  const matrix = confusionMatrix(predicted, split.labels, classCount);
  // Copies of the clips: the data set keeps its own (a transfer would detach them).
  const clips = dataset.validationAudio ? mistakes.map((mistake) => dataset.validationAudio![mistake.index]!.slice()) : undefined;
  post(
    {
      type: 'analysis',
      analysis: { globalStep: active.globalStep, split: 'validation', count: split.count, classCount, matrix, mistakes, images, rows: split.rows, cols: split.cols, channels: channelsOfSet(split), ...(clips && { clips }) },
    },
    [matrix.buffer, images.buffer, ...(clips ?? []).map((clip) => clip.buffer)],
  );
}

/** Validation accuracy with the inference settings now in force (after a move while not training), and its time. */
export async function postInferenceEvaluation(active: Trainer, validation: ImageSet, post: PostEvent, now: () => number): Promise<void> {
  const started = now();
  const { accuracy } = await active.evaluate(validation);
  post({ type: 'inference-evaluation', settings: inferenceSettingsOf(active.config), accuracy, milliseconds: now() - started });
}

/** Accuracy and sparsity of the trained weights re-quantized at each threshold of the sweep, on `validation`. */
export async function postSweep(active: Trainer, validation: ImageSet, post: PostEvent): Promise<void> {
  const points = await sweepThreshold(active, async () => (await active.evaluate(validation)).accuracy);
  post({ type: 'sweep', points, currentThreshold: active.config.threshold });
}
