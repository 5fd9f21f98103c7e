/**
 * The runs kept in this browser (the last ten, autosaved as they train): resume one, download it as a checkpoint,
 * delete it, or tick several to overlay their curves, each labelled by the settings in which it differs.
 */
import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { epochInProgress, runLabels } from '../core/run/runLabels';
import { conversionLabel } from '../core/data/imageConversion';
import type { SeriesPoint } from '../core/run/series';
import type { RunSummary } from '../store/autosave';
import { useKeptRuns, useStatus } from '../store/hooks';
import { deleteKeptRun, downloadRun, resumeRun } from '../store/workerBridge';
import { percent } from './format';
import { Tip, tipId } from './Tip';

const RUN_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];

function OverlayChart(props: { title: string; runs: RunSummary[]; labels: string[]; series: (run: RunSummary) => SeriesPoint[]; scale: number; testId: string }) {
  return (
    <figure className="chart" data-testid={props.testId} data-lines={props.runs.length}>
      <figcaption>{props.title}</figcaption>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart margin={{ top: 5, right: 20, bottom: 5, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDuplicatedCategory={false} />
          <YAxis domain={['auto', 'auto']} width={50} />
          <Tooltip formatter={(value) => Number(value).toFixed(3)} />
          <Legend />
          {props.runs.map((run, i) => (
            <Line
              key={run.id}
              data={props.series(run).map((p) => ({ step: p.step, value: p.value * props.scale }))}
              dataKey="value"
              name={props.labels[i]}
              stroke={RUN_COLORS[i % RUN_COLORS.length]}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function RunList() {
  const { runs, compared, toggleCompared } = useKeptRuns();
  const { status } = useStatus();
  // The overlay charts render only while open: every autosave refreshes the list, and redrawing ten runs' curves
  // each time would cost the main thread while training.
  const [comparing, setComparing] = useState(false);
  if (runs.length === 0) return null;
  const labels = runLabels(runs);
  // Nothing ticked: every kept run is compared.
  const shown = compared.length > 0 ? runs.filter((run) => compared.includes(run.id)) : runs;
  const shownLabels = runLabels(shown);
  return (
    <section className="chart" data-testid="run-list">
      <h2 className="section-title">Runs kept in this browser</h2>
      {/* One description per kind of action, shared by the rows' buttons. */}
      <p className="visually-hidden">
        <Tip name="run-resume">Loads this run's weights and optimizer state and continues training it from its last step.</Tip>
        <Tip name="run-download">Downloads this run as a .safetensors checkpoint that Load checkpoint (Runs) takes back.</Tip>
        <Tip name="run-delete">Removes this run from this browser's storage.</Tip>
      </p>
      <div className="table-scroll">
      <table className="run-table">
        <thead>
          <tr>
            <th>Compare</th>
            <th>Run</th>
            <th>Dataset</th>
            <th>Step</th>
            <th>Validation</th>
            <th>Test</th>
            <th>Saved</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {runs.map((run, i) => (
            <tr key={run.id} data-testid="run-row" data-run-id={run.id}>
              <td>
                <input type="checkbox" aria-label={`compare ${labels[i]}`} data-testid="run-compare" checked={compared.includes(run.id)} onChange={() => toggleCompared(run.id)} />
              </td>
              <td data-testid="run-label">{labels[i]}</td>
              <td data-testid="run-dataset">
                {run.datasetId}
                {run.conversion ? ` (${conversionLabel(run.conversion)})` : ''}
              </td>
              <td>
                {run.step} (epoch {epochInProgress(run.epoch, run.config.epochs)})
              </td>
              <td>{percent(run.validationAccuracy, 2)}</td>
              <td>{percent(run.testAccuracy, 2)}</td>
              <td>{new Date(run.savedAt).toLocaleString()}</td>
              <td className="run-actions">
                <button type="button" data-testid="run-resume" aria-describedby={tipId('run-resume')} disabled={status === 'loading'} onClick={() => void resumeRun(run.id)}>
                  Resume
                </button>
                <button type="button" data-testid="run-download" aria-describedby={tipId('run-download')} onClick={() => void downloadRun(run.id)}>
                  Download
                </button>
                <button type="button" data-testid="run-delete" aria-describedby={tipId('run-delete')} onClick={() => void deleteKeptRun(run.id)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      <details data-testid="compare-runs" data-runs={shown.length} open={comparing} onToggle={(e) => setComparing(e.currentTarget.open)}>
        <summary>
          Compare runs: {compared.length > 0 ? `the ${shown.length} ticked` : 'every kept run (tick some to choose)'}, labelled by the settings in which they differ
        </summary>
        {comparing && (
          <div className="chart-row">
            <OverlayChart title="Training loss" testId="compare-loss" runs={shown} labels={shownLabels} series={(run) => run.curves.loss} scale={1} />
            <OverlayChart title="Validation accuracy (%)" testId="compare-accuracy" runs={shown} labels={shownLabels} series={(run) => run.curves.validation} scale={100} />
          </div>
        )}
      </details>
    </section>
  );
}
