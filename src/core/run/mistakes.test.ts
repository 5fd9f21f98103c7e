import { describe, expect, it } from 'vitest';
import { confusionMatrix, matrixAccuracy, mostConfidentMistakes } from './mistakes';

describe('mistakes', () => {
  const labels = [0, 1, 2, 2, 1, 0];
  const predicted = [0, 2, 2, 1, 1, 2];
  const confidence = [0.9, 0.6, 0.8, 0.95, 0.7, 0.6];

  it('counts true classes in rows and predictions in columns', () => {
    expect(Array.from(confusionMatrix(predicted, labels, 3))).toEqual([1, 0, 1, 0, 1, 1, 0, 1, 1]);
    expect(matrixAccuracy(confusionMatrix(predicted, labels, 3), 3)).toBeCloseTo(3 / 6);
  });

  it('lists only wrong predictions, most confident first, ties by index', () => {
    expect(mostConfidentMistakes(predicted, confidence, labels, 10)).toEqual([
      { index: 3, label: 2, predicted: 1, confidence: 0.95 },
      { index: 1, label: 1, predicted: 2, confidence: 0.6 },
      { index: 5, label: 0, predicted: 2, confidence: 0.6 },
    ]);
    expect(mostConfidentMistakes(predicted, confidence, labels, 1)).toHaveLength(1);
    expect(mostConfidentMistakes(labels, confidence, labels, 5)).toEqual([]);
  });

  it('refuses predictions that do not match the labels', () => {
    expect(() => confusionMatrix([0], [0, 1], 2)).toThrow('1 predictions for 2 labels');
  });
});
