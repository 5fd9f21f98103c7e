/**
 * The run beyond this page: resume the autosaved run after a reload, save a checkpoint (safetensors) of everything
 * training needs or load one to continue it, export the curves, and copy a link to this setup.
 */
import { useAutosavedStep, useResumeOffer, useShareLink, useStatus } from '../store/hooks';
import { copyShareLink } from '../store/urlState';
import { dismissResumeOffer, exportCurvesCsv, loadCheckpoint, resumeAutosavedRun, saveCheckpoint } from '../store/workerBridge';

export function RunPanel() {
  const { status } = useStatus();
  const offer = useResumeOffer();
  const autosavedStep = useAutosavedStep();
  const shareLink = useShareLink();
  const busy = status === 'loading';
  return (
    <fieldset className="panel">
      <legend>Run</legend>
      {offer && (
        <p data-testid="resume-offer">
          A run was autosaved here ({offer.preset}, epoch {offer.epoch}, step {offer.step}, {new Date(offer.savedAt).toLocaleTimeString()}).{' '}
          <button type="button" data-testid="resume-run" disabled={busy} onClick={resumeAutosavedRun}>
            Resume it at step {offer.step}
          </button>{' '}
          <button type="button" onClick={dismissResumeOffer}>
            Not now
          </button>
        </p>
      )}
      {autosavedStep !== null && (
        <p className="muted" data-testid="autosave-status">
          Autosaved in this browser at step {autosavedStep}.
        </p>
      )}
      <button type="button" data-testid="save-checkpoint" disabled={busy} onClick={saveCheckpoint}>
        Save checkpoint (.safetensors)
      </button>
      <button type="button" data-testid="export-csv" onClick={exportCurvesCsv}>
        Export curves (.csv)
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
      <button type="button" data-testid="copy-link" onClick={() => void copyShareLink()}>
        Copy a link to this setup
      </button>
      {shareLink && (
        <label>
          {shareLink.copied ? 'Copied to the clipboard:' : 'The clipboard is not available here; copy the link by hand:'}
          <input data-testid="share-link" readOnly value={shareLink.url} onFocus={(e) => e.target.select()} />
        </label>
      )}
    </fieldset>
  );
}
