export function LoggingBadge({ logging }: { logging: boolean }) {
  return <span className={`badge ${logging ? 'badge-success' : 'badge-neutral'}`}>{logging ? 'Logging' : 'Not logging'}</span>;
}
