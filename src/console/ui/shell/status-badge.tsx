/** Statuses of data stores, stores, read sets, jobs, workflows and runs as badges; any status not
 * named here is a passing one (shown with a spinner). */
const KIND: Record<string, string> = {
  ACTIVE: 'success', COMPLETED: 'success', FINISHED: 'success',
  COMPLETED_WITH_ERRORS: 'warning', COMPLETED_WITH_FAILURES: 'warning', CANCEL_COMPLETED: 'warning', CANCELLED: 'warning',
  CREATE_FAILED: 'error', FAILED: 'error', CANCEL_FAILED: 'error', UPLOAD_FAILED: 'error',
  DELETED: 'neutral', ARCHIVED: 'neutral', INACTIVE: 'neutral',
};

export function StatusBadge({ status }: { status: string | undefined }) {
  if (!status) return null;
  const kind = KIND[status] ?? 'info';
  const active = kind === 'info';
  return (
    <span className={`badge badge-${kind}`} data-status={status}>
      {active ? <span className="spinner small" aria-hidden="true" /> : null}
      {status}
    </span>
  );
}
