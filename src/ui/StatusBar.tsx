import { useBackend, useDataProgress, useStatus, useStatusLineInput } from '../store/hooks';
import { bytes } from './format';
import { statusLine } from './statusLine';

/**
 * One line of what the page is doing, in words first, then the status and the backend. It never wraps (a longer
 * text is cut, whole in its title), so the core loop below it keeps its place while a run trains. The backends'
 * timings are under Settings.
 */
export function StatusBar() {
  const { status, detail } = useStatus();
  const { backend, note } = useBackend();
  const progress = useDataProgress();
  const line = statusLine(useStatusLineInput());
  return (
    <div className="status-bar" role="status">
      <span className="status-line" data-testid="status-line" title={line}>
        {line}
      </span>
      <span className="status-text" title={detail ?? undefined}>
        Status: <strong data-testid="status" data-status={status}>{status}</strong>
        {detail && <span className="muted" data-testid="status-detail"> — {detail}</span>}
      </span>
      <span className="status-backend" title={note}>
        Backend: <strong data-testid="backend">{backend ?? 'starting…'}</strong>
        {note && <span className="muted"> ({note})</span>}
      </span>
      {status === 'loading' && progress && (
        <span className="data-progress">
          {progress.stage}: {bytes(progress.loadedBytes)}
          {progress.totalBytes ? ` / ${bytes(progress.totalBytes)}` : ''}
          <progress
            data-testid="data-progress"
            aria-label="Data loaded"
            max={progress.totalBytes ?? undefined}
            value={progress.totalBytes ? progress.loadedBytes : undefined}
          />
        </span>
      )}
    </div>
  );
}

/** Which backends were measured and how fast each trained: for the curious, under Settings → Advanced. */
export function BackendDetails() {
  const { backend, timings } = useBackend();
  return (
    <p className="muted" data-testid="backend-details">
      Training backend: {backend ?? 'starting…'}
      {timings && (
        <span data-testid="backend-timings">
          {' '}
          — fastest of{' '}
          {timings.map((t, i) => (
            <span key={t.backend} data-backend={t.backend} data-step-ms={t.stepMs ?? ''}>
              {i > 0 && ', '}
              {t.backend} {t.stepMs === null ? 'failed' : `${t.stepMs.toFixed(1)} ms/step`}
            </span>
          ))}
        </span>
      )}
    </p>
  );
}
