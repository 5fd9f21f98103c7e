import { useFloatTwin, useStatus } from '../store/hooks';
import { resetTraining, setFloatTwin, stepOnce, toggleTraining } from '../store/workerBridge';
import { Tip, tipId } from './Tip';

/** Train/Pause, Step and Reset: the core loop's buttons, each with what it does or why it is disabled. */
export function Controls() {
  const { status, trainRequested } = useStatus();
  const training = status === 'training';
  const busy = status === 'loading';
  const done = status === 'done';
  return (
    <div className="controls" data-testid="core-controls">
      <span className="explained">
        <button type="button" data-testid="train-toggle" className="primary" aria-describedby={tipId('train')} disabled={busy} onClick={toggleTraining}>
          {training ? 'Pause' : status === 'paused' ? 'Resume' : done ? 'Train again' : trainRequested ? 'Starting…' : 'Train'}
        </button>
        <Tip name="train">
          {busy
            ? 'Waiting for the data and a backend to load.'
            : done
              ? 'This run is finished (it stays under Runs): Train again starts a new run with the current settings.'
              : trainRequested && !training
                ? 'Train was pressed: the run starts as soon as TensorFlow.js and the data are ready.'
                : training
                  ? 'Pauses after the current step; Resume continues the same run.'
                  : status === 'paused'
                    ? 'Continues this run from the step it paused at, with its weights and curves.'
                    : 'Trains the network on the training split, with live curves; the weights are ternary in every forward pass.'}
        </Tip>
      </span>
      <span className="explained">
        <button type="button" data-testid="step-once" aria-describedby={tipId('step')} disabled={busy || training || done} onClick={stepOnce}>
          Step
        </button>
        <Tip name="step">
          {training ? 'Pause first: Step runs one batch at a time.' : done ? 'The run has finished: Train again starts a new one.' : 'Runs one training step (one batch) and stops, to watch the weights move.'}
        </Tip>
      </span>
      <span className="explained">
        <button type="button" data-testid="reset" aria-describedby={tipId('reset')} disabled={busy} onClick={resetTraining}>
          Reset
        </button>
        <Tip name="reset">Throws the trained weights away and starts again from new random weights with the same settings.</Tip>
      </span>
    </div>
  );
}

/** The float twin: an expert comparison, shown under Settings. */
export function FloatTwinToggle() {
  const floatTwin = useFloatTwin();
  return (
    <label className="toggle">
      <input type="checkbox" data-testid="float-twin" aria-describedby={tipId('float-twin')} checked={floatTwin} onChange={(e) => setFloatTwin(e.target.checked)} />
      Float twin alongside (same network and batches, weights not quantized)
      <Tip name="float-twin">
        Trains the same network with weight quantization off on the same batches, one step after each step, to show what
        ternary weights cost (Inspect shows the gap). Each step takes about twice as long.
      </Tip>
    </label>
  );
}
