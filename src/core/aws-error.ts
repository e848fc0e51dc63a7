/**
 * The one error type every layer throws. Protocol serializers turn it into the service's wire
 * shape (JSON `__type`, query/REST-XML `<Error><Code>`), and the audit recorder copies
 * `code`/`message` into the event's errorCode/errorMessage.
 */
export class AwsError extends Error {
  readonly code: string;
  /** HTTP status, when the thrower decides it. Otherwise the serializer takes the modelled
   * error's httpStatusCode, else 400 for client faults and 500 for server faults. */
  readonly status?: number;
  /** true when the caller is at fault (query protocol's <Type>Sender</Type>). */
  readonly sender: boolean;
  /** Extra members of the modelled error structure (e.g. S3's BucketName). */
  readonly fields: Record<string, unknown>;
  /** Extra response headers (e.g. WWW-Authenticate, Retry-After). */
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    message: string,
    options: { status?: number; sender?: boolean; fields?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.sender = options.sender ?? (options.status === undefined || options.status < 500);
    this.status = options.status;
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
  }
}

export function isAwsError(e: unknown): e is AwsError {
  return e instanceof AwsError;
}

/** Coral's validation message template, shared by every service that reports ValidationException. */
export function validationError(violations: string[], code = 'ValidationException'): AwsError {
  const n = violations.length;
  return new AwsError(code, `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`);
}
