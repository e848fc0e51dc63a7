/**
 * One trail: its settings, logging status (GetTrailStatus, refreshed while the page is open),
 * start/stop logging, edit, delete, its event selectors and the files it delivered.
 */
import { useState } from 'react';
import type { EventSelectorsOutput, TrailStatus } from '../api/aws-types.ts';
import { useConsole } from '../shell/console-context.tsx';
import { ErrorAlert } from '../shell/error-alert.tsx';
import { formatTime } from '../shell/format.ts';
import { usePageTitle } from '../shell/page-title.ts';
import { Link, navigate } from '../shell/router.tsx';
import { useAction, useLoad, usePolling } from '../shell/use-load.ts';
import { DeliveredFiles } from './delivered-files.tsx';
import { LoggingBadge } from './logging-badge.tsx';
import { describeSelectors } from './selectors.ts';
import { describeTrail, logsPrefix, trailPath, trailStatus } from './trail-api.ts';

const STATUS_FIELDS: { key: keyof TrailStatus; label: string; time?: boolean; error?: boolean }[] = [
  { key: 'StartLoggingTime', label: 'Logging started', time: true },
  { key: 'StopLoggingTime', label: 'Logging stopped', time: true },
  { key: 'LatestDeliveryTime', label: 'Latest log file delivery', time: true },
  { key: 'LatestDeliveryError', label: 'Latest delivery error', error: true },
  { key: 'LatestDigestDeliveryTime', label: 'Latest digest delivery', time: true },
  { key: 'LatestDigestDeliveryError', label: 'Latest digest delivery error', error: true },
  { key: 'LatestNotificationTime', label: 'Latest SNS notification', time: true },
  { key: 'LatestNotificationError', label: 'Latest notification error', error: true },
  { key: 'LatestCloudWatchLogsDeliveryTime', label: 'Latest CloudWatch Logs delivery', time: true },
  { key: 'LatestCloudWatchLogsDeliveryError', label: 'Latest CloudWatch Logs error', error: true },
  { key: 'LatestDeliveryAttemptTime', label: 'Latest delivery attempt' },
  { key: 'LatestDeliveryAttemptSucceeded', label: 'Latest successful delivery attempt' },
];

