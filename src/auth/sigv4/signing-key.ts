/**
 * The derived SigV4 signing key, HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service),
 * "aws4_request"), cached per (access key, date, region, service) in a bounded LRU: four HMACs
 * saved on every request after a key's first of the day.
 */
import { createHmac } from 'node:crypto';

const MAX_ENTRIES = 1024;

interface Entry {
  /** Kept to notice a rotated secret for the same key id. */
  secret: string;
  key: Buffer;
}

const cache = new Map<string, Entry>();

export function signingKey(accessKeyId: string, secret: string, date: string, region: string, service: string): Buffer {
  const id = `${accessKeyId}\n${date}\n${region}\n${service}`;
  const hit = cache.get(id);
  if (hit && hit.secret === secret) {
    cache.delete(id);
    cache.set(id, hit);
    return hit.key;
  }
  const key = deriveSigningKey(secret, date, region, service);
  cache.delete(id);
  cache.set(id, { secret, key });
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return key;
}

export function deriveSigningKey(secret: string, date: string, region: string, service: string): Buffer {
  let key = hmac('AWS4' + secret, date);
  key = hmac(key, region);
  key = hmac(key, service);
  return hmac(key, 'aws4_request');
}

export function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** For tests. */
export function signingKeyCacheSize(): number {
  return cache.size;
}
