/** Trails of the region: DescribeTrails, each with GetTrailStatus. */
import { useConsole } from '../shell/console-context.tsx';
import { ErrorAlert } from '../shell/error-alert.tsx';
import { formatTime } from '../shell/format.ts';
import { usePageTitle } from '../shell/page-title.ts';
import { Link } from '../shell/router.tsx';
import { useLoad } from '../shell/use-load.ts';
import { LoggingBadge } from './logging-badge.tsx';
import { listTrails, trailPath } from './trail-api.ts';

export function TrailsPage() {
  usePageTitle('Trails');
  const { api, region } = useConsole();
  const trails = useLoad((signal) => listTrails(api, region, signal), [api, region]);
  const rows = trails.data ?? [];

  return (
    <section aria-labelledby="page-title">
      <div className="page-header">
        <div>
          <h1 id="page-title">Trails</h1>
          <p className="muted">Trails deliver log files of the events they select to an S3 bucket. Trails in <strong>{region}</strong>, shadow trails included.</p>
        </div>
        <div className="button-row">
          <button type="button" className="button" onClick={trails.reload} disabled={trails.loading}>Refresh</button>
          <Link to="/trails/new" className="button primary">Create trail</Link>
        </div>
      </div>
      <ErrorAlert error={trails.error} title="Could not list trails" />
      {trails.loading && !trails.data ? <p className="muted">Loading trails…</p> : null}
      {trails.data && rows.length === 0 ? <p>No trails in {region} yet. <Link to="/trails/new">Create one</Link>.</p> : null}
      {rows.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">Trails</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Home region</th>
                <th scope="col">Multi-region</th>
                <th scope="col">Organization</th>
                <th scope="col">S3 bucket</th>
                <th scope="col">Log file validation</th>
                <th scope="col">Status</th>
                <th scope="col">Latest delivery</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ trail, status, statusError }) => (
                <tr key={trail.TrailARN}>
                  <th scope="row"><Link to={trailPath(trail, 'view')}>{trail.Name}</Link></th>
                  <td>{trail.HomeRegion}</td>
                  <td>{trail.IsMultiRegionTrail ? 'Yes' : 'No'}</td>
                  <td>{trail.IsOrganizationTrail ? 'Yes' : 'No'}</td>
                  <td className="wrap-anywhere">{trail.S3BucketName}{trail.S3KeyPrefix ? `/${trail.S3KeyPrefix}` : ''}</td>
                  <td>{trail.LogFileValidationEnabled ? 'Enabled' : 'Disabled'}</td>
                  <td>{status ? <LoggingBadge logging={!!status.IsLogging} /> : statusError ? <span className="error-code" title={statusError.message}>{statusError.code}</span> : null}</td>
                  <td>
                    {status?.LatestDeliveryTime ? formatTime(status.LatestDeliveryTime) : '—'}
                    {status?.LatestDeliveryError ? <span className="badge badge-error"> {status.LatestDeliveryError}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
