/**
 * The live curves' chart: a few SVG paths over fixed slots (core/run/series.ts slotTable), drawn by React alone.
 *
 * Why not recharts here: a recharts chart keeps the data in a store of its own, and each new array is dispatched
 * there twice (cleared, then set) from an effect; every axis, tick, grid, line and legend selector reruns at each
 * dispatch, and the chart re-renders synchronously afterwards. That was 15–25 ms of main-thread CPU per chart
 * update on this 2-core machine (profiled while training), and with the worker training on the other core such a
 * task lasted 50–110 ms: the page's long tasks. This chart's update is one React render of a few dozen elements.
 * The charts that do not update while training (run comparison, the accuracy-versus-sparsity sweep) stay on
 * recharts.
 */
import { useLayoutEffect, useRef, useState, type PointerEvent } from 'react';
import { niceTicks, type SlotRow } from '../core/run/series';

export interface LiveLine<K extends string> {
  key: K;
  name: string;
  color: string;
  dashed?: boolean;
  /** A marker on each point, for sparse series such as the test accuracy at epoch ends. */
  dots?: boolean;
}

/** An end of the y axis: a fixed value, or 'auto' to follow the data out to the next round tick. */
export type AxisEnd = number | 'auto';

interface LiveLineChartProps<K extends string> {
  rows: readonly SlotRow<K>[];
  lines: readonly LiveLine<K>[];
  /** The x axis spans steps 0 … stepEnd. */
  stepEnd: number;
  yDomain: readonly [AxisEnd, AxisEnd];
  height: number;
  /** Width of the y axis' labels, px. */
  yAxisWidth: number;
  xLabel?: string;
  /** A value as the pointer's readout shows it. */
  format: (value: number) => string;
  legend: boolean;
}

const MARGIN = { top: 5, right: 20, bottom: 22 } as const;
const TICK_COUNT = 5;

/** The element's content width, kept up to date (a ResizeObserver), 0 before layout. */
function useWidth() {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

/** The y values of all lines, for an axis end left to the data. */
function valueRange<K extends string>(rows: readonly SlotRow<K>[], lines: readonly LiveLine<K>[]): [number, number] {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const row of rows)
    for (const { key } of lines) {
      const value = row[key];
      if (value === undefined || !Number.isFinite(value)) continue;
      if (value < low) low = value;
      if (value > high) high = value;
    }
  return low <= high ? [low, high] : [0, 1];
}

