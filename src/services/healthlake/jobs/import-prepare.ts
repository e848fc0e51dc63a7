/**
 * The pure part of importing one NDJSON line (spec §1.6): JSON parse, the line rules, the
 * update's body checks and writes.ts prepareVersion (validation, index rows, stored JSON).
 * No database: it runs in the import's worker threads (import-prepare-pool.ts), and inline if
 * they cannot start. What it returns is plain data; the commit (import-runner.ts) looks up
 * the current version and writes.
 */
import type { Resource } from '@medplum/fhirtypes';
import { FhirError, isFhirError, outcomeFor, type OperationOutcome } from '../fhir/errors.ts';
import { checkUpdateBody, prepareVersion, type PreparedVersion } from '../fhir/writes.ts';
import type { ValidationLevel } from '../fhir/validation.ts';
import { mapKeys } from '../fhir/packed-rows.ts';

const RESOURCE_TYPE = /^[A-Za-z]{1,256}$/;

export interface InputLine {
  lineId: number;
  text: string;
}

/** A refusal as data (a FhirError does not survive structured cloning). */
export interface Refusal {
  status: number;
  message: string;
  outcome: OperationOutcome;
}

export type PreparedLine =
  /** A blank line: consumed, not a resource, no result record. */
  | { lineId: number; kind: 'blank' }
  /** Refused before the database is consulted. */
  | { lineId: number; kind: 'refused'; refusal: Refusal }
  /** An unexpected error in the pure work: a server error for this line. */
  | { lineId: number; kind: 'internal' }
  /**
   * Ready for writes.ts updatePrepared: the prepared version, or the validation refusal that
   * updatePrepared raises after the checks against the current version (as updateResource does).
   */
  | { lineId: number; kind: 'update'; rtype: string; id: string; bytes: number; prepared?: PreparedVersion; invalid?: Refusal };

const refusal = (e: FhirError): Refusal => ({ status: e.status ?? 400, message: e.message, outcome: e.outcome });

const refused = (lineId: number, message: string): PreparedLine =>
  ({ lineId, kind: 'refused', refusal: { status: 400, message, outcome: outcomeFor('error', 'processing', message) } });

/** The FhirError a refusal stands for (same status, message and OperationOutcome). */
export function refusalError(r: Refusal): FhirError {
  return new FhirError(r.status, r.message, { issues: r.outcome.issue });
}

/**
 * `now` is a provisional lastUpdated for validation only; the commit stamps its own time and
 * the real versionId (writes.ts commitVersion).
 */
export function prepareLine(line: InputLine, level: ValidationLevel, now: number): PreparedLine {
  const { lineId, text } = line;
  if (text.trim() === '') return { lineId, kind: 'blank' };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return refused(lineId, 'Invalid JSON found in input file');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return refused(lineId, 'Each line must hold one FHIR resource (a JSON object).');
  const resource = body as Record<string, unknown>;
  if (typeof resource.resourceType !== 'string' || !RESOURCE_TYPE.test(resource.resourceType)) {
    return refused(lineId, 'Invalid resourceType: it must match [A-Za-z]{1,256}.');
  }
  if (resource.id === undefined || resource.id === null || resource.id === '') return refused(lineId, 'Missing required id field in resource json');
  const rtype = resource.resourceType;
  const id = String(resource.id);
  try {
    const checked = checkUpdateBody(resource as unknown as Resource, rtype, id);
    const base = { lineId, kind: 'update' as const, rtype, id, bytes: Buffer.byteLength(text) };
    try {
      return { ...base, prepared: prepareVersion(checked, id, 1, now, level).prepared };
    } catch (e) {
      if (isFhirError(e)) return { ...base, invalid: refusal(e) };
      throw e;
    }
  } catch (e) {
    if (isFhirError(e)) return { lineId, kind: 'refused', refusal: refusal(e) };
    return { lineId, kind: 'internal' };
  }
}

export function prepareLines(lines: InputLine[], level: ValidationLevel, now: number): PreparedLine[] {
  return lines.map((l) => prepareLine(l, level, now));
}

/**
 * For the trip to the writing thread: each index key name in the lines' rows becomes its number
 * in the returned list, so a name crosses once per batch, not once per row (in place).
 */
export function internKeyNames(lines: PreparedLine[]): string[] {
  const numbers = new Map<string, number>();
  const names: string[] = [];
  for (const line of lines) {
    if (line.kind !== 'update' || !line.prepared) continue;
    mapKeys(line.prepared.rows, (name) => {
      let n = numbers.get(name as string);
      if (n === undefined) {
        n = names.push(name as string) - 1;
        numbers.set(name as string, n);
      }
      return n;
    });
  }
  return names;
}

/** Back on the writing thread: the numbers of internKeyNames become the repository's keys. */
export function resolveKeyNames(lines: PreparedLine[], names: string[], key: (name: string) => number): void {
  const keys = names.map(key);
  for (const line of lines) if (line.kind === 'update' && line.prepared) mapKeys(line.prepared.rows, (n) => keys[n as number]!);
}
