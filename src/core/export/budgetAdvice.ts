/**
 * What the microcontroller budget meter (ui/BudgetMeter.tsx) says under its bars: whether the design fits the
 * target, and what to shrink when it does not, told by the resource that is over. Flash is mostly packed weights,
 * so the advice names the layer with the most; RAM is mostly the engine's two activation buffers (the feature
 * maps) and, for a keyword detector, the front end's buffers (bitnet_kws.c: the last 512 samples, the FFT's
 * 2 × 256 int32, the stream's and a clip's 28×28 features, the score history), so
 * the advice splits RAM into those. Also the sums that tell the budget (detector) and the Deploy card (network
 * alone) apart. Pure text from core's size model (mcuFootprint.ts, detectorBudget.ts).
 */
import { bytes } from './byteSize';
import type { FrontEndCost } from './detectorBudget';
import type { BudgetCheck, McuFootprint } from './mcuFootprint';

export interface BudgetAdviceInput {
  check: BudgetCheck;
  /** The network's C export alone, without the front end. */
  network: McuFootprint;
  /** A keyword run's audio front end, whose flash, RAM and stack the check includes; null for images. */
  frontEnd: FrontEndCost | null;
  /** Each weighted layer as the meter names it ("784→128", "conv2d 3×3×8→24"), output layer last. */
  layerLabels: readonly string[];
}

function layerName(index: number, labels: readonly string[]): string {
  return `Layer ${index + 1} (${labels[index] ?? '?'})`;
}

/** Where the flash goes: the layer with the most packed weights and parameters, as a share of all the flash. */
function flashAdvice({ network, frontEnd, layerLabels }: BudgetAdviceInput): string {
  const flash = network.flashBytes + (frontEnd?.flashBytes ?? 0);
  const share = flash > 0 ? (network.layerFlashBytes[network.largestLayer] ?? 0) / flash : 0;
  return `${layerName(network.largestLayer, layerLabels)} costs most: ${(share * 100).toFixed(0)} % of the flash.`;
}

/** Where the RAM goes: feature maps, the front end's buffers, the stack and the rest, largest first. */
function ramAdvice({ network, frontEnd, layerLabels }: BudgetAdviceInput): string {
  const stack = network.stackBytes + (frontEnd?.stackBytes ?? 0);
  const parts: [string, number][] = [
    [`the feature maps ${bytes(network.activationBytes)}${network.largestMapLayer === null ? '' : ` (the largest: ${layerName(network.largestMapLayer, layerLabels).toLowerCase()}'s output)`}`, network.activationBytes],
    ...(frontEnd ? [[`the audio front end's buffers ${bytes(frontEnd.ramBytes)} (the 512-sample ring, the FFT, the 28×28 features)`, frontEnd.ramBytes] as [string, number]] : []),
    [`the stack ${bytes(stack)}`, stack],
    [`accumulators and input buffers ${bytes(network.ramBytes - network.activationBytes)}`, network.ramBytes - network.activationBytes],
  ];
  parts.sort((a, b) => b[1] - a[1]);
  return `RAM goes to ${parts.map(([text]) => text).join(', ')}: narrower layers (fewer filters, or a stride of 2 in the early conv layers) shrink the maps${frontEnd ? ', or pick a target with more RAM' : ''}.`;
}

/** The verdict under the bars: fits or not, then the advice for what is over (the flash's largest layer when nothing is). */
export function budgetAdvice(input: BudgetAdviceInput): string {
  const { check } = input;
  if (check.flashFits && check.ramFits) return `Fits, with ${bytes(-check.flashOverBytes)} of flash and ${bytes(-check.ramOverBytes)} of RAM to spare. ${flashAdvice(input)}`;
  const over = [check.flashFits ? '' : `${bytes(check.flashOverBytes)} too much flash`, check.ramFits ? '' : `${bytes(check.ramOverBytes)} too much RAM`].filter(Boolean).join(', ');
  const advice = [check.flashFits ? '' : flashAdvice(input), check.ramFits ? '' : ramAdvice(input)].filter(Boolean).join(' ');
  return `Does not fit: ${over}. ${advice}`;
}

/**
 * The detector's flash and RAM as sums, e.g. "network 18.2 KB + audio front end 5.5 KB = 23.7 KB": the budget
 * counts the whole detector, the Deploy card the network alone, and this says so.
 */
export function detectorSums(network: McuFootprint, frontEnd: FrontEndCost): { flash: string; ram: string } {
  const networkRam = network.ramBytes + network.stackBytes;
  const frontEndRam = frontEnd.ramBytes + frontEnd.stackBytes;
  return {
    flash: `network ${bytes(network.flashBytes)} + audio front end ${bytes(frontEnd.flashBytes)} = ${bytes(network.flashBytes + frontEnd.flashBytes)}`,
    ram: `network ${bytes(networkRam)} + audio front end ${bytes(frontEndRam)} = ${bytes(networkRam + frontEndRam)}`,
  };
}
