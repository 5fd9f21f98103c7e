/**
 * The microcontroller budget, live while the network is designed: the flash and RAM the C export of the current
 * architecture and packing will take on a Cortex-M0+ (core's size model, which a test holds within 5 % of
 * arm-none-eabi-size), against a chosen chip, green when it fits, with advice on what is over (the flash's largest
 * layer, or where the RAM goes: core/export/budgetAdvice.ts). For a keywords run the detector is budgeted whole: the
 * audio front end's flash, RAM and instructions are added to the network's (core/export/detectorBudget.ts), shown as
 * sums, and its energy per inference and average power are estimated (PowerEstimate); until the user picks a chip,
 * such a run is measured against the detector's 64 KB / 16 KB target.
 */
import { configInputShape } from '../core/model/config';
import { networkPlan, type MapShape, type WeightedLayerPlan } from '../core/model/layers';
import { checkBudget, configFootprint, MCU_TARGETS, type McuFootprint } from '../core/export/mcuFootprint';
import { budgetAdvice, detectorSums } from '../core/export/budgetAdvice';
import { detectorBudget, networkInstructionEstimate, type FrontEndCost } from '../core/export/detectorBudget';
import { integerOnlyConfigProblem } from '../core/model/integerModel';
import { PACKING_LABELS, type TritPacking } from '../core/quant/tritBytes';
import { useClassNames, useDataImageShape, useKeywordFrontEnd, useMcuBudget } from '../store/hooks';
import { bytes } from './format';
import { PowerEstimate } from './PowerEstimate';

const CUSTOM = 'custom';

function Bar({ label, used, budget, testId }: { label: string; used: number; budget: number; testId: string }) {
  const share = used / budget;
  return (
    <div className="budget-row" data-testid={testId} data-used={used} data-budget={budget} data-fits={used <= budget}>
      <span>
        {label}: {bytes(used)} of {bytes(budget)} ({(share * 100).toFixed(0)} %)
      </span>
      <div className="budget-bar">
        <div className={used <= budget ? 'budget-fill fits' : 'budget-fill over'} style={{ width: `${Math.min(100, share * 100)}%` }} />
      </div>
    </div>
  );
}

/** "784→128" for a dense layer, "conv2d 3×3×16→32" for a conv layer. */
function layerLabel(layer: WeightedLayerPlan): string {
  if (!layer.conv) return `${layer.inputSize}→${layer.outputSize}`;
  return `conv2d ${layer.conv.kernel}×${layer.conv.kernel}×${layer.conv.input.channels}→${layer.outputSize}`;
}

/** The detector's sums and instructions per 1 s window, under the bars of a keywords run. */
function DetectorFigures({ network, frontEnd, networkInstructions }: { network: McuFootprint; frontEnd: FrontEndCost; networkInstructions: number }) {
  const instructions = frontEnd.instructions + networkInstructions;
  const sums = detectorSums(network, frontEnd);
  return (
    <>
      <p className="muted" data-testid="mcu-budget-instructions" data-front-end={frontEnd.instructions} data-network={networkInstructions} data-total={instructions}>
        {(instructions / 1e6).toFixed(2)} M instructions per 1 s window ({(instructions / 48_000).toFixed(0)} ms at 48 MHz): front end{' '}
        {(frontEnd.instructions / 1e6).toFixed(2)} M, network {(networkInstructions / 1e6).toFixed(2)} M (estimated from its layer shapes; bench:mcu measures the built detector).
      </p>
      <p className="muted" data-testid="mcu-budget-front-end" data-network-flash={network.flashBytes} data-front-end-flash={frontEnd.flashBytes}>
        The bars count the whole keyword detector. Flash: {sums.flash}. RAM + stack: {sums.ram}. The Deploy card below counts the network alone
        (front end: {frontEnd.source}).
      </p>
      <PowerEstimate instructions={instructions} />
    </>
  );
}

