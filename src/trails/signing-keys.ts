/**
 * Digest signing keys (spec/cloudtrail.md §3.5, §3.6): one RSA-2048 key pair per region, valid
 * for 30 days, then replaced; every key is kept forever so ListPublicKeys can return the key of
 * any past digest. The public key is PKCS#1 DER and the fingerprint its MD5 in hex, as awscli's
 * validate-logs expects.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Db } from '../storage/db.ts';

export const KEY_VALIDITY_SECONDS = 30 * 86_400;
/** A replacement key is made this long before the current one expires. */
const RENEW_BEFORE_SECONDS = 86_400;
const generateKeyPairAsync = promisify(generateKeyPair);

export interface SigningKey {
  fingerprint: string;
  privateKey: KeyObject;
  validFrom: number;
  validTo: number;
}

export interface PublicKeyInfo {
  value: Buffer;
  validFrom: number;
  validTo: number;
  fingerprint: string;
}

interface KeyRow { fingerprint: string; private_key_pem: string; public_key_der: Buffer; valid_from: number; valid_to: number }

export function publicKeyDer(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ type: 'pkcs1', format: 'der' });
}

export function fingerprintOf(der: Buffer): string {
  return createHash('md5').update(der).digest('hex');
}

export class SigningKeys {
  private readonly loaded = new Map<string, KeyObject>();

  constructor(private readonly db: Db) {}

  /** The key that signs in `region` at `now` (epoch seconds). Made here, blocking, only when
   * prepare() has not run (the first ListPublicKeys of a region). */
  current(region: string, now: number): SigningKey {
    const row = this.validAt(region, now);
    if (row) return { fingerprint: row.fingerprint, privateKey: this.privateKey(row), validFrom: row.valid_from, validTo: row.valid_to };
    return this.store(region, now, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  }

  /** Makes the region's next key off the event loop when none is valid a day from now (an RSA
   * key takes up to a second to generate). */
  async prepare(region: string, now: number): Promise<void> {
    if (this.validAt(region, now + RENEW_BEFORE_SECONDS)) return;
    const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
    if (!this.validAt(region, now + RENEW_BEFORE_SECONDS)) this.store(region, now, privateKey);
  }

  private validAt(region: string, at: number): KeyRow | undefined {
    return this.db.stmt(
      'SELECT * FROM trail_signing_keys WHERE region = ? AND valid_from <= ? AND valid_to > ? ORDER BY valid_from DESC LIMIT 1',
    ).get(region, at, at) as KeyRow | undefined;
  }

  private store(region: string, now: number, privateKey: KeyObject): SigningKey {
    const der = publicKeyDer(privateKey);
    const key: SigningKey = { fingerprint: fingerprintOf(der), privateKey, validFrom: now, validTo: now + KEY_VALIDITY_SECONDS };
    this.db.stmt(
      'INSERT INTO trail_signing_keys (region, fingerprint, private_key_pem, public_key_der, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(region, key.fingerprint, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, der, key.validFrom, key.validTo);
    this.loaded.set(key.fingerprint, privateKey);
    return key;
  }

  /** Keys of `region` whose validity window meets [start, end], oldest first. */
  publicKeys(region: string, start: number, end: number): PublicKeyInfo[] {
    return (this.db.stmt(
      'SELECT * FROM trail_signing_keys WHERE region = ? AND valid_from <= ? AND valid_to >= ? ORDER BY valid_from',
    ).all(region, end, start) as KeyRow[]).map((r) => ({
      value: r.public_key_der, validFrom: r.valid_from, validTo: r.valid_to, fingerprint: r.fingerprint,
    }));
  }

  private privateKey(row: KeyRow): KeyObject {
    let key = this.loaded.get(row.fingerprint);
    if (!key) {
      key = createPrivateKey(row.private_key_pem);
      this.loaded.set(row.fingerprint, key);
    }
    return key;
  }
}
