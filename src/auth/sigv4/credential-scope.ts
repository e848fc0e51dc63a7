/**
 * The credential scope `AKID/yyyymmdd/region/service/aws4_request`: parsing it, and the cheap
 * read routing uses to pick a service before any cryptography runs.
 */
import type { HttpRequest } from '../../wire/types.ts';
import { percentDecode } from './query.ts';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const TERMINATOR = 'aws4_request';

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
}

/** Splits a Credential value; undefined unless it has exactly 5 slash-delimited parts. */
export function splitCredential(credential: string): CredentialScope | undefined {
  // credential.split('/') with a length check, without the array (this runs on every request).
  const a = credential.indexOf('/');
  const b = a < 0 ? -1 : credential.indexOf('/', a + 1);
  const c = b < 0 ? -1 : credential.indexOf('/', b + 1);
  const d = c < 0 ? -1 : credential.indexOf('/', c + 1);
  if (d < 0 || credential.indexOf('/', d + 1) >= 0) return undefined;
  return {
    accessKeyId: credential.slice(0, a),
    date: credential.slice(a + 1, b),
    region: credential.slice(b + 1, c),
    service: credential.slice(c + 1, d),
    terminator: credential.slice(d + 1),
  };
}

/** `yyyymmdd/region/service/aws4_request`, the scope line of the string to sign. */
export function scopeString(scope: CredentialScope): string {
  return `${scope.date}/${scope.region}/${scope.service}/${scope.terminator}`;
}

/**
 * The scope a request claims, from its Authorization header or X-Amz-Credential parameter,
 * without verifying anything. undefined when the request carries no readable SigV4 scope.
 */
export function readCredentialScope(
  req: HttpRequest,
): { accessKeyId: string; date: string; region: string; service: string } | undefined {
  const auth = req.headers['authorization'];
  let credential: string | undefined;
  if (auth && auth.startsWith(ALGORITHM)) {
    const at = auth.indexOf('Credential=');
    if (at >= 0) {
      const start = at + 'Credential='.length;
      let end = start;
      while (end < auth.length && auth[end] !== ',' && auth[end] !== ' ' && auth[end] !== '\t') end++;
      credential = auth.slice(start, end);
    }
  } else if (!auth && req.query.includes('X-Amz-Credential=')) {
    for (const pair of req.query.split('&')) {
      if (pair.startsWith('X-Amz-Credential=')) {
        credential = percentDecode(pair.slice('X-Amz-Credential='.length));
        break;
      }
    }
  }
  const scope = credential === undefined ? undefined : splitCredential(credential);
  if (!scope || scope.service === '') return undefined;
  return { accessKeyId: scope.accessKeyId, date: scope.date, region: scope.region, service: scope.service };
}
