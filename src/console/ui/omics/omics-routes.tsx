/** The Omics pages under /omics/... */
import { Link } from '../shell/router.tsx';
import { OmicsPage } from './omics-page.tsx';
import { ReadSetPage } from './read-set-page.tsx';
import { ReferencePage } from './reference-page.tsx';
import { ReferenceStorePage } from './reference-store-page.tsx';
import { RunPage } from './run-page.tsx';
import { SequenceStorePage } from './sequence-store-page.tsx';
import { WorkflowPage } from './workflow-page.tsx';

export function OmicsRoutes({ segments }: { segments: string[] }) {
  const [kind, id, child, childId, ...rest] = segments;
  if (kind === undefined) return <OmicsPage />;
  if (id !== undefined && rest.length === 0) {
    if (kind === 'sequence-stores' && child === undefined) return <SequenceStorePage storeId={id} />;
    if (kind === 'sequence-stores' && child === 'read-sets' && childId) return <ReadSetPage storeId={id} readSetId={childId} />;
    if (kind === 'reference-stores' && child === undefined) return <ReferenceStorePage storeId={id} />;
    if (kind === 'reference-stores' && child === 'references' && childId) return <ReferencePage storeId={id} referenceId={childId} />;
    if (kind === 'workflows' && child === undefined) return <WorkflowPage workflowId={id} />;
    if (kind === 'runs' && child === undefined) return <RunPage runId={id} />;
  }
  return (
    <section>
      <h1>Page not found</h1>
      <p>There is no HealthOmics page at this address. <Link to="/omics">Go to HealthOmics</Link>.</p>
    </section>
  );
}
