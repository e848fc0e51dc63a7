/**
 * What an export job writes (spec §1.7, §2.6): its resource types, and each type's resources a
 * page at a time in rid order. A system export takes every live resource (optionally of some
 * types, last updated since a time); a Patient- or Group-level export only the patients (all,
 * or the group's active members) and the resources in their compartments.
 */
import { patientCompartment } from '../fhir/patient-compartment.ts';
import { parseReference } from '../fhir/indexer.ts';
import { JobFailure, type RunnerDeps } from './runner-deps.ts';

const PAGE = 1000;

export interface ExportScope {
  types?: string[];
  /** Epoch milliseconds: only resources last updated at or after it. */
  since?: number;
  /** Patient-level ({}) or Group-level ({ group: id }) export: patient compartments only. */
  patients?: { group?: string };
}

/** One page of a type's resources to export, after rid `after`, in rid order. */
type PageQuery = (type: string, after: number) => { rid: number; content: string }[];

/**
 * The resources a Patient- or Group-level export writes: the patients themselves, and the
 * resources that refer to one of them through a parameter of the Patient compartment
 * (patient-compartment.ts). `patientIds` undefined: every patient.
 */
function compartmentPages(deps: RunnerDeps, store: number, since: number, patientIds: string[] | undefined): { types: Set<string>; page: PageQuery } {
  const compartment = patientCompartment();
  const ids = patientIds === undefined ? undefined : JSON.stringify(patientIds);
  const ofIds = (column: string) => (ids === undefined ? '' : ` AND ${column} IN (SELECT value FROM json_each(?))`);
  const idArgs = ids === undefined ? [] : [ids];
  const page: PageQuery = (type, after) => {
    if (type === 'Patient') {
      return deps.db.stmt(`SELECT rid, content FROM fhir_resources WHERE store = ? AND rtype = 'Patient' AND deleted = 0 AND rid > ? AND updated >= ?${ofIds('id')} ORDER BY rid LIMIT ?`)
        .all(store, after, since, ...idArgs, PAGE) as { rid: number; content: string }[];
    }
    const keys = compartment.get(type)!.map((name) => deps.repo.key(name));
    return deps.db.stmt(
      `SELECT r.rid AS rid, r.content AS content FROM fhir_resources r WHERE r.store = ? AND r.rtype = ? AND r.deleted = 0 AND r.rid > ? AND r.updated >= ?
         AND EXISTS (SELECT 1 FROM fhir_idx_reference x WHERE x.rid = r.rid AND x.key IN (${keys.map(() => '?').join(', ')}) AND x.ref_type = 'Patient'${ofIds('x.ref_id')})
       ORDER BY r.rid LIMIT ?`,
    ).all(store, type, after, since, ...keys, ...idArgs, PAGE) as { rid: number; content: string }[];
  };
  return { types: new Set(['Patient', ...compartment.keys()]), page };
}

/** The ids of the patients a live Group lists as members (inactive ones left out). */
function groupMembers(deps: RunnerDeps, store: number, groupId: string): string[] {
  const group = deps.repo.get(store, 'Group', groupId);
  if (!group || group.deleted || group.content === null) throw new JobFailure(`Group/${groupId} no longer exists.`);
  const members = (JSON.parse(group.content) as { member?: { entity?: { reference?: unknown }; inactive?: boolean }[] }).member ?? [];
  const ids = new Set<string>();
  for (const m of members) {
    const ref = typeof m.entity?.reference === 'string' ? parseReference(m.entity.reference) : undefined;
    if (ref?.[0] === 'Patient' && m.inactive !== true) ids.add(ref[1]);
  }
  return [...ids];
}

/** The resource types (sorted) and pages of an export of `datastoreId` within `scope`. */
export function exportSelection(deps: RunnerDeps, datastoreId: string, scope: ExportScope): { types: string[]; page: PageQuery } {
  const since = scope.since ?? 0;
  const storeRow = deps.db.stmt('SELECT store FROM fhir_stores WHERE datastore_id = ?').get(datastoreId) as { store: number } | undefined;
  if (!storeRow) return { types: [], page: () => [] };
  const { store } = storeRow;
  let types = (deps.db.stmt('SELECT DISTINCT rtype FROM fhir_resources WHERE store = ? AND deleted = 0 ORDER BY rtype').all(store) as { rtype: string }[])
    .map((r) => r.rtype);
  if (scope.types) types = types.filter((t) => scope.types!.includes(t));
  if (scope.patients) {
    deps.repo.ready();
    const patientIds = scope.patients.group === undefined ? undefined : groupMembers(deps, store, scope.patients.group);
    const compartment = compartmentPages(deps, store, since, patientIds);
    return { types: types.filter((t) => compartment.types.has(t)), page: compartment.page };
  }
  const page: PageQuery = (type, after) => deps.db.stmt('SELECT rid, content FROM fhir_resources WHERE store = ? AND rtype = ? AND deleted = 0 AND rid > ? AND updated >= ? ORDER BY rid LIMIT ?')
    .all(store, type, after, since, PAGE) as { rid: number; content: string }[];
  return { types, page };
}
