/** HealthOmics is a later issue: say so plainly, with no stand-in data. */
import { usePageTitle } from '../shell/page-title.ts';

export function OmicsPage() {
  usePageTitle('Omics');
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">AWS HealthOmics</h1>
      <div className="alert alert-info" role="status">
        <div>
          <p>The Omics API is not available in this version of HealthTrail yet.</p>
          <p className="muted">
            Calls to it answer <code>UnsupportedOperationException</code> (and are recorded in Event history). Sequence
            stores, reference stores, workflows and runs will appear here once the server implements them.
          </p>
        </div>
      </div>
    </section>
  );
}
