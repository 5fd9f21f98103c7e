import { useFloatTwin, useStatus } from '../store/hooks';
import { resetTraining, setFloatTwin, stepOnce, toggleTraining } from '../store/workerBridge';

export function Controls() {
  const { status, trainRequested } = useStatus();
  const training = status === 'training';
  const busy = status === 'loading';
  const floatTwin = useFloatTwin();
  return (
    <>
    <div className="controls">
      <button type="button" data-testid="train-toggle" className="primary" disabled={busy} onClick={toggleTraining}>
        {training ? 'Pause' : status === 'paused' ? 'Resume' : status === 'done' ? 'Train again' : trainRequested ? 'Starting…' : 'Train'}
      </button>
      <button
        type="button"
        data-testid="step-once"
        disabled={busy || training || status === 'done'}
        title={status === 'done' ? 'The run has finished: Train again starts a new one.' : undefined}
        onClick={stepOnce}
      >
        Step
      </button>
      <button type="button" data-testid="reset" disabled={busy} onClick={resetTraining}>
        Reset
      </button>
    </div>
    <label className="toggle" title="Trains the same network with weight quantization off on the same batches, one step after each step, to show what ternary weights cost. Each step takes about twice as long.">
      <input type="checkbox" data-testid="float-twin" checked={floatTwin} onChange={(e) => setFloatTwin(e.target.checked)} />
      Float twin alongside (same network and batches, weights not quantized)
    </label>
    </>
  );
}
