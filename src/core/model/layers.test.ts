import { describe, expect, it } from 'vitest';
import { PRESETS } from './config';
import { convAxis, formatLayerList, layerMacs, mlpLayers, networkPlan, networkSummary, parseLayerList, type LayerSpec } from './layers';

describe('layer lists', () => {
  it('walk the cnn preset to its shapes: conv, pool, conv, pool, dense, output', () => {
    const plan = networkPlan(PRESETS.cnn.layers);
    expect(plan.map((layer) => [layer.kind, layer.inputSize, layer.outputSize])).toEqual([
      ['conv2d', 9, 32],
      ['conv2d', 288, 32],
      ['dense', 7 * 7 * 32, 128],
      ['dense', 128, 10],
    ]);
    expect(plan[0]!.conv).toMatchObject({ output: { height: 28, width: 28, channels: 32 }, pool: 2, pooled: { height: 14, width: 14, channels: 32 }, padTop: 1, padLeft: 1 });
    expect(plan.map(layerMacs).reduce((a, b) => a + b)).toBe(784 * 9 * 32 + 196 * 288 * 32 + 1568 * 128 + 1280);
    expect(plan[3]!.isOutput).toBe(true);
  });

  it('an MLP is flatten then dense layers, named as before', () => {
    expect(networkPlan(mlpLayers([128])).map((layer) => [layer.inputSize, layer.outputSize])).toEqual([[784, 128], [128, 10]]);
    expect(networkSummary(mlpLayers([512, 512]))).toBe('784-512-512-10');
    expect(networkSummary(PRESETS.cnn.layers)).toBe('conv2d 32 3×3 same, maxpool2d 2, conv2d 32 3×3 same, maxpool2d 2, flatten, dense 128, dense 10');
  });

  it.each([
    // size, kernel, stride, padding -> out, padBefore (TensorFlow's rules: 'same' puts the odd pixel after)
    [28, 3, 1, 'same', 28, 1],
    [28, 5, 1, 'valid', 24, 0],
    [14, 3, 2, 'same', 7, 0],
    [9, 4, 2, 'same', 5, 1],
    [10, 3, 2, 'valid', 4, 0],
  ] as const)('convAxis(%i, kernel %i, stride %i, %s) = %i outputs, %i padded before', (size, kernel, stride, padding, out, padBefore) => {
    expect(convAxis(size, kernel, stride, padding)).toEqual({ out, padBefore });
  });

  it('travel as text and back', () => {
    const layers: LayerSpec[] = [...PRESETS.cnn.layers, { kind: 'conv2d', filters: 3, kernel: 5, stride: 2, padding: 'valid' }];
    expect(formatLayerList(PRESETS.cnn.layers)).toBe('conv2d:32:3:1:same,maxpool2d:2,conv2d:32:3:1:same,maxpool2d:2,flatten,dense:128');
    expect(parseLayerList(formatLayerList(layers))).toEqual(layers);
    expect(parseLayerList('dense:abc,mystery:1')).toEqual([{ kind: 'dense', units: 'abc' }, { kind: 'mystery' }]);
    expect(parseLayerList('')).toEqual([]);
  });

  it('carries a weight format per weighted layer: text, summary and plan; ternary layers read as before', () => {
    const layers: LayerSpec[] = [
      { kind: 'conv2d', filters: 8, kernel: 3, stride: 1, padding: 'same', weights: 'int8' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'flatten' },
      { kind: 'dense', units: 32, weights: 'int4' },
      { kind: 'dense', units: 16 },
    ];
    const text = formatLayerList(layers);
    expect(text).toBe('conv2d:8:3:1:same:int8,maxpool2d:2,flatten,dense:32:int4,dense:16');
    expect(parseLayerList(text)).toEqual(layers);
    expect(networkSummary(layers)).toBe('conv2d 8 3×3 same int8, maxpool2d 2, flatten, dense 32 int4, dense 16, dense 10');
    const plan = networkPlan(layers, undefined, 10, 'int4');
    expect(plan.map((layer) => layer.weights)).toEqual(['int8', 'int4', 'ternary', 'int4']);
    expect(networkPlan(layers).at(-1)!.weights).toBe('ternary');
  });
});

