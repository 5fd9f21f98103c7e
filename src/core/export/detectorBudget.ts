/**
 * The keyword detector's microcontroller budget: the network's C export (mcuFootprint.ts) plus the audio front end
 * (bitnet_kws.c: 1 s of 16 kHz PCM -> 28×28 log-mel features), in flash, RAM, stack and instructions per 1 s
 * window, which the power estimate (powerEstimate.ts) turns into energy and average power. An estimate for the
 * Deploy panel; `npm run bench:mcu` measures the built detector (arm-none-eabi-size, QEMU).
 *
 * The network's instructions are estimated from its multiply-accumulates (per weight for a dense layer, per weight
 * and output position for a conv layer, times the passes of shift averaging), at rates measured on QEMU's
 * Cortex-M3 (docs/benchmarks.md):
 *   dense: 267,000 instructions for mcu-16k's one pass of 57,984 weights (2026-12-06)       -> 4.6 per weight
 *   conv:  7.22 M instructions for mcu-cnn-16k's 643,712 multiply-accumulates (2026-11-29)  -> 11.2 per MAC
 * (the conv rate holds the requantisation, pooling and its dense tail; int8 and ternary layers are not told apart).
 */
import { configInputShape, type ModelConfig } from '../model/config';
import { networkPlan } from '../model/layers';
import { SHIFT_PASSES } from '../model/shiftAveraging';
import type { McuFootprint } from './mcuFootprint';

export const DENSE_INSTRUCTIONS_PER_WEIGHT = 4.6;
export const CONV_INSTRUCTIONS_PER_MAC = 11.2;

/** Instructions of one bitnet_predict on a Cortex-M3, estimated from the configuration's shapes. */
export function networkInstructionEstimate(
  config: Pick<ModelConfig, 'layers'> & Partial<Pick<ModelConfig, 'inputResolution' | 'outputWeights' | 'shiftAveraging'>>,
  classCount: number,
): number {
  let instructions = 0;
  for (const layer of networkPlan(config.layers, configInputShape(config), classCount, config.outputWeights)) {
    const weights = layer.inputSize * layer.outputSize;
    instructions += layer.conv ? CONV_INSTRUCTIONS_PER_MAC * weights * layer.conv.output.height * layer.conv.output.width : DENSE_INSTRUCTIONS_PER_WEIGHT * weights;
  }
  return Math.round(instructions * (config.shiftAveraging ? SHIFT_PASSES : 1));
}

/** What the front end (bitnet_kws.c) costs on its own, and how that was found. */
export interface FrontEndCost {
  /** text + data of bitnet_kws.o for a Cortex-M0+ (-Os, no C library). */
  flashBytes: number;
  /** data + bss of bitnet_kws.o: its PCM window, FFT buffers and the 28×28 feature map. */
  ramBytes: number;
  /** Deepest stack of bitnet_kws_classify without the network's own (bitnet_predict's) chain. */
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
  /** Front end + network, per 1 s window. */
  instructions: number;
}

/** The detector = the network's export + the front end; their stacks are used one after the other. */
export function detectorBudget(network: McuFootprint, networkInstructions: number, frontEnd: FrontEndCost): DetectorBudget {
  return {
    flashBytes: network.flashBytes + frontEnd.flashBytes,
    ramBytes: network.ramBytes + frontEnd.ramBytes,
    stackBytes: Math.max(network.stackBytes, frontEnd.stackBytes),
    networkInstructions,
    frontEndInstructions: frontEnd.instructions,
    instructions: networkInstructions + frontEnd.instructions,
  };
}
