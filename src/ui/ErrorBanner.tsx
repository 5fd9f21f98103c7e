import { useErrorMessage, useStoreActions } from '../store/hooks';

export function ErrorBanner() {
  const message = useErrorMessage();
  const { userDismissedError } = useStoreActions();
  if (!message) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <span>{message}</span>
      <button type="button" onClick={userDismissedError} aria-label="Dismiss error">
        ×
      </button>
    </div>
  );
}
