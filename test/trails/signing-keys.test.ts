/** Digest signing keys: PKCS#1 DER, MD5 fingerprints, replaced after 30 days, kept forever. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import { Db } from '../../src/storage/db.ts';
import { KEY_VALIDITY_SECONDS, SigningKeys } from '../../src/trails/signing-keys.ts';

describe('digest signing keys', () => {
  it('signs with a 2048-bit key whose PKCS#1 DER and MD5 fingerprint ListPublicKeys serves', () => {
    const keys = new SigningKeys(new Db(':memory:'));
    const key = keys.current('us-east-1', 1_000_000);
    const [listed] = keys.publicKeys('us-east-1', 1_000_000, 1_000_000);
    assert.ok(listed);
    assert.equal(listed.fingerprint, key.fingerprint);
    assert.equal(listed.fingerprint, createHash('md5').update(listed.value).digest('hex'));
    assert.match(listed.value.toString('base64'), /^MIIBCgKCAQEA/);
    const publicKey = createPublicKey({ key: listed.value, format: 'der', type: 'pkcs1' });
    const signature = sign('sha256', Buffer.from('data'), key.privateKey);
    assert.equal(signature.length, 256);
    assert.ok(verify('sha256', Buffer.from('data'), publicKey, signature));
    assert.equal(keys.current('us-east-1', 1_000_500).fingerprint, key.fingerprint, 'the same key within its validity');
    assert.deepEqual(keys.publicKeys('eu-west-1', 0, 2_000_000), [], 'keys are per region');
  });

  it('replaces a key after 30 days and keeps the old one for digests it signed', async () => {
    const keys = new SigningKeys(new Db(':memory:'));
    const first = keys.current('us-east-1', 1_000_000);
    const later = 1_000_000 + KEY_VALIDITY_SECONDS + 10;
    await keys.prepare('us-east-1', later);
    const second = keys.current('us-east-1', later);
    assert.notEqual(second.fingerprint, first.fingerprint);
    const all = keys.publicKeys('us-east-1', 1_000_000, later);
    assert.deepEqual(all.map((k) => k.fingerprint), [first.fingerprint, second.fingerprint]);
    assert.deepEqual(keys.publicKeys('us-east-1', later, later).map((k) => k.fingerprint), [second.fingerprint]);
  });
});