export function LiveLineChart<K extends string>({ rows, lines, stepEnd, yDomain, height, yAxisWidth, xLabel, format, legend }: LiveLineChartProps<K>) {
  const { ref, width } = useWidth();
  const [pointerRow, setPointerRow] = useState<number | null>(null);
  const [dataLow, dataHigh] = valueRange(rows, lines);
  const y = niceTicks(yDomain[0] === 'auto' ? dataLow : yDomain[0], yDomain[1] === 'auto' ? dataHigh : yDomain[1], TICK_COUNT, {
    min: yDomain[0] !== 'auto',
    max: yDomain[1] !== 'auto',
  });
  const x = niceTicks(0, stepEnd, TICK_COUNT, { min: true, max: true });
  const plotWidth = Math.max(0, width - yAxisWidth - MARGIN.right);
  const plotHeight = Math.max(0, height - MARGIN.top - MARGIN.bottom);
  const px = (step: number) => yAxisWidth + (step / Math.max(stepEnd, 1)) * plotWidth;
  const py = (value: number) => MARGIN.top + (1 - (value - y.domain[0]) / (y.domain[1] - y.domain[0] || 1)) * plotHeight;
  const round = (v: number) => Math.round(v * 10) / 10;

  // One path per line through its points, across empty slots (one move-to, then line-to's).
  const paths = lines.map(({ key }) => {
    let d = '';
    const points: [number, number][] = [];
    for (const row of rows) {
      const value = row[key];
      if (value === undefined || !Number.isFinite(value)) continue;
      const point: [number, number] = [round(px(row.step)), round(py(value))];
      d += `${d === '' ? 'M' : 'L'}${point[0]},${point[1]}`;
      points.push(point);
    }
    return { d, points };
  });

  const readout = (event: PointerEvent<SVGSVGElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const step = ((event.clientX - box.left - yAxisWidth) / Math.max(plotWidth, 1)) * stepEnd;
    let nearest: number | null = null;
    rows.forEach((row, i) => {
      if (!lines.some(({ key }) => row[key] !== undefined)) return;
      if (nearest === null || Math.abs(row.step - step) < Math.abs(rows[nearest]!.step - step)) nearest = i;
    });
    setPointerRow(nearest);
  };
  const shown = pointerRow === null ? undefined : rows[pointerRow];

  return (
    <div className="live-chart" ref={ref}>
      {width > 0 && (
        <svg width={width} height={height} onPointerMove={readout} onPointerLeave={() => setPointerRow(null)}>
          <g className="live-chart-grid">
            {y.ticks.map((tick) => (
              <line key={`y${tick}`} x1={yAxisWidth} x2={yAxisWidth + plotWidth} y1={py(tick)} y2={py(tick)} />
            ))}
            {x.ticks.map((tick) => (
              <line key={`x${tick}`} x1={px(tick)} x2={px(tick)} y1={MARGIN.top} y2={MARGIN.top + plotHeight} />
            ))}
          </g>
          <g className="live-chart-axis">
            <line x1={yAxisWidth} x2={yAxisWidth + plotWidth} y1={MARGIN.top + plotHeight} y2={MARGIN.top + plotHeight} />
            <line x1={yAxisWidth} x2={yAxisWidth} y1={MARGIN.top} y2={MARGIN.top + plotHeight} />
            {y.ticks.map((tick) => (
              <text key={`y${tick}`} x={yAxisWidth - 6} y={py(tick)} dy="0.355em" textAnchor="end">
                {String(tick)}
              </text>
            ))}
            {x.ticks.map((tick) => (
              <text key={`x${tick}`} x={px(tick)} y={MARGIN.top + plotHeight + 4} dy="0.71em" textAnchor="middle">
                {String(tick)}
              </text>
            ))}
            {xLabel && (
              <text x={yAxisWidth + plotWidth} y={MARGIN.top + plotHeight - 4} textAnchor="end">
                {xLabel}
              </text>
            )}
          </g>
          {lines.map((line, i) => (
            <g key={line.key} className="live-chart-series">
              <path className="live-chart-line" data-line={line.key} d={paths[i]!.d} fill="none" stroke={line.color} strokeWidth={1.5} strokeDasharray={line.dashed ? '4 3' : undefined} />
              {line.dots && paths[i]!.points.map(([cx, cy], p) => <circle key={p} cx={cx} cy={cy} r={3} fill="#fff" stroke={line.color} />)}
            </g>
          ))}
          {shown && <line className="live-chart-cursor" x1={px(shown.step)} x2={px(shown.step)} y1={MARGIN.top} y2={MARGIN.top + plotHeight} />}
        </svg>
      )}
      {shown && (
        <div className="live-chart-readout" data-testid="chart-readout">
          <div>step {shown.step}</div>
          {lines.map(({ key, name, color }) =>
            shown[key] === undefined ? null : (
              <div key={key} style={{ color }}>
                {name}: {format(shown[key])}
              </div>
            ),
          )}
        </div>
      )}
      {legend && (
        <ul className="live-chart-legend">
          {lines.map(({ key, name, color, dashed }) => (
            <li key={key} className="live-chart-legend-item">
              <svg width={14} height={10} aria-hidden="true">
                <line x1={0} x2={14} y1={5} y2={5} stroke={color} strokeWidth={2} strokeDasharray={dashed ? '4 3' : undefined} />
              </svg>
              {name}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
