/**
 * Live curves. Animation is off, and each chart draws a fixed number of rows over the whole run (slotTable in
 * core/series.ts), so recharts redraws in a few ms even after hours of training and its memory does not grow with
 * the run. Every axis has interval={0}: by default recharts measures each tick label in the DOM
 * (getBoundingClientRect, a forced layout) on every render to drop labels that would overlap, which took a
 * large part of a chart's render while training; a numeric axis has five ticks, which never overlap. Tick labels
 * are PlainTick for the same reason.
 */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useAccuracyCurves, useLossCurves, useTwinFigures } from '../store/hooks';
import { chartStepEnd, slotTable } from '../core/series';
import { percent } from './format';
import { PlainTick } from './PlainTick';
import { StaticLineShape } from './StaticLine';

/** Rows of every live chart: about two per pixel of a chart's plot width in the page's layout. */
export const CHART_SLOTS = 240;

/** The cost of ternary weights, live: the float twin's validation accuracy against the run's, and both step times. */
export function TwinGap() {
  const twin = useTwinFigures();
  if (!twin.enabled && twin.twinValidation.length === 0) return null;
  const gap = twin.accuracy !== null && twin.twinAccuracy !== null ? (twin.twinAccuracy - twin.accuracy) * 100 : null;
  return (
    <p className="twin-gap" data-testid="twin-gap" data-gap={gap === null ? '' : gap.toFixed(2)}>
      {gap === null ? (
        'Float twin: waiting for the first validation of both networks…'
      ) : (
        <>
          Validation: ternary {percent(twin.accuracy, 2)}, float twin {percent(twin.twinAccuracy, 2)}: ternary weights cost{' '}
          <strong>{gap.toFixed(2)} points</strong> now.
        </>
      )}{' '}
      {twin.stepMs !== null && twin.twinStepMs !== null && (
        <span data-testid="twin-step-rate" data-step-ms={twin.stepMs.toFixed(2)} data-twin-step-ms={twin.twinStepMs.toFixed(2)}>
          Steps: ternary {twin.stepMs.toFixed(1)} ms ({(1000 / twin.stepMs).toFixed(1)}/s), float {twin.twinStepMs.toFixed(1)} ms ({(1000 / twin.twinStepMs).toFixed(1)}/s).
        </span>
      )}
    </p>
  );
}

export function LossChart() {
  const { loss: series, twinLoss, totalSteps } = useLossCurves();
  const stepEnd = chartStepEnd(totalSteps, series, twinLoss);
  const rows = slotTable(
    [
      { key: 'loss', points: series },
      { key: 'twin', points: twinLoss },
    ],
    stepEnd,
    CHART_SLOTS,
  );
  return (
    <figure className="chart" data-testid="loss-chart" data-points={series.length}>
      <figcaption>Training loss</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={rows} margin={{ top: 5, right: 20, bottom: 5, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={[0, stepEnd]} label={{ value: 'step', position: 'insideBottomRight', offset: -2 }} interval={0} tick={<PlainTick />} />
          <YAxis domain={[0, 'auto']} width={50} interval={0} tick={<PlainTick />} />
          <Tooltip formatter={(value) => Number(value).toFixed(4)} />
          {twinLoss.length > 0 && <Legend />}
          <Line dataKey="loss" name="train loss (ternary)" stroke="#1f77b4" dot={false} connectNulls isAnimationActive={false} shape={StaticLineShape} />
          {twinLoss.length > 0 && (
            <Line dataKey="twin" name="float twin" stroke="#7f7f7f" strokeDasharray="4 3" dot={false} connectNulls isAnimationActive={false} shape={StaticLineShape} />
          )}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function AccuracyChart() {
  const { validation, epochs, twinValidation, totalSteps } = useAccuracyCurves();
  // Test accuracy exists only at epoch ends, so its line connects across the empty slots like the others.
  const tests = epochs.flatMap((e) => (e.testAccuracy === null ? [] : [{ step: e.globalStep, value: e.testAccuracy * 100 }]));
  const asPercent = (points: typeof validation) => points.map((p) => ({ step: p.step, value: p.value * 100 }));
  const stepEnd = chartStepEnd(totalSteps, validation, twinValidation, tests);
  const points = slotTable(
    [
      { key: 'validation', points: asPercent(validation) },
      { key: 'test', points: tests },
      { key: 'twin', points: asPercent(twinValidation) },
    ],
    stepEnd,
    CHART_SLOTS,
  );
  return (
    <figure className="chart" data-testid="accuracy-chart">
      <figcaption>Accuracy (%): validation during training, test at each epoch end</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={points} margin={{ top: 5, right: 20, bottom: 5, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={[0, stepEnd]} interval={0} tick={<PlainTick />} />
          <YAxis domain={['auto', 100]} width={50} interval={0} tick={<PlainTick />} />
          <Tooltip formatter={(value) => `${Number(value).toFixed(2)} %`} />
          <Legend />
          <Line dataKey="validation" name="validation" stroke="#2ca02c" dot={false} connectNulls isAnimationActive={false} shape={StaticLineShape} />
          <Line dataKey="test" name="test (epoch end)" stroke="#d62728" connectNulls isAnimationActive={false} shape={StaticLineShape} />
          {twinValidation.length > 0 && (
            <Line dataKey="twin" name="float twin validation" stroke="#7f7f7f" strokeDasharray="4 3" dot={false} connectNulls isAnimationActive={false} shape={StaticLineShape} />
          )}
        </LineChart>
      </ResponsiveContainer>
      {epochs.length > 0 && (
        <table className="epoch-table">
          <thead>
            <tr>
              <th>Epoch</th>
              <th>Validation</th>
              <th>Test</th>
            </tr>
          </thead>
          <tbody>
            {epochs.map((e) => (
              <tr key={e.epoch}>
                <td>{e.epoch}</td>
                <td>{(e.validationAccuracy * 100).toFixed(2)} %</td>
                <td>{e.testAccuracy === null ? '—' : `${(e.testAccuracy * 100).toFixed(2)} %`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}
