/**
 * Bounded chart series: live curves grow for hours, but charts slow with thousands of points, so a series
 * keeps at most `limit` points by halving its resolution when full (every other point kept, the newest
 * always kept). Pure functions on readonly arrays, so stores can keep them immutable.
 */
export interface SeriesPoint {
  step: number;
  value: number;
}

/** One point of the sparsity-over-steps chart: the share of zero weights overall and per layer, at a step. */
export interface SparsityPoint {
  step: number;
  overall: number;
  layers: number[];
}

function thinSeries<T>(points: readonly T[], limit: number): T[] {
  if (points.length <= limit) return points.slice();
  const thinned = points.filter((_, i) => i % 2 === 0);
  const last = points[points.length - 1]!;
  if (thinned[thinned.length - 1] !== last) thinned.push(last);
  return thinned.length > limit ? thinSeries(thinned, limit) : thinned;
}

export function appendBounded<T>(points: readonly T[], added: readonly T[], limit: number): T[] {
  return thinSeries([...points, ...added], limit);
}

/** One column of a slotted chart table: a series under the key its chart line reads. */
export interface SlotColumn<K extends string> {
  key: K;
  points: readonly SeriesPoint[];
}

export type SlotRow<K extends string> = { step: number } & Partial<Record<K, number>>;

/**
 * A live chart's rows: always exactly `slots` rows over steps 0 … stepEnd (the whole planned run), each the mean
 * of the points of each column that fall in it, and no value where none fell. Why a fixed count: a chart keeps
 * state for every row it draws (recharts does: docs/benchmarks.md, bench:soak), so
 * a chart whose rows grow with the run makes the page's memory grow with it, and its updates slow with it; with a
 * constant row count both stay level from the first report, and
 * the x axis shows how far the run has come. A row's step is its newest point's (so a curve ends where the run
 * is), or the slot's end where it has none. Slot i holds steps in (i·stepEnd/slots, (i+1)·stepEnd/slots]; a step
 * beyond stepEnd goes to the last slot. Lines draw across empty slots (connectNulls), since sparse series (one
 * validation point per 60 steps) leave most slots empty.
 */
export function slotTable<K extends string>(columns: readonly SlotColumn<K>[], stepEnd: number, slots: number): SlotRow<K>[] {
  if (!(slots >= 1) || !Number.isInteger(slots)) throw new RangeError(`slots must be a positive integer, got ${slots}`);
  const end = Number.isFinite(stepEnd) && stepEnd > 0 ? stepEnd : 1;
  const slotOf = (step: number) => Math.min(slots - 1, Math.max(0, Math.ceil((step * slots) / end) - 1));
  const newestStep = new Array<number>(slots).fill(Number.NEGATIVE_INFINITY);
  const sums = columns.map(() => new Float64Array(slots));
  const counts = columns.map(() => new Uint32Array(slots));
  columns.forEach((column, c) => {
    for (const { step, value } of column.points) {
      if (!Number.isFinite(value)) continue;
      const slot = slotOf(step);
      sums[c]![slot] = sums[c]![slot]! + value;
      counts[c]![slot] = counts[c]![slot]! + 1;
      if (step > newestStep[slot]!) newestStep[slot] = step;
    }
  });
  return Array.from({ length: slots }, (_, slot) => {
    const row: Record<string, number> = { step: Number.isFinite(newestStep[slot]!) ? newestStep[slot]! : Math.round(((slot + 1) * end) / slots) };
    columns.forEach((column, c) => {
      if (counts[c]![slot]! > 0) row[column.key] = sums[c]![slot]! / counts[c]![slot]!;
    });
    return row as SlotRow<K>;
  });
}

/** Where a live chart's x axis ends: the planned run, or the newest point when a run went past its plan. */
export function chartStepEnd(totalSteps: number, ...series: readonly (readonly { step: number }[])[]): number {
  let end = Number.isFinite(totalSteps) && totalSteps > 0 ? totalSteps : 0;
  for (const points of series) end = Math.max(end, points[points.length - 1]?.step ?? 0);
  return Math.max(end, 1);
}

/** Mean of a block of values (one chart point per progress event); NaN for an empty block. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

export interface NamedSeries {
  /** Column value in the CSV, e.g. 'training loss'. */
  name: string;
  points: readonly SeriesPoint[];
}

/** Every recorded series as one CSV table in long form: series,step,value (RFC 4180 quoting where needed). */
export function seriesToCsv(series: readonly NamedSeries[]): string {
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const rows = ['series,step,value'];
  for (const { name, points } of series) for (const point of points) rows.push(`${quote(name)},${point.step},${point.value}`);
  return `${rows.join('\n')}\n`;
}

/** An axis: its ticks at a round step (1, 2 or 5 times a power of ten) and the domain they span. */
export interface AxisTicks {
  ticks: number[];
  domain: [number, number];
}

/**
 * About `count` evenly spaced round ticks for the values min … max. An end given as fixed stays as it is (ticks
 * inside it only); an end left free moves out to the next tick, so the curve never touches the frame. A flat or
 * empty range widens to one unit around its value.
 */
export function niceTicks(min: number, max: number, count: number, fixed: { min?: boolean; max?: boolean } = {}): AxisTicks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { ticks: [0, 1], domain: [0, 1] };
  let low = Math.min(min, max);
  let high = Math.max(min, max);
  if (high - low < 1e-12) {
    if (!fixed.min) low -= 0.5;
    if (!fixed.max) high += 0.5;
    if (high - low < 1e-12) high = low + 1;
  }
  const rough = (high - low) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough * (1 - 1e-9)) ?? 10) * power;
  const first = fixed.min ? Math.ceil(low / step - 1e-9) * step : Math.floor(low / step + 1e-9) * step;
  const last = fixed.max ? Math.floor(high / step + 1e-9) * step : Math.ceil(high / step - 1e-9) * step;
  const ticks: number[] = [];
  // Rounded to the step's decimals, so 0.1 + 0.2 shows as 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  for (let i = 0; first + i * step <= last + step * 1e-9; i++) ticks.push(Number((first + i * step).toFixed(decimals)));
  return { ticks, domain: [fixed.min ? low : Math.min(low, first), fixed.max ? high : Math.max(high, last)] };
}
