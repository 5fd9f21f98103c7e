/**
 * Live curves, on LiveLineChart (why not recharts: see there). Each chart draws a fixed number of rows over the
 * whole run (slotTable in core/run/series.ts), so an update costs the same after hours of training as after a minute,
 * and the page's memory does not grow with the run.
 */
import { useAccuracyCurves, useDatasetChoice, useLossCurves, useTwinFigures } from '../store/hooks';
import { chartStepEnd, slotTable } from '../core/run/series';
import { percent } from './format';
import { LiveLineChart, type LiveLine } from './LiveLineChart';

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
  const lines: LiveLine<'loss' | 'twin'>[] = [{ key: 'loss', name: 'train loss (ternary)', color: '#1f77b4' }];
  if (twinLoss.length > 0) lines.push({ key: 'twin', name: 'float twin', color: '#7f7f7f', dashed: true });
  return (
    <figure className="chart" data-testid="loss-chart" data-points={series.length}>
      <figcaption>Training loss</figcaption>
      <LiveLineChart
        rows={rows}
        lines={lines}
        stepEnd={stepEnd}
        yDomain={[0, 'auto']}
        height={CORE_CHART_HEIGHT}
        yAxisWidth={50}
        xLabel="step"
        format={(value) => value.toFixed(4)}
        legend={twinLoss.length > 0}
      />
    </figure>
  );
}

/** Height of the core loop's live charts, px: both fit beside the controls on a 900 px tall screen. */
const CORE_CHART_HEIGHT = 170;

/** Whether the loaded data has a test split: without one there is no test line, column or card to show. */
function useHasTestSplit(): boolean {
  return (useDatasetChoice().summary?.testCount ?? 0) > 0;
}

export function AccuracyChart() {
  const { validation, epochs, twinValidation, totalSteps } = useAccuracyCurves();
  const hasTest = useHasTestSplit();
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
  const lines: LiveLine<'validation' | 'test' | 'twin'>[] = [{ key: 'validation', name: 'validation', color: '#2ca02c' }];
  if (hasTest) lines.push({ key: 'test', name: 'test (epoch end)', color: '#d62728', dots: true });
  if (twinValidation.length > 0) lines.push({ key: 'twin', name: 'float twin validation', color: '#7f7f7f', dashed: true });
  return (
    <figure className="chart" data-testid="accuracy-chart">
      <figcaption>{hasTest ? 'Accuracy (%): validation during training, test at each epoch end' : 'Validation accuracy (%) during training'}</figcaption>
      <LiveLineChart
        rows={points}
        lines={lines}
        stepEnd={stepEnd}
        yDomain={['auto', 100]}
        height={CORE_CHART_HEIGHT}
        yAxisWidth={50}
        format={(value) => `${value.toFixed(2)} %`}
        legend
      />
    </figure>
  );
}

/**
 * Accuracy at each epoch end, one row per epoch. It grows while a run trains, so it lives under Inspect, below
 * nothing that could move.
 */
export function EpochTable() {
  const { epochs } = useAccuracyCurves();
  const hasTest = useHasTestSplit();
  return (
    <figure className="chart" data-testid="epoch-results">
      <figcaption>Accuracy at each epoch end</figcaption>
      {epochs.length === 0 ? (
        <p className="muted">No epoch has ended yet.</p>
      ) : (
        <table className="epoch-table">
          <thead>
            <tr>
              <th>Epoch</th>
              <th>Validation</th>
              {hasTest && <th>Test</th>}
            </tr>
          </thead>
          <tbody>
            {epochs.map((e) => (
              <tr key={e.epoch}>
                <td>{e.epoch}</td>
                <td>{(e.validationAccuracy * 100).toFixed(2)} %</td>
                {hasTest && <td>{e.testAccuracy === null ? '—' : `${(e.testAccuracy * 100).toFixed(2)} %`}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}
