import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/config';
import { mlpLayers } from '../model/layers';
import { budgetAdvice, detectorSums } from './budgetAdvice';
import { detectorBudget, kwsFrontEndCost } from './detectorBudget';
import { checkBudget, configFootprint, defaultMcuTarget, MCU_TARGETS, type McuFootprint } from './mcuFootprint';

/** The kws preset's detector for four words, as the budget meter builds it: network + front end. */
function kwsDetector(classes = 4) {
  const network = configFootprint(PRESETS.kws, 'base3', classes);
  const frontEnd = kwsFrontEndCost(classes);
  const detector = detectorBudget(network, 0, frontEnd);
  const footprint: McuFootprint = { ...network, flashBytes: detector.flashBytes, ramBytes: detector.ramBytes, stackBytes: detector.stackBytes };
  return { network, frontEnd, footprint };
}

const KWS_LABELS = ['conv2d 3×3×1→8', 'conv2d 3×3×8→24', '1176→64', '64→4'];

describe('the budget meter on a keyword run', () => {
  it('starts images on the smallest target and a keyword run on a 64 KB / 16 KB part, which the kws detector fits', () => {
    expect(defaultMcuTarget(false)).toBe(MCU_TARGETS[0]);
    const target = defaultMcuTarget(true);
    expect([target.flashBytes, target.ramBytes]).toEqual([64 * 1024, 16 * 1024]);
    expect(target.label).toMatch(/^64 KB flash \/ 16 KB RAM \(\S+ class\)$/);
    const { footprint } = kwsDetector();
    // docs/benchmarks.md measures the built kws detector at ~24.5 KB of flash and ~11.7 KB of RAM.
    expect(footprint.flashBytes).toBeGreaterThan(20_000);
    expect(footprint.flashBytes).toBeLessThan(28_000);
    const check = checkBudget(footprint, target);
    expect(check.flashFits && check.ramFits).toBe(true);
    // On the images' default (16 KB / 2 KB) it fits neither, as the tryout's screenshot showed.
    const small = checkBudget(footprint, defaultMcuTarget(false));
    expect(small.flashFits || small.ramFits).toBe(false);
  });

  it('talks about RAM, its feature maps and the front end\'s buffers, when RAM is what does not fit', () => {
    const { network, frontEnd, footprint } = kwsDetector();
    const check = checkBudget(footprint, { flashBytes: 64 * 1024, ramBytes: 8 * 1024 });
    expect([check.flashFits, check.ramFits]).toEqual([true, false]);
    const advice = budgetAdvice({ check, network, frontEnd, layerLabels: KWS_LABELS });
    expect(advice).toMatch(/^Does not fit: \d+\.\d KB too much RAM\. RAM goes to /);
    expect(advice).toContain('the feature maps');
    expect(advice).toContain("(the largest: layer 1 (conv2d 3×3×1→8)'s output)");
    expect(advice).toContain("the audio front end's buffers 4.7 KB");
    expect(advice).not.toContain('of the flash');
    expect(advice).not.toContain('too much flash');
  });

  it('names the flash\'s largest layer when flash is over, and both when both are', () => {
    const network = configFootprint({ ...PRESETS.seed, layers: mlpLayers([128]) }, 'base3');
    const flashOnly = budgetAdvice({ check: checkBudget(network, { flashBytes: 16 * 1024, ramBytes: 16 * 1024 }), network, frontEnd: null, layerLabels: ['784→128', '128→10'] });
    expect(flashOnly).toMatch(/^Does not fit: \d+\.\d KB too much flash\. Layer 1 \(784→128\) costs most: \d+ % of the flash\.$/);
    const both = budgetAdvice({ check: checkBudget(network, { flashBytes: 1024, ramBytes: 256 }), network, frontEnd: null, layerLabels: ['784→128', '128→10'] });
    expect(both).toContain('too much flash, ');
    expect(both).toContain('costs most');
    expect(both).toContain('RAM goes to');
    expect(both).not.toContain('front end');
    const fits = budgetAdvice({ check: checkBudget(network, { flashBytes: 64 * 1024, ramBytes: 16 * 1024 }), network, frontEnd: null, layerLabels: ['784→128', '128→10'] });
    expect(fits).toMatch(/^Fits, with \d+\.\d KB of flash and \d+\.\d KB of RAM to spare\. Layer 1/);
  });

  it('writes the detector as network + front end = total, the sums the budget box and the Deploy card tell apart', () => {
    const { network, frontEnd, footprint } = kwsDetector();
    const sums = detectorSums(network, frontEnd);
    expect(sums.flash).toBe(`network ${(network.flashBytes / 1024).toFixed(1)} KB + audio front end 5.5 KB = ${(footprint.flashBytes / 1024).toFixed(1)} KB`);
    expect(sums.ram).toMatch(/^network \d+\.\d KB \+ audio front end \d+\.\d KB = \d+\.\d KB$/);
    expect(sums.ram.endsWith(`= ${((footprint.ramBytes + footprint.stackBytes) / 1024).toFixed(1)} KB`)).toBe(true);
  });
});
