/**
 * The keyword detector's microcontroller budget: the network's C export (mcuFootprint.ts) plus the audio front end
 * (bitnet_kws.c: 1 s of 16 kHz PCM -> 28×28 log-mel features), in flash, RAM, stack and instructions per 1 s
 * window, which the power estimate (powerEstimate.ts) turns into energy and average power. An estimate for the
 * Deploy panel; `npm run bench:mcu` measures the built detector (arm-none-eabi-size, QEMU).
 *
 * The network's instructions are estimated from its shapes by a linear model of the C engine (bitnet_engine.c),
 * fitted to QEMU's Cortex-M3 counts of the thirteen ENGINE_COST_NETWORKS on 28×28 keyword features (random weights,
 * base 3, 8-bit activations; least squares on the relative error, within 10 % of each, measured 2026-12-07 with
 * `npm run bench:engine`). With P a conv layer's output positions (before pooling), K its patch length, N its
 * filters and passes = 1 where its accumulators fit int16 (mcuFootprint.ts convOnePass), else 2 (one finds max|Y|,
 * the next writes the codes):
 *   first conv layer: passes·P·(111.25·K + 109.93·N)   (every feature tap is non-zero: its row of N is decoded;
 *                                                       N per position: pooling, requantisation)
 *   later conv layers: passes·P·(5.03·K·N + 10.05·K + 109.93·N)   (ReLU codes: zero inputs are skipped)
 *   dense: 9.08 per weight, + 99.33 per input value for a first layer (the division of its feature code)
 * A linear model of shapes cannot see how many codes are zero, which is what keeps it from fitting closer.
 * Zero inputs cost nothing, so a trained network's count moves with its sparsity (kws: bench:mcu measures).
 * An estimate for other inputs (a 16×16 area average, int4 or int8 layers): `npm run bench:mcu` measures.
 */
import { configInputShape, PRESETS, type ModelConfig } from '../model/config';
import { networkPlan, type LayerSpec } from '../model/layers';
import { SHIFT_PASSES } from '../model/shiftAveraging';
import { convOnePass, type McuFootprint } from './mcuFootprint';

/** The fitted model's coefficients (instructions), named by what each counts. */
export const ENGINE_COST = {
  firstLayerTap: 111.25,
  convWeightUse: 5.03,
  convTap: 10.05,
  convPositionUnit: 109.93,
  denseWeight: 9.08,
  firstLayerInput: 99.33,
} as const;

const conv = (filters: number, kernel = 3, stride = 1): LayerSpec => ({ kind: 'conv2d', filters, kernel, stride, padding: 'same' });
const pool: LayerSpec = { kind: 'maxpool2d', size: 2 };
const flatten: LayerSpec = { kind: 'flatten' };
const dense = (units: number): LayerSpec => ({ kind: 'dense', units });

/** The networks ENGINE_COST is fitted to and checked against (`npm run bench:engine` measures them), named. */
export const ENGINE_COST_NETWORKS: readonly (readonly [string, LayerSpec[]])[] = [
  ['kws', PRESETS.kws.layers],
  ['conv 12, pool, conv 16 stride 2, dense 48', [conv(12), pool, conv(16, 3, 2), flatten, dense(48)]],
  ['conv 8, pool, dense 16', [conv(8), pool, flatten, dense(16)]],
  ['conv 16 stride 2, conv 16, pool, dense 24', [conv(16, 3, 2), conv(16), pool, flatten, dense(24)]],
  ['three conv layers', [conv(8), pool, conv(8), pool, conv(32), pool, flatten, dense(16)]],
  ['conv 6 5×5, pool, dense 48', [conv(6, 5), pool, flatten, dense(48)]],
  ['conv 24, pool, conv 32 stride 2, dense 48', [conv(24), pool, conv(32, 3, 2), flatten, dense(48)]],
  ['dense 64, dense 32', [flatten, dense(64), dense(32)]],
  ['dense 128', [flatten, dense(128)]],
  ['dense 32, dense 32, dense 32', [flatten, dense(32), dense(32), dense(32)]],
  ['conv 12 stride 2, conv 16 stride 2, dense 48', [conv(12, 3, 2), conv(16, 3, 2), flatten, dense(48)]],
  ['conv 32, pool, conv 32 in two passes, pool, dense 16', [conv(32), pool, conv(32), pool, flatten, dense(16)]],
  ['conv 16, pool, conv 24 5×5 in two passes, pool, dense 16', [conv(16), pool, conv(24, 5), pool, flatten, dense(16)]],
];

