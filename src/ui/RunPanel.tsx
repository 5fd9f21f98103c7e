/** The run as a file: save a checkpoint (safetensors) of everything training needs, or load one to continue it. */
import { useStatus } from '../store/hooks';
import { loadCheckpoint, saveCheckpoint } from '../store/workerBridge';

export function RunPanel() {
  const { status } = useStatus();
  const busy = status === 'loading';
  return (
    <fieldset className="panel">
      <legend>Run</legend>
      <button type="button" data-testid="save-checkpoint" disabled={busy} onClick={saveCheckpoint}>
        Save checkpoint (.safetensors)
      </button>
      <label>
        Load checkpoint
        <input
          type="file"
          accept=".safetensors"
          data-testid="load-checkpoint"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void loadCheckpoint(file);
          }}
        />
      </label>
    </fieldset>
  );
}
