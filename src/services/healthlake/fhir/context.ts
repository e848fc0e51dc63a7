/** What every FHIR interaction works with: the datastore's storage, its base URL, time and ids. */
import type { IdSource } from '../../../core/clock.ts';
import type { FhirRepository } from './repository.ts';
import type { ValidationLevel } from './validation.ts';

export interface FhirContext {
  repo: FhirRepository;
  store: number;
  datastoreId: string;
  /** Absolute base of the datastore's FHIR API, with trailing slash: {origin}/datastore/{id}/r4/ */
  base: string;
  now: Date;
  ids: IdSource;
  validationLevel: ValidationLevel;
  /** Prefer: handling=strict: unknown search parameters are errors. */
  strictSearch: boolean;
  /** Largest resource, in bytes, as JSON: the request body limit (a patch may not grow one past it). */
  maxResourceBytes: number;
  /** Most entries a batch or transaction Bundle may have. */
  bundleEntryLimit: number;
  /** The calling account and region (jobs started from the FHIR API belong to them), and the
   * caller's iam:PassRole check for a job's role (throws the access-denied FhirError). */
  caller?: { accountId: string; region: string; authorizePassRole(roleArn: string): void };
  /**
   * IAM check of an action the call needs besides its own: a Bundle entry's action, or the
   * search a conditional interaction runs (writes.ts matching). Throws the access-denied FhirError.
   */
  authorizeEntry(action: string): void;
}

/** A FHIR response before HTTP: status, body and headers. */
export interface FhirResult {
  status: number;
  body?: Record<string, unknown>;
  /** The body already serialized (stored JSON spliced in, raw-json.ts); sent in place of body. */
  bodyText?: string;
  headers?: Record<string, string>;
  /** The resource a write produced, so Prefer: return=... can choose what to send. */
  written?: boolean;
  /** Identifiers for the CloudTrail record's responseElements (never content). */
  audit?: Record<string, unknown>;
  /** An object of the object store sent as the body, streamed (GetExportedFile). */
  file?: { bucket: string; key: string; contentType: string };
}

/** One FHIR REST request, after routing and before any interpretation of its body. */
export interface FhirRequest {
  method: string;
  resourceType?: string;
  id?: string;
  vid?: string;
  /** Decoded query parameters, in order. */
  params: [string, string][];
  /** The query string as the client sent it (without '?'). */
  query: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
}
