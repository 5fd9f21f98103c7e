import { useDatasetChoice, useProgress } from '../store/hooks';
import { percent } from './format';

/** The run's numbers. The Test card shows only when the data has a test split (the embedded subset has none). */
export function Metrics() {
  const p = useProgress();
  const { summary } = useDatasetChoice();
  const hasTest = (summary?.testCount ?? 0) > 0;
  const epochShown = p.totalSteps > 0 ? Math.min(p.epoch + 1, p.epochs) : 0;
  return (
    <div className="metrics">
      <div>
        <span className="label">Epoch</span>
        <span data-testid="metric-epoch">{epochShown} / {p.epochs}</span>
      </div>
      <div>
        <span className="label">Step</span>
        <span data-testid="metric-step">{p.globalStep}</span>
      </div>
      <div>
        <span className="label">Train loss</span>
        <span data-testid="metric-loss">{p.lastLoss === null ? '—' : p.lastLoss.toFixed(4)}</span>
      </div>
      <div>
        <span className="label">Validation accuracy</span>
        <span data-testid="metric-val-acc">{percent(p.validationAccuracy, 2)}</span>
      </div>
      {hasTest && (
        <div>
          <span className="label">Test accuracy</span>
          <span data-testid="metric-test-acc">{percent(p.testAccuracy, 2)}</span>
        </div>
      )}
      <div>
        <span className="label">Learning rate</span>
        <span>{p.learningRate ? p.learningRate.toExponential(2) : '—'}</span>
      </div>
      <progress className="train-progress" data-testid="train-progress" aria-label="Training progress" max={p.totalSteps || 1} value={p.globalStep} />
    </div>
  );
}
