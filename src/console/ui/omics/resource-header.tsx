/**
 * The head of every Omics resource page: the breadcrumb trail ending in the resource's name (its
 * id until it is known), the name as the page's h1, its ARN, and the error of getting it.
 */
import type { ReactNode } from 'react';
import type { ApiError } from '../api/errors.ts';
import { OmicsError } from './omics-error.tsx';

export function ResourceHeader({ crumbs, id, name, arn, error, errorTitle }: {
  /** The trail before the resource itself, e.g. <Link to="/omics">HealthOmics</Link> › Sequence stores. */
  crumbs: ReactNode;
  id: string;
  name: string | undefined;
  arn: string | undefined;
  error: ApiError | null | undefined;
  errorTitle: string;
}) {
  return (
    <>
      <p className="breadcrumbs">{crumbs} › {name ?? id}</p>
      <h1 id="page-title">{name || id}</h1>
      {arn ? <p className="muted wrap-anywhere">{arn}</p> : null}
      <OmicsError error={error} title={errorTitle} />
    </>
  );
}
