/**
 * FHIR errors: an AwsError (so the pipeline records errorCode/errorMessage as for any call)
 * that the FHIR front writes as an OperationOutcome with the FHIR HTTP status.
 */
import { AwsError } from '../../../core/aws-error.ts';

export interface OutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  diagnostics?: string;
  details?: { text: string };
  expression?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  id?: string;
  issue: OutcomeIssue[];
}

/** CloudTrail errorCode per HTTP status (HealthLake publishes none for the data plane). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  405: 'MethodNotAllowedException',
  406: 'NotAcceptableException',
  409: 'ConflictException',
  410: 'ResourceGoneException',
  412: 'PreconditionFailedException',
  413: 'RequestEntityTooLargeException',
  415: 'UnsupportedMediaTypeException',
  422: 'UnprocessableEntityException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
};

const ISSUE_BY_STATUS: Record<number, string> = {
  400: 'invalid', 403: 'forbidden', 404: 'not-found', 405: 'not-supported', 406: 'not-supported', 409: 'conflict',
  410: 'deleted', 412: 'conflict', 413: 'too-costly', 415: 'not-supported', 422: 'processing', 429: 'throttled', 500: 'exception',
};

export class FhirError extends AwsError {
  readonly outcome: OperationOutcome;
  /** A resource to return instead of the OperationOutcome (idempotency-key replay answers 409 with it). */
  readonly resource?: Record<string, unknown>;

  constructor(status: number, diagnostics: string, options: { issueCode?: string; issues?: OutcomeIssue[]; resource?: Record<string, unknown>; code?: string } = {}) {
    super(options.code ?? CODE_BY_STATUS[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException'), diagnostics, { status });
    this.name = 'FhirError';
    this.outcome = {
      resourceType: 'OperationOutcome',
      issue: options.issues ?? [{ severity: 'error', code: options.issueCode ?? ISSUE_BY_STATUS[status] ?? 'processing', diagnostics }],
    };
    this.resource = options.resource;
  }
}

export function isFhirError(e: unknown): e is FhirError {
  return e instanceof FhirError;
}

export const badRequest = (message: string, issueCode = 'invalid') => new FhirError(400, message, { issueCode });
export const notFound = (message: string) => new FhirError(404, message);
export const gone = (message: string) => new FhirError(410, message);
export const conflict = (message: string) => new FhirError(409, message);
export const preconditionFailed = (message: string) => new FhirError(412, message);
export const notSupported = (message: string, status = 400) => new FhirError(status, message, { issueCode: 'not-supported' });

export function outcomeFor(severity: OutcomeIssue['severity'], code: string, diagnostics: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] };
}
