/**
 * The run beyond this page (the offer to resume an autosaved run sits in the core loop: ResumeOffer.tsx): save a checkpoint (safetensors) of everything
 * training needs or load one to continue it, export the curves, and copy a link to this setup.
 */
import { useAutosavedStep, useShareLink, useStatus } from '../store/hooks';
import { copyShareLink } from '../store/urlState';
import { exportCurvesCsv, loadCheckpoint, saveCheckpoint } from '../store/workerBridge';
import { Tip, tipId } from './Tip';

export function RunPanel() {
  const { status } = useStatus();
  const autosavedStep = useAutosavedStep();
  const shareLink = useShareLink();
  const busy = status === 'loading';
  return (
    <fieldset className="panel">
      <legend>Run</legend>
      {autosavedStep !== null && (
        <p className="muted" data-testid="autosave-status">
          Autosaved in this browser at step {autosavedStep}.
        </p>
      )}
      <span className="explained">
        <button type="button" data-testid="save-checkpoint" aria-describedby={tipId('save-checkpoint')} disabled={busy} onClick={saveCheckpoint}>
          Save checkpoint (.safetensors)
        </button>
        <Tip name="save-checkpoint">Downloads everything training needs to continue (latent weights, optimizer state, settings, curves) as one file.</Tip>
      </span>
      <span className="explained">
        <button type="button" data-testid="export-csv" aria-describedby={tipId('export-csv')} onClick={exportCurvesCsv}>
          Export curves (.csv)
        </button>
        <Tip name="export-csv">Downloads the loss, accuracy and sparsity curves of this run as a spreadsheet.</Tip>
      </span>
      <label>
        Load checkpoint
        <input
          type="file"
          accept=".safetensors"
          data-testid="load-checkpoint"
          aria-describedby={tipId('load-checkpoint')}
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void loadCheckpoint(file);
          }}
        />
      </label>
      <Tip name="load-checkpoint">Continues training from a .safetensors checkpoint saved by this page.</Tip>
      <span className="explained">
        <button type="button" data-testid="copy-link" aria-describedby={tipId('copy-link')} onClick={() => void copyShareLink()}>
          Copy a link to this setup
        </button>
        <Tip name="copy-link">Copies a URL that opens this page with the same preset and settings (not the trained weights).</Tip>
      </span>
      {shareLink && (
        <label>
          {shareLink.copied ? 'Copied to the clipboard:' : 'The clipboard is not available here; copy the link by hand:'}
          <input data-testid="share-link" readOnly value={shareLink.url} onFocus={(e) => e.target.select()} />
        </label>
      )}
    </fieldset>
  );
}
