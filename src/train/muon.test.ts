import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from './adam';
import { Muon, orthogonalize } from './muon';
import * as tf from './tf';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A (rows, cols) matrix with singular values `values` on a permuted, signed diagonal: G = P·diag(s)·Q. */
function permutedDiagonal(rows: number, cols: number, values: readonly number[]): { matrix: tf.Tensor2D; at: [number, number, number][] } {
  const data = new Float32Array(rows * cols);
  const at: [number, number, number][] = [];
  values.forEach((value, i) => {
    const row = (i * 3) % rows;
    const col = (i * 5 + 1) % cols;
    const sign = i % 2 === 0 ? 1 : -1;
    data[row * cols + col] = sign * value;
    at.push([row, col, sign]);
  });
  return { matrix: tf.tensor2d(data, [rows, cols]), at };
}

describe('orthogonalize (Newton–Schulz)', () => {
  it.each([
    ['wide', 4, 7],
    ['tall', 7, 4],
  ] as const)('maps every singular value of a %s matrix near 1, across a 1:80 range, and keeps the singular vectors', async (_, rows, cols) => {
    // Rows 0, 3, 6, 2 and columns 1, 6, 4, 2 (mod the shape) are distinct for 4 values in either orientation.
    const { matrix, at } = permutedDiagonal(rows, cols, [4, 1, 0.25, 0.05]);
    const result = await orthogonalize(matrix).array();
    for (const [row, col, sign] of at) {
      // The quintic iteration's fixed band: singular values land in about [0.7, 1.2] (Jordan's coefficients).
      expect(result[row]![col]! * sign).toBeGreaterThan(0.6);
      expect(result[row]![col]! * sign).toBeLessThan(1.25);
    }
    // Everything off the singular vectors stays 0.
    const total = result.flat().reduce((sum, value) => sum + Math.abs(value), 0);
    const onPattern = at.reduce((sum, [row, col]) => sum + Math.abs(result[row]![col]!), 0);
    expect(total - onPattern).toBeLessThan(1e-5);
    matrix.dispose();
  });

  it('gives the transpose for the transposed matrix (the tall and wide paths agree), whatever the scale', async () => {
    const g = tf.randomNormal([12, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
    const tall = await orthogonalize(g).array();
    const wide = await orthogonalize(tf.mul(tf.transpose(g), 1000) as tf.Tensor2D).array();
    for (let r = 0; r < 12; r++) for (let c = 0; c < 5; c++) expect(wide[c]![r]!).toBeCloseTo(tall[r]![c]!, 4);
    g.dispose();
  });
});

describe('Muon', () => {
  // tfjs names variables globally: each set gets its own names, and gradients are keyed by them.
  let sets = 0;
  const makeVariables = () => {
    sets++;
    return {
      hidden: tf.variable(tf.randomNormal([16, 8], 0, 0.1, 'float32', 1), true, `hidden${sets}`),
      output: tf.variable(tf.randomNormal([8, 3], 0, 0.1, 'float32', 2), true, `output${sets}`),
      bias: tf.variable(tf.zeros([8]), true, `bias${sets}`),
    };
  };
  type Variables = ReturnType<typeof makeVariables>;
  const gradients = (variables: Variables, seed: number): tf.NamedTensorMap => ({
    [variables.hidden.name]: tf.randomNormal([16, 8], 0, 1, 'float32', seed),
    [variables.output.name]: tf.randomNormal([8, 3], 0, 1, 'float32', seed + 1),
    [variables.bias.name]: tf.randomNormal([8], 0, 1, 'float32', seed + 2),
  });

  it('moves a hidden matrix by an orthogonalized step of Adam-like size, and everything else exactly as Adam does', async () => {
    const muonVariables = makeVariables();
    const adamVariables = makeVariables();
    const hiddenBefore = muonVariables.hidden.clone();
    const muon = new Muon(Object.values(muonVariables), [muonVariables.hidden]);
    const adam = new Adam(Object.values(adamVariables));
    const learningRate = 0.01;
    const grads = gradients(muonVariables, 10);
    muon.apply(grads, learningRate);
    adam.apply(gradients(adamVariables, 10), learningRate);

    expect(await muonVariables.output.data()).toEqual(await adamVariables.output.data());
    expect(await muonVariables.bias.data()).toEqual(await adamVariables.bias.data());
    // First step: momentum = G, Nesterov U = 1.95·G; the step is −lr·0.2·√16·O(U), O's singular values ≈ 1, so its
    // root-mean-square is lr·0.2·√16·√(8/128) = 0.2·lr (Adam's first step has |update| = lr everywhere instead).
    const step = tf.sub(muonVariables.hidden, hiddenBefore);
    const rms = (await tf.sqrt(tf.mean(tf.square(step))).data())[0]!;
    expect(rms).toBeGreaterThan(0.2 * learningRate * 0.6);
    expect(rms).toBeLessThan(0.2 * learningRate * 1.25);
    const expected = tf.mul(orthogonalize(tf.mul(grads[muonVariables.hidden.name]!, 1.95) as tf.Tensor2D), -learningRate * 0.2 * 4);
    const difference = (await tf.max(tf.abs(tf.sub(step, expected))).data())[0]!;
    expect(difference).toBeLessThan(1e-6);
    muon.dispose();
    adam.dispose();
  });

  it('keeps its momentum in the state: restored, it continues as the optimizer that never stopped', async () => {
    const run = async (restoreAfter: number | null): Promise<Float32Array> => {
      const variables = makeVariables();
      let muon = new Muon(Object.values(variables), [variables.hidden]);
      for (let step = 0; step < 4; step++) {
        if (step === restoreAfter) {
          const state = await muon.getState();
          muon.dispose();
          muon = new Muon(Object.values(variables), [variables.hidden]);
          muon.setState(state);
        }
        muon.apply(gradients(variables, 20 + 3 * step), 0.01);
      }
      muon.dispose();
      return (await variables.hidden.data()) as Float32Array;
    };
    expect(await run(2)).toEqual(await run(null));
  });
});
