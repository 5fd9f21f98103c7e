/**
 * The conv layers' training arithmetic: the custom backward pass (train/conv.ts) against TensorFlow.js's own
 * conv2d gradients on the CPU backend, for odd shapes and strides, and on the WASM backend (which has no filter
 * gradient kernel of its own) against the CPU.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { networkPlan, type ConvPadding, type LayerSpec } from '../core/model/layers';
import { createRng } from '../core/data/rng';
import { trainableConv2d } from './conv';
import { initBackend, registerOptionalBackends } from './backend';
import * as tf from './tf';

function random(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => rng.normal()), shape);
}

/** dL/dx and dL/dw of L = Σ conv(x, w)·r for a fixed random r, through `conv`. */
function gradients(conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor, w: tf.Tensor, r: tf.Tensor): Float32Array[] {
  const grads = tf.grads((xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.mul(conv(xi as tf.Tensor4D, wi as tf.Tensor4D), r)));
  return grads([x, w]).map((g) => g.dataSync() as Float32Array);
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('conv layers in training', () => {
  beforeAll(async () => {
    await registerOptionalBackends();
    await tf.setBackend('cpu');
  });

  it.each<[number, number, number, number, ConvPadding, number]>([
    [9, 3, 5, 3, 'same', 1],
    [9, 3, 5, 3, 'valid', 1],
    [11, 2, 7, 5, 'same', 1],
    [11, 1, 4, 5, 'valid', 1],
    [6, 4, 3, 1, 'same', 1],
    [9, 3, 5, 3, 'same', 2],
    [10, 3, 5, 3, 'valid', 2],
    [11, 2, 3, 5, 'same', 3],
  ])('the gradients equal tfjs conv2d gradients: a %i px square map of %i channels, %i filters of kernel %i, %s, stride %i', (size, inChannels, filters, kernel, padding, stride) => {
    const layers: LayerSpec[] = [{ kind: 'conv2d', filters, kernel, stride, padding }, { kind: 'flatten' }];
    const geometry = networkPlan(layers, { height: size, width: size, channels: inChannels })[0]!.conv!;
    const { output } = geometry;
    const x = random([3, size, size, inChannels], size + kernel);
    const w = random([kernel, kernel, inChannels, filters], 7 * kernel);
    const r = random([3, output.height, output.width, filters], 11);
    const expected = gradients((xi, wi) => tf.conv2d(xi, wi, stride, padding), x, w, r);
    const actual = gradients((xi, wi) => trainableConv2d(xi, wi, geometry), x, w, r);
    const forward = maxDifference(trainableConv2d(x as tf.Tensor4D, w as tf.Tensor4D, geometry).dataSync() as Float32Array, tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, padding).dataSync() as Float32Array);
    expect(forward).toBe(0);
    expect(maxDifference(actual[0]!, expected[0]!)).toBeLessThan(1e-4);
    expect(maxDifference(actual[1]!, expected[1]!)).toBeLessThan(1e-4);
  });

  it('WASM trains conv layers: the gradients there equal the CPU ones, stride 2 included', async () => {
    const cases: [number, ConvPadding][] = [[1, 'same'], [2, 'same'], [2, 'valid'], [1, 'valid']];
    const results: Float32Array[][] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend([backend]);
      results.push(
        cases.flatMap(([stride, padding]) => {
          const geometry = networkPlan([{ kind: 'conv2d', filters: 4, kernel: 3, stride, padding }, { kind: 'flatten' }], { height: 9, width: 9, channels: 3 })[0]!.conv!;
          const r = random([2, geometry.output.height, geometry.output.width, 4], 3);
          return tf.tidy(() => gradients((xi, wi) => trainableConv2d(xi, wi, geometry), random([2, 9, 9, 3], 1), random([3, 3, 3, 4], 2), r));
        }),
      );
    }
    await tf.setBackend('cpu');
    expect(results[1]!.map((wasm, i) => maxDifference(wasm, results[0]![i]!))).toEqual(results[0]!.map(() => expect.closeTo(0, 4)));
  });
});
