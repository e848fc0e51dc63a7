/**
 * Exit codes scripts can rely on, and the one place an error becomes a line on stderr and a code:
 * 0 success, 1 the service answered an error (or a job failed), 2 usage, 3 endpoint unreachable or
 * no credentials.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  the service answered an error (printed as "healthtrail: <Code>: <message>"), or a job ended
     FAILED or cancelled
  2  usage error: unknown command or option, bad or missing value, conflicting filters
  3  cannot reach the endpoint, or no credentials found`;

/** An error whose message is the whole line to print (without the "healthtrail: " prefix). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage);

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  'ECONNABORTED', 'EADDRNOTAVAIL', 'ERR_INVALID_URL',
]);

interface SdkLikeError extends Error {
  code?: string;
  Code?: string;
  errors?: unknown[];
  $metadata?: { httpStatusCode?: number };
}

function isNetworkError(err: SdkLikeError): boolean {
  if (err.code && NETWORK_CODES.has(err.code)) return true;
  if (err.name === 'TimeoutError' || err.name === 'RequestTimeout') return true;
  // Node 20 tries every address of a name (happy eyeballs) and reports them together.
  return Array.isArray(err.errors) && err.errors.some((e) => e instanceof Error && isNetworkError(e as SdkLikeError));
}

/**
 * Turns an error thrown while talking to `endpoint` into a CliError: the service's own error
 * code when it answered, "cannot reach" or "no credentials" (exit 3) when it could not be asked.
 */
export function classifyError(err: unknown, endpoint: string): CliError {
  if (err instanceof CliError) return err;
  if (!(err instanceof Error)) return new CliError(String(err), EXIT.failed);
  const e = err as SdkLikeError;
  if (typeof e.$metadata?.httpStatusCode === 'number') {
    return new CliError(`${e.Code ?? e.name}: ${e.message}`, EXIT.failed);
  }
  if (e.name === 'CredentialsProviderError') return new CliError(`no credentials: ${e.message}`, EXIT.unreachable);
  if (isNetworkError(e)) {
    const detail = e.message || e.code || (Array.isArray(e.errors) ? e.errors.map(String).join('; ') : e.name);
    return new CliError(`cannot reach ${endpoint}: ${detail}`, EXIT.unreachable);
  }
  return new CliError(e.message, EXIT.failed);
}
