/**
 * Trains a preset and its float twin (same network, weightQuantizer 'none') side by side, one step of each in turn
 * on the same batches, the twin starting from the ternary trainer's state, so that both step times are measured
 * under the same conditions. Shared by bench:accuracy and bench:kws; the caller evaluates and disposes the trainers.
 */
import type { SplitDataset } from '../src/core/data/dataset';
import type { TrainConfig } from '../src/core/model/config';
import { Trainer } from '../src/train/trainer';

export interface SideBySide {
  ternary: Trainer;
  float: Trainer;
  /** Summed step times of each, in milliseconds, and the steps each took. */
  ternaryMs: number;
  floatMs: number;
  steps: number;
  seconds: number;
}

export async function trainSideBySide(label: string, config: TrainConfig, data: SplitDataset, maxSteps = Infinity): Promise<SideBySide> {
  const ternary = new Trainer(config, data);
  const float = new Trainer({ ...config, weightQuantizer: 'none' }, data);
  float.restoreState(await ternary.captureState());
  const started = performance.now();
  let ternaryMs = 0;
  let floatMs = 0;
  while (!ternary.finished && ternary.globalStep < maxSteps) {
    let stepStart = performance.now();
    await ternary.step();
    ternaryMs += performance.now() - stepStart;
    stepStart = performance.now();
    await float.step();
    floatMs += performance.now() - stepStart;
    if (ternary.globalStep % 500 === 0) console.error(`${label}: step ${ternary.globalStep}, ${((performance.now() - started) / 60000).toFixed(1)} min`);
  }
  return { ternary, float, ternaryMs, floatMs, steps: ternary.globalStep, seconds: (performance.now() - started) / 1000 };
}
