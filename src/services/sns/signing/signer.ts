/**
 * Signs SNS messages with the server's persistent key: SHA1withRSA for SignatureVersion 1,
 * SHA256withRSA for 2. The key and certificate are made on first use and kept in SQLite, so a
 * certificate URL handed to subscribers stays valid across restarts.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { Db } from '../../../storage/db.ts';
import type { Clock } from '../../../core/clock.ts';
import { generateSigningMaterial, type SigningMaterial } from './certificate.ts';
import { stringToSign, type SignableMessage } from './string-to-sign.ts';

export const SIGNATURE_VERSIONS = ['1', '2'] as const;
export type SignatureVersion = (typeof SIGNATURE_VERSIONS)[number];

const DIGEST: Record<SignatureVersion, string> = { 1: 'sha1', 2: 'sha256' };

/** Path of the certificate under the server's public URL. */
export function certificatePath(id: string): string {
  return `/sns/SimpleNotificationService-${id}.pem`;
}

export const CERTIFICATE_PATH = /^\/sns\/SimpleNotificationService-([0-9a-f]{32})\.pem$/;

export interface LoadedKey {
  material: SigningMaterial;
  key: KeyObject;
}

export class MessageSigner {
  private loading: Promise<LoadedKey> | undefined;

  constructor(private readonly db: Db, private readonly clock: Clock) {}

  /** The signing key, made and stored the first time it is needed. */
  key(): Promise<LoadedKey> {
    this.loading ??= this.loadOrCreate().catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  async sign(message: SignableMessage, version: SignatureVersion): Promise<{ signature: string; certificateId: string }> {
    const { material, key } = await this.key();
    const signature = sign(DIGEST[version], Buffer.from(stringToSign(message), 'utf8'), key).toString('base64');
    return { signature, certificateId: material.id };
  }

  /** A stored certificate by id (every certificate ever used stays servable). */
  certificate(id: string): string | undefined {
    const row = this.db.stmt('SELECT certificate_pem FROM sns_signing_certificates WHERE id = ?').get(id) as { certificate_pem: string } | undefined;
    return row?.certificate_pem;
  }

  private async loadOrCreate(): Promise<LoadedKey> {
    let material = this.newest();
    if (!material) {
      const made = await generateSigningMaterial(this.clock.now());
      this.db.transaction(() => {
        // Another caller may have stored one meanwhile; the first stored stays the one in use.
        if (!this.newest()) {
          this.db.stmt('INSERT INTO sns_signing_certificates (id, private_key_pem, certificate_pem, created_at) VALUES (?, ?, ?, ?)')
            .run(made.id, made.privateKeyPem, made.certificatePem, this.clock.now().getTime());
        }
      });
      material = this.newest()!;
    }
    return { material, key: createPrivateKey(material.privateKeyPem) };
  }

  private newest(): SigningMaterial | undefined {
    const row = this.db.stmt('SELECT id, private_key_pem, certificate_pem FROM sns_signing_certificates ORDER BY created_at DESC, id LIMIT 1')
      .get() as { id: string; private_key_pem: string; certificate_pem: string } | undefined;
    return row && { id: row.id, privateKeyPem: row.private_key_pem, certificatePem: row.certificate_pem };
  }
}
