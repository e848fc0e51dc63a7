/**
 * Virtual-hosted-style requests (`https://bucket.host/key`) name the bucket in the Host header;
 * the wire layer routes path-style ones (`/bucket/key`). The service itself is chosen from the
 * SigV4 scope; the Host only says which bucket. Recognised hosts: `<bucket>.<public host>` (from
 * HEALTHTRAIL_PUBLIC_URL), `<bucket>.s3.<anything>` / `<bucket>.s3-<anything>` (AWS-style names),
 * and `<bucket>.localhost`. IP addresses and anything else are path style.
 */
import { isIP } from 'node:net';
import type { HttpRequest } from '../../wire/types.ts';

function hostname(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** The bucket a Host header names, or undefined for path-style hosts. */
export function bucketFromHost(host: string | undefined, publicHost?: string): string | undefined {
  if (!host) return undefined;
  const name = hostname(host);
  if (!name || isIP(name.replace(/^\[|\]$/g, ''))) return undefined;
  const suffixes = publicHost ? [`.${hostname(publicHost)}`] : [];
  for (const suffix of [...suffixes, '.localhost']) {
    if (name.endsWith(suffix) && name.length > suffix.length) return name.slice(0, -suffix.length);
  }
  const aws = /^(.+?)\.s3[.-]/.exec(name);
  return aws ? aws[1] : undefined;
}

/** The request in path style: `/bucket` prepended when the Host names the bucket. */
export function toPathStyle(req: HttpRequest, publicHost?: string): HttpRequest {
  const bucket = bucketFromHost(req.headers.host, publicHost);
  if (bucket === undefined) return req;
  const path = req.path.startsWith('/') ? req.path : `/${req.path}`;
  return { ...req, path: `/${encodeURIComponent(bucket)}${path}` };
}
