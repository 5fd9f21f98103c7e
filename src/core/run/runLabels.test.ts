import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/config';
import { mlpLayers } from '../model/layers';
import { differingSettings, epochInProgress, runLabels, standaloneRunLabel } from './runLabels';

describe('run labels', () => {
  const base = { preset: 'seed', datasetId: 'mnist-10k', config: { ...PRESETS.seed } };

  it('name each run by the settings that differ between the runs', () => {
    const runs = [base, { ...base, config: { ...base.config, learningRate: 0.01 } }, { ...base, config: { ...base.config, learningRate: 0.01, layers: mlpLayers([256, 64]) } }];
    expect(differingSettings(runs)).toEqual(['layers', 'learningRate']);
    expect(runLabels(runs)).toEqual(['layers 784-128-10 · learningRate 0.006', 'layers 784-128-10 · learningRate 0.01', 'layers 784-256-64-10 · learningRate 0.01']);
  });

  it('name a CNN by its layers', () => {
    const cnn = { ...base, config: { ...base.config, layers: PRESETS.cnn.layers } };
    expect(runLabels([base, cnn])[1]).toMatch(/^layers conv2d .*maxpool2d 2.*dense 10$/);
  });

  it('runs of different named presets go by preset; a custom run by the fields that differ', () => {
    const b158 = { preset: 'b158-mlp', datasetId: 'mnist-10k', config: { ...PRESETS['b158-mlp'] } };
    expect(runLabels([base, b158])).toEqual(['preset seed', 'preset b158-mlp']);
    expect(runLabels([base, { ...base, preset: 'custom', config: { ...base.config, epochs: 9 } }])).toEqual(['epochs 5', 'epochs 9']);
  });

  it('tell identical setups apart by number, and a single run by its preset', () => {
    expect(runLabels([base, base])).toEqual(['seed #1', 'seed #2']);
    expect(runLabels([base])).toEqual(['seed']);
    expect(runLabels([base, { ...base, datasetId: 'mnist' }])).toEqual(['dataset mnist-10k', 'dataset mnist']);
  });

  it('tell runs on own images apart by their image, and size the network by it', () => {
    const own = { ...base, datasetId: 'own', classNames: ['red', 'green', 'blue'] };
    const rgb = { ...own, conversion: { side: 20, color: 'rgb', invert: 'no' } as const };
    expect(runLabels([own, rgb])).toEqual(['image 28×28 grey', 'image 20×20 RGB']);
    expect(standaloneRunLabel({ ...rgb, epoch: 1, step: 20, validationAccuracy: null })).toContain('1200-128-3 ·');
  });

  it('count epochs from 1 to N: a finished 5-epoch run is in epoch 5, not 6', () => {
    expect(epochInProgress(0, 5)).toBe(1);
    expect(epochInProgress(2, 5)).toBe(3);
    expect(epochInProgress(5, 5)).toBe(5);
    expect(standaloneRunLabel({ ...base, epoch: 5, step: 450, validationAccuracy: 0.933 })).toContain('epoch 5 (step 450)');
    expect(standaloneRunLabel({ ...base, epoch: 0, step: 20, validationAccuracy: null })).toContain('epoch 1 (step 20)');
    expect(standaloneRunLabel({ ...base, epoch: 1, step: 20, validationAccuracy: null })).toContain('784-128-10 ·');
    expect(standaloneRunLabel({ ...base, classNames: ['yes', 'no', '_silence_'], epoch: 1, step: 20, validationAccuracy: null })).toContain('784-128-3 ·');
  });
});