export function TrailDetailPage({ trailArn }: { trailArn: string }) {
  const { api, region } = useConsole();
  const trail = useLoad((signal) => describeTrail(api, region, trailArn, signal), [api, region, trailArn]);
  const t = trail.data;
  usePageTitle(t?.Name ? `Trail ${t.Name}` : 'Trail');
  const status = useLoad((signal) => (t ? trailStatus(api, region, t, signal) : Promise.resolve(null)), [api, region, t]);
  const selectors = useLoad(
    (signal) => (t ? api.call<EventSelectorsOutput>('cloudtrail', 'GetEventSelectors', { TrailName: t.TrailARN }, region, signal) : Promise.resolve(null)),
    [api, region, t],
  );
  usePolling(status.reload, 5000, !!t);
  const action = useAction();
  const [confirmDelete, setConfirmDelete] = useState(false);

  if (trail.error) return <section><h1>Trail</h1><ErrorAlert error={trail.error} title="Could not read the trail" /></section>;
  if (!t) {
    return trail.loading
      ? <p className="muted">Loading trail…</p>
      : <section><h1>Trail not found</h1><p>No trail {trailArn} in {region}. <Link to="/trails">Back to trails</Link></p></section>;
  }

  const shadow = t.HomeRegion !== undefined && t.HomeRegion !== region;
  const s = status.data;
  const logging = !!s?.IsLogging;

  const toggleLogging = () => void action.run(async () => {
    await api.call('cloudtrail', logging ? 'StopLogging' : 'StartLogging', { Name: t.TrailARN }, region);
    status.reload();
  });
  const remove = () => void action.run(async () => {
    await api.call('cloudtrail', 'DeleteTrail', { Name: t.TrailARN }, region);
    navigate('/trails');
  });

  return (
    <section aria-labelledby="page-title">
      <p className="breadcrumbs"><Link to="/trails">Trails</Link> › {t.Name}</p>
      <div className="page-header">
        <div>
          <h1 id="page-title">{t.Name}</h1>
          <p className="muted wrap-anywhere">{t.TrailARN}</p>
        </div>
        <div className="button-row">
          <button type="button" className={`button ${logging ? '' : 'primary'}`} disabled={shadow || action.busy || !s} onClick={toggleLogging}>
            {logging ? 'Stop logging' : 'Start logging'}
          </button>
          {shadow ? null : <Link to={trailPath(t, 'edit')} className="button">Edit</Link>}
          <button type="button" className="button danger" disabled={shadow || action.busy} onClick={() => setConfirmDelete(true)}>Delete</button>
        </div>
      </div>
      {shadow ? (
        <p className="alert alert-info" role="note">This is a shadow of a multi-region trail whose home region is {t.HomeRegion}. Switch to {t.HomeRegion} to change it.</p>
      ) : null}
      {confirmDelete ? (
        <div className="alert alert-warning" role="alertdialog" aria-labelledby="delete-title" aria-describedby="delete-desc">
          <div>
            <p id="delete-title" className="alert-title">Delete trail {t.Name}?</p>
            <p id="delete-desc">The trail stops delivering. Files already in the bucket stay there.</p>
          </div>
          <div className="button-row">
            <button type="button" className="button danger" onClick={remove} disabled={action.busy} autoFocus>Delete trail</button>
            <button type="button" className="button" onClick={() => setConfirmDelete(false)}>Cancel</button>
          </div>
        </div>
      ) : null}
      <ErrorAlert error={action.error} title="The action failed" onDismiss={() => action.setError(null)} />

      <div className="two-columns">
        <section className="panel" aria-labelledby="status-title">
          <div className="panel-header">
            <h2 id="status-title">Status</h2>
            <button type="button" className="button small" onClick={status.reload}>Refresh</button>
          </div>
          <ErrorAlert error={status.error} title="Could not read the trail's status" />
          {s ? (
            <dl className="details-grid" data-testid="trail-status">
              <div><dt>Status</dt><dd><LoggingBadge logging={logging} /></dd></div>
              {STATUS_FIELDS.filter((f) => s[f.key] !== undefined && s[f.key] !== '' && s[f.key] !== null).map((f) => (
                <div key={f.key}>
                  <dt>{f.label}</dt>
                  <dd className={f.error ? 'error-code' : undefined} data-field={f.key}>{f.time ? formatTime(s[f.key] as string) : String(s[f.key])}</dd>
                </div>
              ))}
            </dl>
          ) : null}
        </section>

        <section className="panel" aria-labelledby="settings-title">
          <h2 id="settings-title">Settings</h2>
          <dl className="details-grid">
            <div><dt>S3 bucket</dt><dd>{t.S3BucketName}</dd></div>
            <div><dt>S3 key prefix</dt><dd>{t.S3KeyPrefix || '—'}</dd></div>
            <div><dt>Home region</dt><dd>{t.HomeRegion}</dd></div>
            <div><dt>Multi-region</dt><dd>{t.IsMultiRegionTrail ? 'Yes' : 'No'}</dd></div>
            <div><dt>Organization trail</dt><dd>{t.IsOrganizationTrail ? 'Yes' : 'No'}</dd></div>
            <div><dt>Log file validation</dt><dd>{t.LogFileValidationEnabled ? 'Enabled' : 'Disabled'}</dd></div>
            <div><dt>Global service events</dt><dd>{t.IncludeGlobalServiceEvents ? 'Included' : 'Excluded'}</dd></div>
            <div><dt>SNS topic</dt><dd className="wrap-anywhere">{t.SnsTopicARN || '—'}</dd></div>
            {t.KmsKeyId ? <div><dt>KMS key</dt><dd className="wrap-anywhere">{t.KmsKeyId}</dd></div> : null}
          </dl>
          <h3>Event selectors</h3>
          <ErrorAlert error={selectors.error} title="Could not read the event selectors" />
          {selectors.data ? (
            <ul className="selector-list">
              {describeSelectors(selectors.data).map((line, i) => <li key={i}>{line}</li>)}
            </ul>
          ) : null}
        </section>
      </div>

      {t.S3BucketName ? <DeliveredFiles bucket={t.S3BucketName} root={logsPrefix(t)} refreshKey={s?.LatestDeliveryTime} /> : null}
    </section>
  );
}
