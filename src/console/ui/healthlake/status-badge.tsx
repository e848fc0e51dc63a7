/** Datastore and job statuses as badges. */
const KIND: Record<string, string> = {
  ACTIVE: 'success', COMPLETED: 'success',
  COMPLETED_WITH_ERRORS: 'warning', CANCEL_COMPLETED: 'warning',
  CREATE_FAILED: 'error', FAILED: 'error', CANCEL_FAILED: 'error',
  DELETED: 'neutral',
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
