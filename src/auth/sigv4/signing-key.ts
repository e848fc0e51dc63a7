/**
 * The derived SigV4 signing key, HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service),
 * "aws4_request"), cached per (access key, date, region, service) in a bounded LRU: four HMACs
 * saved on every request after a key's first of the day.
 *
 * The request signature itself is an HMAC under that key, on every request. createHmac costs
 * about twice what the HMAC arithmetic does (an Hmac object, a key object, a Buffer digest), so
 * the cache also keeps the key's RFC 2104 pads and hmacWithPads() computes
 *   HMAC(K, m) = SHA256((K ^ opad) || SHA256((K ^ ipad) || m))
 * with two one-shot SHA-256 calls (sha256.ts) over reused scratch buffers. It is HMAC-SHA256
 * exactly (test/auth/sigv4-fast-paths.test.ts compares it with createHmac on random keys and
 * messages). Derivation (once per key and day) and chunk signatures keep createHmac.
 */
import { createHmac } from 'node:crypto';
import { sha256 } from './sha256.ts';

const MAX_ENTRIES = 1024;
/** SHA-256 block size; the pads are one block each. */
const BLOCK = 64;

/** A signing key with its HMAC pads. */
export interface SigningKey {
  key: Buffer;
  /** key ^ 0x36..., key ^ 0x5c... (the key is 32 bytes, shorter than a block: zero-padded). */
  innerPad: Buffer;
  outerPad: Buffer;
}

interface Entry extends SigningKey {
  /** Kept to notice a rotated secret for the same key id. */
  secret: string;
}

/**
 * A bounded LRU of signing keys. Two of them: one for real keys and one for the stand-in keys
 * verify.ts uses for unknown key ids (the same work either way, so timing does not tell an
 * unknown key from a wrong signature). Apart, a flood of made-up key ids evicts only stand-ins;
 * in one cache it pushed every real key out and each real key's next request re-derived it.
 */
class SigningKeyCache {
  private readonly entries = new Map<string, Entry>();
  /**
   * The entry used last, which is also the most recent in the LRU order: a run of requests with
   * the same key (the usual case) skips building the cache id and re-ordering the map.
   */
  private last: { accessKeyId: string; date: string; region: string; service: string; entry: Entry } | undefined;

  get(accessKeyId: string, secret: string, date: string, region: string, service: string): SigningKey {
    const last = this.last;
    if (
      last !== undefined && last.accessKeyId === accessKeyId && last.entry.secret === secret
      && last.date === date && last.region === region && last.service === service
    ) {
      return last.entry;
    }
    const id = `${accessKeyId}\n${date}\n${region}\n${service}`;
    let entry = this.entries.get(id);
    if (entry && entry.secret === secret) {
      this.entries.delete(id);
      this.entries.set(id, entry);
    } else {
      const key = deriveSigningKey(secret, date, region, service);
      entry = { secret, key, ...pads(key) };
      this.entries.delete(id);
      this.entries.set(id, entry);
      // MAX_ENTRIES > 1, so the entry evicted here is never the one just set (`last`).
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    }
    this.last = { accessKeyId, date, region, service, entry };
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Keys of access keys that exist. */
const knownKeys = new SigningKeyCache();
/** Stand-in keys for key ids that do not exist (verify.ts). */
export const standInKeys = new SigningKeyCache();

export function signingKey(accessKeyId: string, secret: string, date: string, region: string, service: string): Buffer {
  return knownKeys.get(accessKeyId, secret, date, region, service).key;
}

export function signingKeyWithPads(accessKeyId: string, secret: string, date: string, region: string, service: string): SigningKey {
  return knownKeys.get(accessKeyId, secret, date, region, service);
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

/** The pads of a key no longer than one block (a signing key is a 32-byte HMAC-SHA256). */
export function pads(key: Buffer): { innerPad: Buffer; outerPad: Buffer } {
  if (key.length > BLOCK) throw new RangeError('HMAC key longer than the SHA-256 block');
  const innerPad = Buffer.alloc(BLOCK, 0x36);
  const outerPad = Buffer.alloc(BLOCK, 0x5c);
  for (let i = 0; i < key.length; i++) {
    innerPad[i] = 0x36 ^ key[i]!;
    outerPad[i] = 0x5c ^ key[i]!;
  }
  return { innerPad, outerPad };
}

/** Scratch for the two hashed inputs; verification is synchronous, so one of each suffices. */
let inner = Buffer.allocUnsafe(1024);
const outer = Buffer.allocUnsafe(BLOCK + 32);

/** HMAC-SHA256(key, utf8(data)), as a 32-character latin1 ('binary') string: one char per byte, no Buffer. */
export function hmacWithPads(key: SigningKey, data: string): string {
  // At most 3 UTF-8 bytes per UTF-16 code unit. A string to sign is ~150 bytes; a huge one
  // (a client can put anything in its credential scope) gets its own buffer, not a kept one.
  const room = BLOCK + data.length * 3;
  let buf = inner;
  if (buf.length < room) {
    buf = Buffer.allocUnsafe(room);
    if (room <= 8192) inner = buf;
  }
  key.innerPad.copy(buf, 0);
  const n = buf.write(data, BLOCK, 'utf8');
  const innerHash = sha256(buf.subarray(0, BLOCK + n), 'binary');
  key.outerPad.copy(outer, 0);
  outer.write(innerHash, BLOCK, 'latin1');
  return sha256(outer, 'binary');
}

/** For tests: entries of the real keys' cache and of the stand-ins'. */
export function signingKeyCacheSize(): { known: number; standIn: number } {
  return { known: knownKeys.size, standIn: standInKeys.size };
}
