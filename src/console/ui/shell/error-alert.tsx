/** An API error as the user sees it: code, message and request id. */
import type { ApiError } from '../api/errors.ts';

export function ErrorAlert({ error, title, onDismiss }: { error: ApiError | null | undefined; title?: string; onDismiss?: () => void }) {
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      <div>
        {title ? <p className="alert-title">{title}</p> : null}
        <p>
          <strong className="error-code">{error.code}</strong>
          {error.message ? <>: <span className="error-message">{error.message}</span></> : null}
        </p>
        {error.requestId ? <p className="muted small">Request ID: {error.requestId}</p> : null}
      </div>
      {onDismiss ? (
        <button type="button" className="button-link" onClick={onDismiss} aria-label="Dismiss error">
          Dismiss
        </button>
      ) : null}
    </div>
  );
}

export function Notice({ children, kind = 'info' }: { children: React.ReactNode; kind?: 'info' | 'success' | 'warning' }) {
  return (
    <div className={`alert alert-${kind}`} role="status">
      <div>{children}</div>
    </div>
  );
}
