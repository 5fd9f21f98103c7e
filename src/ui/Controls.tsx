import { useStatus } from '../store/hooks';
import { resetTraining, stepOnce, toggleTraining } from '../store/workerBridge';

export function Controls() {
  const { status } = useStatus();
  const training = status === 'training';
  const busy = status === 'loading';
  return (
    <div className="controls">
      <button type="button" data-testid="train-toggle" className="primary" disabled={busy || status === 'done'} onClick={toggleTraining}>
        {training ? 'Pause' : status === 'paused' ? 'Resume' : 'Train'}
      </button>
      <button type="button" data-testid="step-once" disabled={busy || training || status === 'done'} onClick={stepOnce}>
        Step
      </button>
      <button type="button" data-testid="reset" disabled={busy} onClick={resetTraining}>
        Reset
      </button>
    </div>
  );
}