/** The network's footprint and, for a keywords run, the detector's (network + front end); null: layers that do not fit together. */
function budgetFigures(config: Parameters<typeof configFootprint>[0], packing: TritPacking, classCount: number, frontEnd: FrontEndCost | null, image: MapShape) {
  let network: McuFootprint;
  try {
    network = configFootprint(config, packing, classCount, image);
  } catch {
    return null;
  }
  if (!frontEnd) return { network, footprint: network, networkInstructions: 0 };
  const networkInstructions = networkInstructionEstimate(config, classCount);
  const detector = detectorBudget(network, networkInstructions, frontEnd);
  return { network, footprint: { ...network, flashBytes: detector.flashBytes, ramBytes: detector.ramBytes, stackBytes: detector.stackBytes }, networkInstructions };
}

export function BudgetMeter() {
  const { config, packing, target, chooseTarget, choosePacking } = useMcuBudget();
  const classCount = useClassNames().length;
  const frontEnd = useKeywordFrontEnd();
  const image = useDataImageShape();
  const figures = budgetFigures(config, packing, classCount, frontEnd, image);
  const footprint = figures?.footprint ?? null;
  const valid = footprint !== null;
  const problem = integerOnlyConfigProblem(config);
  const check = valid && footprint ? checkBudget(footprint, target) : null;
  const plan = footprint ? networkPlan(config.layers, configInputShape(config, image), classCount) : [];
  return (
    <fieldset className="panel" data-testid="mcu-budget" data-fits={check ? check.flashFits && check.ramFits : false}>
      <legend>Microcontroller budget</legend>
      <label>
        Target
        <select
          data-testid="mcu-target"
          value={target.id}
          onChange={(e) => {
            const chosen = MCU_TARGETS.find((t) => t.id === e.target.value);
            chooseTarget(chosen ? { id: chosen.id, flashBytes: chosen.flashBytes, ramBytes: chosen.ramBytes } : { id: CUSTOM, flashBytes: target.flashBytes, ramBytes: target.ramBytes });
          }}
        >
          {MCU_TARGETS.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
          <option value={CUSTOM}>custom…</option>
        </select>
      </label>
      {target.id === CUSTOM && (
        <div className="budget-custom">
          <label>
            Flash (KB)
            <input
              type="number"
              min={1}
              data-testid="mcu-custom-flash"
              value={target.flashBytes / 1024}
              onChange={(e) => chooseTarget({ ...target, flashBytes: Math.max(1, Number(e.target.value) || 1) * 1024 })}
            />
          </label>
          <label>
            RAM (KB)
            <input
              type="number"
              min={0.25}
              step={0.25}
              data-testid="mcu-custom-ram"
              value={target.ramBytes / 1024}
              onChange={(e) => chooseTarget({ ...target, ramBytes: Math.max(0.25, Number(e.target.value) || 0.25) * 1024 })}
            />
          </label>
        </div>
      )}
      <label>
        Packing
        <select value={packing} onChange={(e) => choosePacking(e.target.value as TritPacking)}>
          {(['base3', 'base4'] as TritPacking[]).map((p) => (
            <option key={p} value={p}>
              {PACKING_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
      {check && footprint && figures ? (
        <>
          <Bar label="Flash" used={footprint.flashBytes} budget={target.flashBytes} testId="mcu-budget-flash" />
          <Bar label="RAM + stack" used={footprint.ramBytes + footprint.stackBytes} budget={target.ramBytes} testId="mcu-budget-ram" />
          <p className="muted" data-testid="mcu-budget-verdict" data-flash-fits={check.flashFits} data-ram-fits={check.ramFits}>
            {budgetAdvice({ check, network: figures.network, frontEnd, layerLabels: plan.map(layerLabel) })}
          </p>
          {problem && <p className="muted">{problem}</p>}
          {frontEnd && <DetectorFigures network={figures.network} frontEnd={frontEnd} networkInstructions={figures.networkInstructions} />}
        </>
      ) : (
        <p className="muted">Enter valid layer widths to see the size.</p>
      )}
    </fieldset>
  );
}
