import { useBackend, useDataProgress, useStatus, useStatusLineInput } from '../store/hooks';
import { bytes } from './format';
import { statusLine } from './statusLine';

export function StatusBar() {
  const { status, detail } = useStatus();
  const { backend, note, timings } = useBackend();
  const progress = useDataProgress();
  const line = statusLine(useStatusLineInput());
  return (
    <div className="status-bar">
      <span>
        Status: <strong data-testid="status" data-status={status}>{status}</strong>
        {detail && <span className="muted" data-testid="status-detail"> — {detail}</span>}
      </span>
      <span data-testid="status-line" role="status">
        {line}
      </span>
      <span title={note}>
        Backend: <strong data-testid="backend">{backend ?? 'starting…'}</strong>
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
        {note && <span className="muted"> ({note})</span>}
      </span>
      {status === 'loading' && progress && (
        <span className="data-progress">
          {progress.stage}: {bytes(progress.loadedBytes)}
          {progress.totalBytes ? ` / ${bytes(progress.totalBytes)}` : ''}
          <progress
            data-testid="data-progress"
            max={progress.totalBytes ?? undefined}
            value={progress.totalBytes ? progress.loadedBytes : undefined}
          />
        </span>
      )}
    </div>
  );
}
