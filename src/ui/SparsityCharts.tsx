/** Sparsity per layer over training steps, and the accuracy-versus-sparsity sweep. */
import {
  CartesianGrid,
  ReferenceDot,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { chartStepEnd, slotTable } from '../core/run/series';
import { useConfig, useSparsitySeries, useStatus, useSweep } from '../store/hooks';
import { CHART_SLOTS } from './Charts';
import { sweepThreshold } from '../store/workerBridge';
import { LiveLineChart, type LiveLine } from './LiveLineChart';
import { Tip, tipId } from './Tip';

const LAYER_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00'];

export function SparsityChart() {
  const { series, totalSteps } = useSparsitySeries();
  const layerCount = series[series.length - 1]?.layers.length ?? 0;
  const stepEnd = chartStepEnd(totalSteps, series);
  const columns = [
    { key: 'overall', points: series.map((p) => ({ step: p.step, value: p.overall * 100 })) },
    ...Array.from({ length: layerCount }, (_, i) => ({
      key: `layer${i + 1}`,
      points: series.flatMap((p) => (i < p.layers.length ? [{ step: p.step, value: p.layers[i]! * 100 }] : [])),
    })),
  ];
  const rows = slotTable(columns, stepEnd, CHART_SLOTS);
  // The overall share is a weighted mean of the layers', so it often lies on the largest layer's line: it is drawn
  // last (on top) and dashed, so that both stay visible where they coincide.
  const lines: LiveLine<string>[] = [
    ...Array.from({ length: layerCount }, (_, i) => ({ key: `layer${i + 1}`, name: `layer ${i + 1}`, color: LAYER_COLOURS[i % LAYER_COLOURS.length]! })),
    { key: 'overall', name: 'overall', color: '#222', dashed: true },
  ];
  return (
    <figure className="chart" data-testid="sparsity-chart" data-points={series.length}>
      <figcaption>Sparsity per layer (%) over training steps</figcaption>
      <LiveLineChart rows={rows} lines={lines} stepEnd={stepEnd} yDomain={[0, 100]} height={200} yAxisWidth={40} format={(v) => `${v.toFixed(1)} %`} legend />
    </figure>
  );
}

export function AccuracySparsityCurve() {
  const sweep = useSweep();
  const { status } = useStatus();
  const { config } = useConfig();
  const points = (sweep?.points ?? []).map((p) => ({ sparsity: p.sparsity * 100, accuracy: p.accuracy * 100, t: p.threshold }));
  const current = sweep?.points.reduce((best, p) =>
    Math.abs(p.threshold - sweep.currentThreshold) < Math.abs(best.threshold - sweep.currentThreshold) ? p : best,
  );
  const isFloat = config.weightQuantizer === 'none';
  return (
    <figure className="chart" data-testid="acc-sparsity-curve" data-points={points.length} data-curve={JSON.stringify(sweep?.points ?? [])}>
      <figcaption>
        Accuracy vs sparsity: post-training re-quantization of the trained latent weights at t = 0 … 2 (validation
        split){' '}
        <button
          type="button"
          data-testid="sweep-threshold"
          aria-describedby={tipId('sweep')}
          disabled={status === 'training' || status === 'loading' || isFloat}
          onClick={sweepThreshold}
        >
          Sweep t
        </button>
        <Tip name="sweep">
          {isFloat
            ? 'The float twin has no ternary weights to sweep.'
            : status === 'training'
              ? 'Pause training first: the sweep evaluates the weights as they are.'
              : 'Re-quantizes the trained latent weights at t = 0 … 2 and plots the validation accuracy against the sparsity each t gives.'}
        </Tip>
      </figcaption>
      {isFloat && <p className="muted">The float twin does not quantize its weights, so a sweep would be flat.</p>}
      <ResponsiveContainer width="100%" height={240}>
        {/* Margins leave room for the end ticks' labels ("100 %" is centred on the plot's edge), the current t's label
            above its dot and the axis titles. */}
        <ScatterChart margin={{ top: 32, right: 30, bottom: 22, left: 22 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="sparsity"
            type="number"
            domain={[0, 100]}
            name="sparsity"
            unit=" %"
            interval={0}
            tick={{ fontSize: 11 }}
            label={{ value: 'sparsity (share of zero weights)', position: 'bottom', offset: 4, fontSize: 12 }}
          />
          <YAxis
            dataKey="accuracy"
            type="number"
            domain={[0, 100]}
            name="accuracy"
            unit=" %"
            width={58}
            interval={0}
            tick={{ fontSize: 11 }}
            label={{ value: 'validation accuracy', angle: -90, position: 'left', offset: 10, fontSize: 12, style: { textAnchor: 'middle' } }}
          />
          <Tooltip formatter={(v) => Number(v).toFixed(2)} />
          <Scatter data={points} line fill="#0072B2" isAnimationActive={false} />
          {current && (
            <ReferenceDot
              x={current.sparsity * 100}
              y={current.accuracy * 100}
              r={7}
              fill="none"
              stroke="#D55E00"
              strokeWidth={2}
              label={{ value: `t = ${sweep!.currentThreshold.toFixed(2)}`, position: 'top', offset: 10, fontSize: 11 }}
            />
          )}
        </ScatterChart>
      </ResponsiveContainer>
    </figure>
  );
}
