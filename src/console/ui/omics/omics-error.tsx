/**
 * An Omics call's error. An operation the server does not implement yet answers
 * UnsupportedOperationException naming itself; that is said in words, beside the code and message.
 */
import type { ApiError } from '../api/errors.ts';
import { ErrorAlert } from '../shell/error-alert.tsx';

export function OmicsError({ error, title }: { error: ApiError | null | undefined; title: string }) {
  if (!error) return null;
  const unsupported = error.code === 'UnsupportedOperationException';
  return <ErrorAlert error={error} title={unsupported ? `${title}: this server does not implement that operation yet` : title} />;
}
