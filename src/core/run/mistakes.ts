/**
 * What the model gets wrong, from its predictions on a labelled split: the confusion matrix and the examples it
 * got wrong with the most confidence (the first thing people look at in an MNIST demo).
 */

/** counts[true · classCount + predicted]: rows are the true classes, columns the predicted ones. */
export function confusionMatrix(predicted: ArrayLike<number>, labels: ArrayLike<number>, classCount: number): Uint32Array {
  if (predicted.length !== labels.length) throw new Error(`${predicted.length} predictions for ${labels.length} labels.`);
  const counts = new Uint32Array(classCount * classCount);
  for (let i = 0; i < labels.length; i++) counts[labels[i]! * classCount + predicted[i]!]!++;
  return counts;
}

export interface Mistake {
  /** Index of the example in its split. */
  index: number;
  label: number;
  predicted: number;
  /** Softmax probability the model gave its (wrong) prediction. */
  confidence: number;
}

/** The `limit` wrong predictions with the highest confidence, most confident first (ties: lower index first). */
export function mostConfidentMistakes(
  predicted: ArrayLike<number>,
  confidence: ArrayLike<number>,
  labels: ArrayLike<number>,
  limit: number,
): Mistake[] {
  const mistakes: Mistake[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (predicted[i] !== labels[i]) mistakes.push({ index: i, label: labels[i]!, predicted: predicted[i]!, confidence: confidence[i]! });
  }
  mistakes.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return mistakes.slice(0, limit);
}

/** Share of correct predictions read off a confusion matrix (its trace over its sum). */
export function matrixAccuracy(counts: ArrayLike<number>, classCount: number): number {
  let correct = 0;
  let total = 0;
  for (let t = 0; t < classCount; t++) {
    for (let p = 0; p < classCount; p++) {
      total += counts[t * classCount + p]!;
      if (t === p) correct += counts[t * classCount + p]!;
    }
  }
  return total === 0 ? 0 : correct / total;
}
