/**
 * Bounded chart series: live curves grow for hours, but recharts slows with thousands of points, so a series
 * keeps at most `limit` points by halving its resolution when full (every other point kept, the newest
 * always kept). Pure functions on readonly arrays, so stores can keep them immutable.
 */
export interface SeriesPoint {
  step: number;
  value: number;
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