/** Instructions of one bitnet_predict on a Cortex-M3, estimated from the configuration's shapes. */
export function networkInstructionEstimate(
  config: Pick<ModelConfig, 'layers'> & Partial<Pick<ModelConfig, 'inputResolution' | 'outputWeights' | 'shiftAveraging'>>,
  classCount: number,
): number {
  let instructions = 0;
  networkPlan(config.layers, configInputShape(config), classCount, config.outputWeights).forEach((layer, index) => {
    const K = layer.inputSize;
    const N = layer.outputSize;
    if (layer.conv) {
      const positions = layer.conv.output.height * layer.conv.output.width;
      const passes = convOnePass({ conv: true, epilogue: 'requantize', inputSize: K, weights: layer.weights }) ? 1 : 2;
      const taps = index === 0 ? ENGINE_COST.firstLayerTap * K : ENGINE_COST.convWeightUse * K * N + ENGINE_COST.convTap * K;
      instructions += passes * positions * (taps + ENGINE_COST.convPositionUnit * N);
    } else {
      instructions += ENGINE_COST.denseWeight * K * N + (index === 0 ? ENGINE_COST.firstLayerInput * K : 0);
    }
  });
  return Math.round(instructions * (config.shiftAveraging ? SHIFT_PASSES : 1));
}

/** What the front end (bitnet_kws.c) costs on its own, and how that was found. */
export interface FrontEndCost {
  /** text + data of bitnet_kws.o for a Cortex-M0+ (-Os, no C library). */
  flashBytes: number;
  /** data + bss of bitnet_kws.o: its PCM window, FFT buffers and the 28×28 feature map. */
  ramBytes: number;
  /** The front end's frames above the network's deepest chain (bitnet_kws_push and the frame it computes). */
  stackBytes: number;
  /** Instructions of bitnet_kws_features on one 1 s window on QEMU's Cortex-M3. */
  instructions: number;
  /** Where the figures come from (a measurement and its date, or a formula). */
  source: string;
}

export interface DetectorBudget {
  flashBytes: number;
  ramBytes: number;
  stackBytes: number;
  networkInstructions: number;
  frontEndInstructions: number;
  /** Front end + network, per 1 s window of audio. */
  instructions: number;
}

/**
 * The front end of the C export (bitnet_kws.c, front end log-mel-v1) for a model of classCount classes, measured
 * 2026-12-07 with scripts/kwsToolchain.ts `measureFrontEnd`: bitnet_kws.o for a Cortex-M0+ (-Os), and
 * bitnet_kws_features on QEMU's Cortex-M3 (the median of 8 synthesised keyword test clips; it varies by about 1 %
 * with the clip through the block scaling). Only the stream's score history (3 windows × int32 per class) and
 * bitnet_kws_push's int32 scores and int64 sums per class depend on the model: 4,812 / 4,932 / 5,052 B of RAM and
 * 304 / 408 / 528 B of stack at 2 / 12 / 22 classes. A test holds these within 5 % of a new measurement.
 */
export function kwsFrontEndCost(classCount: number): FrontEndCost {
  return {
    flashBytes: 5590,
    ramBytes: 4788 + 12 * classCount,
    stackBytes: 280 + 11 * classCount,
    instructions: 1_218_960,
    source: 'bitnet_kws.c measured on a Cortex-M0+ build and QEMU, 2026-12-07',
  };
}

/** The detector = the network's export + the front end; bitnet_kws_push calls bitnet_predict, so the stacks add up. */
export function detectorBudget(network: McuFootprint, networkInstructions: number, frontEnd: FrontEndCost): DetectorBudget {
  return {
    flashBytes: network.flashBytes + frontEnd.flashBytes,
    ramBytes: network.ramBytes + frontEnd.ramBytes,
    stackBytes: network.stackBytes + frontEnd.stackBytes,
    networkInstructions,
    frontEndInstructions: frontEnd.instructions,
    instructions: networkInstructions + frontEnd.instructions,
  };
}
