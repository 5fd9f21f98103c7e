/**
 * The keyword detector's energy per inference and average power at a chosen detection rate, from a chip's datasheet
 * figures (core/export/powerEstimate.ts): the figures and their source are shown, and every one is editable. Part of
 * the microcontroller budget for a keywords run; the instructions come from the budget (front end + network).
 */
import { CHIP_POWER, chipPowerProblem, estimatePower, type ChipPower } from '../core/export/powerEstimate';
import { usePowerEstimateChoice } from '../store/hooks';

type Figure = 'runMicroampsPerMhz' | 'sleepMicroamps' | 'supplyVolts' | 'clockMhz';

const FIGURES: { key: Figure; label: string; step: number; testId: string }[] = [
  { key: 'runMicroampsPerMhz', label: 'Run current (µA/MHz)', step: 1, testId: 'power-run-current' },
  { key: 'sleepMicroamps', label: 'Sleep current (µA)', step: 0.01, testId: 'power-sleep-current' },
  { key: 'supplyVolts', label: 'Supply (V)', step: 0.1, testId: 'power-supply' },
  { key: 'clockMhz', label: 'Clock (MHz)', step: 1, testId: 'power-clock' },
];

function edited(chip: ChipPower): boolean {
  const listed = CHIP_POWER.find((c) => c.id === chip.id);
  return !listed || FIGURES.some(({ key }) => listed[key] !== chip[key]);
}

function energyText(microjoules: number): string {
  return microjoules >= 1000 ? `${(microjoules / 1000).toFixed(2)} mJ` : `${microjoules.toFixed(1)} µJ`;
}

export function PowerEstimate({ instructions }: { instructions: number }) {
  const { chip, windowsPerSecond, chooseChip, chooseWindowsPerSecond } = usePowerEstimateChoice();
  const problem = chipPowerProblem(chip) ?? (windowsPerSecond >= 0 && Number.isFinite(windowsPerSecond) ? null : 'The detection rate must be zero or more windows a second.');
  const estimate = problem ? null : estimatePower(instructions, chip, windowsPerSecond);
  return (
    <div className="power-estimate" data-testid="power-estimate">
      <label>
        Chip for the power estimate
        <select data-testid="power-chip" value={chip.id} onChange={(e) => chooseChip(CHIP_POWER.find((c) => c.id === e.target.value) ?? chip)}>
          {CHIP_POWER.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <div className="budget-custom">
        {FIGURES.map(({ key, label, step, testId }) => (
          <label key={key}>
            {label}
            <input type="number" min={0} step={step} data-testid={testId} value={chip[key]} onChange={(e) => chooseChip({ ...chip, [key]: Number(e.target.value) })} />
          </label>
        ))}
        <label>
          Windows per second
          <input type="number" min={0} step={0.5} data-testid="power-rate" value={windowsPerSecond} onChange={(e) => chooseWindowsPerSecond(Number(e.target.value))} />
        </label>
      </div>
      {estimate ? (
        <p
          className="muted"
          data-testid="power-figures"
          data-energy-microjoules={estimate.energyMicrojoules}
          data-average-milliwatts={estimate.averageMilliwatts}
          data-keeps-up={estimate.keepsUp}
        >
          {energyText(estimate.energyMicrojoules)} per 1 s window ({(instructions / 1e6).toFixed(2)} M instructions, {(estimate.activeSeconds * 1000).toFixed(1)} ms at{' '}
          {chip.clockMhz} MHz); <strong>{estimate.averageMilliwatts.toFixed(2)} mW</strong> on average at {windowsPerSecond} windows a second
          {estimate.keepsUp ? `, computing ${(estimate.dutyCycle * 100).toFixed(0)} % of the time.` : ': too many windows for this clock, the chip never sleeps.'}
        </p>
      ) : (
        <p className="muted">{problem}</p>
      )}
      <p className="muted" data-testid="power-source">
        {edited(chip) ? 'Your figures; listed ones from ' : 'Figures from '}
        {chip.source}. Instructions counted as cycles (a Cortex-M0+ needs more); CPU only, no microphone or radio.
      </p>
    </div>
  );
}
