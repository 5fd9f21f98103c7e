import { describe, expect, it } from 'vitest';
import { FRONT_END } from '../audio/frontEnd';
import { PRESETS } from '../model/config';
import type { LayerSpec } from '../model/layers';
import { toIntegerModel } from '../model/integerModel';
import { foldModel, type InferenceModel, type LayerSnapshot } from '../model/referenceModel';
import { fixedSnapshotLayer } from '../model/randomSnapshot.testing';
import { modelInputShape } from '../model/inputResolution';
import { networkPlan } from '../model/layers';
import { armToolchainAvailable, writeExport } from '../../../scripts/cToolchain';
import { measureFrontEnd } from '../../../scripts/kwsToolchain';
import { emitC } from './cEmitter';
import { detectorBudget, ENGINE_COST_NETWORKS, kwsFrontEndCost, networkInstructionEstimate, type FrontEndCost } from './detectorBudget';
import { configFootprint } from './mcuFootprint';

const flatten: LayerSpec = { kind: 'flatten' };
const dense = (units: number): LayerSpec => ({ kind: 'dense', units });

/** The output layer alone (784 -> classes) with fixed weights: the smallest network the front end can be exported with. */
function tinyModel(classes: number): InferenceModel {
  const config = { ...PRESETS.kws, layers: [flatten] };
  const [layer] = networkPlan(config.layers, modelInputShape(config.inputResolution), classes, config.outputWeights);
  const snapshot: LayerSnapshot[] = [fixedSnapshotLayer(layer!)];
  return foldModel(snapshot, config, config.weightQuantizer, config.threshold);
}

describe('networkInstructionEstimate', () => {
  // QEMU's Cortex-M3 counts of bitnet_predict on keyword features (`npm run bench:engine`: base 3, 12 classes, random
  // weights), 2026-12-07. Zero inputs are skipped, so the two-pass networks' deeper layers move the most with sparsity.
  const measured: [string, number][] = [
    ['kws', 1_507_280],
    ['conv 12, pool, conv 16 stride 2, dense 48', 2_741_120],
    ['conv 8, pool, dense 16', 1_720_720],
    ['conv 16 stride 2, conv 16, pool, dense 24', 3_568_160],
    ['three conv layers', 3_258_960],
    ['conv 6 5×5, pool, dense 48', 3_203_040],
    ['conv 24, pool, conv 32 stride 2, dense 48', 5_323_320],
    ['dense 64, dense 32', 562_320],
    ['dense 128', 1_047_000],
    ['dense 32, dense 32, dense 32', 321_640],
    ['conv 12 stride 2, conv 16 stride 2, dense 48', 1_461_600],
    ['conv 32, pool, conv 32 in two passes, pool, dense 16', 27_136_760],
    ['conv 16, pool, conv 24 5×5 in two passes, pool, dense 16', 22_566_600],
  ];

  it('is checked against every network it is fitted to', () => {
    expect(measured.map(([name]) => name)).toEqual(ENGINE_COST_NETWORKS.map(([name]) => name));
  });

  for (const [name, instructions] of measured) {
    it(`${name}: within 10 % of the instructions measured on QEMU`, () => {
      const layers = ENGINE_COST_NETWORKS.find(([network]) => network === name)![1];
      const estimate = networkInstructionEstimate({ ...PRESETS.kws, layers }, 12);
      expect(estimate / instructions).toBeGreaterThan(0.9);
      expect(estimate / instructions).toBeLessThan(1.1);
    });
  }

  it('counts each pass of shift averaging', () => {
    const config = { layers: [flatten, dense(16)] };
    expect(Math.abs(networkInstructionEstimate({ ...config, shiftAveraging: true }, 4) - 5 * networkInstructionEstimate(config, 4))).toBeLessThanOrEqual(3);
  });
});

describe('detectorBudget', () => {
  it('adds the front end to the network; the front end’s frames sit on the network’s stack', () => {
    const network = configFootprint(PRESETS.kws, 'base3', 12);
    const frontEnd: FrontEndCost = { flashBytes: 3000, ramBytes: 2000, stackBytes: 100, instructions: 500_000, source: 'test' };
    const budget = detectorBudget(network, 1_000_000, frontEnd);
    expect(budget.flashBytes).toBe(network.flashBytes + 3000);
    expect(budget.ramBytes).toBe(network.ramBytes + 2000);
    expect(budget.stackBytes).toBe(network.stackBytes + 100);
    expect(budget.instructions).toBe(1_500_000);
    expect(budget.frontEndInstructions).toBe(500_000);
  });

  it.runIf(armToolchainAvailable() || !!process.env.CI).each([2, 12, 22])('kwsFrontEndCost(%i classes) is within 5 percent of a new measurement of bitnet_kws.c', (classes) => {
    // The front end's cost does not depend on the network: a one-layer model is exported with it.
    const integer = toIntegerModel(tinyModel(classes));
    const expected = kwsFrontEndCost(classes);
    const files = emitC(integer, { packing: 'base3', preset: 'kws', configSummary: 'test', accuracy: null, classNames: Array.from({ length: classes }, (_, c) => `word${c}`), examples: { pixels: new Uint8Array(784), labels: [0], count: 1 }, appVersion: 'test', frontEnd: FRONT_END });
    const clips = new Int16Array(3 * 16000);
    for (let n = 0; n < clips.length; n++) clips[n] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * n) / 16000) + ((n * 7919) % 401) - 200);
    const measuredCost = measureFrontEnd(writeExport(files, 'detector-budget-'), clips, 3);
    const close = (a: number, b: number) => Math.abs(a / b - 1) <= 0.05;
    expect(close(measuredCost.instructionsPerWindow, expected.instructions), `${measuredCost.instructionsPerWindow}`).toBe(true);
    expect(close(measuredCost.flashBytes, expected.flashBytes), `${measuredCost.flashBytes}`).toBe(true);
    expect(close(measuredCost.ramBytes, expected.ramBytes), `${measuredCost.ramBytes}`).toBe(true);
    expect(close(measuredCost.stackBytes, expected.stackBytes), `${measuredCost.stackBytes}`).toBe(true);
  }, 120_000);
});
