/**
 * Energy per inference and average power of a detector on a microcontroller, from the chip's datasheet figures:
 * the one power model the Deploy panel and `bench:mcu` use. It is an estimate from the datasheet, not a
 * measurement; the figures below are typical values at 25 °C with peripherals off, as each datasheet states them.
 *
 *   cycles        = instructions × cyclesPerInstruction   (instructions counted on QEMU's Cortex-M3; taken as one
 *                                                          cycle each by default, which a Cortex-M0+ exceeds: its
 *                                                          loads, stores and taken branches take two cycles and
 *                                                          Thumb-1 needs more instructions for the same C)
 *   t_active      = cycles ÷ f                             (s, f = clock in Hz)
 *   I_run         = runMicroampsPerMhz × f_MHz             (µA, the datasheet's run current scales with the clock)
 *   E_inference   = V × I_run × t_active = V × runMicroampsPerMhz × cycles × 10⁻¹²   (J; the clock cancels out)
 *   duty          = windowsPerSecond × t_active            (share of each second spent computing; > 1: too slow)
 *   P_average     = windowsPerSecond × E_inference + V × I_sleep × (1 − duty)        (W)
 * The microphone, its ADC or PDM interface and the radio are not counted: only the CPU running the detector and
 * sleeping between windows.
 */

/** A microcontroller's datasheet figures for the power estimate; every number is the user's to edit. */
export interface ChipPower {
  id: string;
  label: string;
  core: string;
  /** Run-mode supply current per MHz of core clock, code executing from flash (µA/MHz). */
  runMicroampsPerMhz: number;
  /** Sleep between windows with RAM kept and a wake-up timer running (µA). */
  sleepMicroamps: number;
  supplyVolts: number;
  clockMhz: number;
  /** Datasheet, revision and section the figures come from. */
  source: string;
}

/**
 * Real targets, figures from each maker's datasheet (typical, 25 °C). The headline µA/MHz of a features list is the
 * best case the maker measured (Dhrystone or CoreMark from flash, at the supply and regulator named); the tables
 * inside give more at other clocks and voltages.
 */
export const CHIP_POWER: readonly ChipPower[] = [
  {
    id: 'stm32l031',
    label: 'STM32L031 (Cortex-M0+, 32 MHz)',
    core: 'Cortex-M0+',
    runMicroampsPerMhz: 76,
    sleepMicroamps: 0.6,
    supplyVolts: 3.0,
    clockMhz: 32,
    source: 'ST DS10668 Rev 6 (STM32L031x4/6 datasheet), Features: "down to 76 µA/MHz in Run mode", "0.6 µA Stop mode + RTC + 8 KB RAM retention"',
  },
  {
    id: 'stm32u031',
    label: 'STM32U031 (Cortex-M0+, 56 MHz)',
    core: 'Cortex-M0+',
    runMicroampsPerMhz: 52,
    sleepMicroamps: 0.63,
    supplyVolts: 3.0,
    clockMhz: 56,
    source: 'ST STM32U031x4/6/8 datasheet, Features: "52 µA/MHz Run mode", "630 nA Stop 2 mode with RTC"',
  },
  {
    id: 'stm32l496',
    label: 'STM32L496 (Cortex-M4F, 80 MHz)',
    core: 'Cortex-M4F',
    runMicroampsPerMhz: 91,
    sleepMicroamps: 2.86,
    supplyVolts: 3.0,
    clockMhz: 80,
    source: 'ST STM32L496xx datasheet (DS11585), Features: "91 µA/MHz run mode (LDO Mode)", "2.86 µA Stop 2 with RTC"',
  },
  {
    id: 'nrf52840',
    label: 'nRF52840 (Cortex-M4F, 64 MHz)',
    core: 'Cortex-M4F',
    runMicroampsPerMhz: 3300 / 64,
    sleepMicroamps: 3.16,
    supplyVolts: 3.0,
    clockMhz: 64,
    source:
      'Nordic nRF52840 Product Specification v1.11, Current consumption: ICPU0 "CPU running CoreMark @64 MHz from flash, DC/DC" 3.3 mA (≈ 52 µA/MHz; 6.3 mA with the LDO), Sleep: ION_RAMON_RTC "System ON, full RAM retention, wake on RTC" 3.16 µA',
  },
];

export interface PowerEstimate {
  cycles: number;
  /** Time one window takes at the chip's clock (s). */
  activeSeconds: number;
  /** Energy of one inference (front end + network) (µJ). */
  energyMicrojoules: number;
  /** Share of each second spent computing, capped at 1. */
  dutyCycle: number;
  /** False when the windows come faster than the chip computes them (duty would exceed 1). */
  keepsUp: boolean;
  /** Average power at the detection rate (mW); with keepsUp false, the chip never sleeps: its run power. */
  averageMilliwatts: number;
  /** Power while computing (mW). */
  runMilliwatts: number;
}

/**
 * The power of `instructions` per window at `windowsPerSecond` windows on `chip`. cyclesPerInstruction defaults to 1
 * (instructions counted as cycles).
 */
export function estimatePower(instructions: number, chip: Omit<ChipPower, 'id' | 'label' | 'core' | 'source'>, windowsPerSecond: number, cyclesPerInstruction = 1): PowerEstimate {
  const cycles = instructions * cyclesPerInstruction;
  const activeSeconds = cycles / (chip.clockMhz * 1e6);
  const runMilliwatts = (chip.supplyVolts * chip.runMicroampsPerMhz * chip.clockMhz) / 1000;
  const energyMicrojoules = chip.supplyVolts * chip.runMicroampsPerMhz * cycles * 1e-6;
  const rawDuty = windowsPerSecond * activeSeconds;
  const keepsUp = rawDuty <= 1;
  const dutyCycle = Math.min(1, rawDuty);
  const sleepMilliwatts = (chip.supplyVolts * chip.sleepMicroamps) / 1000;
  return {
    cycles,
    activeSeconds,
    energyMicrojoules,
    dutyCycle,
    keepsUp,
    averageMilliwatts: runMilliwatts * dutyCycle + sleepMilliwatts * (1 - dutyCycle),
    runMilliwatts,
  };
}

/** A chip's figures checked for the estimate: every number finite and positive (sleep may be 0); null when usable. */
export function chipPowerProblem(chip: Pick<ChipPower, 'runMicroampsPerMhz' | 'sleepMicroamps' | 'supplyVolts' | 'clockMhz'>): string | null {
  if (!(chip.runMicroampsPerMhz > 0) || !Number.isFinite(chip.runMicroampsPerMhz)) return 'The run current per MHz must be a positive number.';
  if (!(chip.sleepMicroamps >= 0) || !Number.isFinite(chip.sleepMicroamps)) return 'The sleep current must be zero or more.';
  if (!(chip.supplyVolts > 0) || !Number.isFinite(chip.supplyVolts)) return 'The supply voltage must be a positive number.';
  if (!(chip.clockMhz > 0) || !Number.isFinite(chip.clockMhz)) return 'The clock must be a positive number of MHz.';
  return null;
}
