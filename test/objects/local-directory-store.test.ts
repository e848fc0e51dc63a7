/**
 * LocalDirectoryObjectStore: the shared contract, plus what only a directory can get wrong:
 * files a person can browse, escaped keys that never leave the bucket, refused keys, hand-made
 * files, a publish interrupted between its renames, and cleanup.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDirectoryObjectStore } from '../../src/objects/local/local-directory-store.ts';
import { objectStoreContract } from './support/object-store-contract.ts';

const root = mkdtempSync(join(tmpdir(), 'healthtrail-objects-'));
after(() => rmSync(root, { recursive: true, force: true }));

objectStoreContract('local directory', { store: () => new LocalDirectoryObjectStore(root) });

const meta = { userMetadata: {} };

describe('LocalDirectoryObjectStore', () => {
  const store = new LocalDirectoryObjectStore(root);

  it('keeps s3://bucket/key at <root>/bucket/key, metadata out of the way', async () => {
    await store.createBucket('browse');
    await store.put('browse', 'AWSLogs/123456789012/CloudTrail/file.json.gz', Buffer.from('gz'), { userMetadata: { a: 'b' } });
    assert.equal(readFileSync(join(root, 'browse/AWSLogs/123456789012/CloudTrail/file.json.gz'), 'utf8'), 'gz');
    assert.deepEqual(readdirSync(join(root, 'browse')), ['AWSLogs']);
  });

  it('never writes outside the bucket directory, whatever the key', async () => {
    await store.createBucket('traversal');
    for (const key of ['../escape', '../../escape2', 'a/../../../escape3', '.', '/']) {
      await store.put('traversal', key, Buffer.from(key), meta);
      assert.equal((await store.head('traversal', key))?.size, Buffer.byteLength(key), key);
    }
    assert.equal(existsSync(join(root, 'escape')), false);
    assert.equal(existsSync(join(root, '..', 'escape2')), false);
    assert.equal(existsSync(join(root, 'traversal', '..', 'escape')), false);
    assert.equal(readFileSync(join(root, 'traversal', '.~%2E%2E', 'escape'), 'utf8'), '../escape');
    const keys = (await store.list('traversal', { maxKeys: 100 })).objects.map((o) => o.key);
    assert.equal(keys.length, 5);
  });

  it('refuses a key that would be both an object and a directory', async () => {
    await store.createBucket('conflict');
    await store.put('conflict', 'a/b', Buffer.from('file'), meta);
    await assert.rejects(store.put('conflict', 'a/b/c', Buffer.from('under'), meta),
      (e: { code?: string; status?: number; message?: string }) => e.code === 'KeyPathConflict' && e.status === 409 && /'a\/b' is an object/.test(e.message!));
    await store.put('conflict', 'x/y/z', Buffer.from('deep'), meta);
    await assert.rejects(store.put('conflict', 'x/y', Buffer.from('over'), meta), { code: 'KeyPathConflict' });
    // Folder markers are fine beside their contents.
    await store.put('conflict', 'x/', Buffer.alloc(0), meta);
    assert.equal((await store.head('conflict', 'x/'))?.size, 0);
    assert.equal((await store.head('conflict', 'x/y/z'))?.size, 4);
  });

  it('refuses a key part longer than a file name', async () => {
    await store.createBucket('long');
    await assert.rejects(store.put('long', `dir/${'n'.repeat(300)}`, Buffer.from('x'), meta), { code: 'KeyTooLongError' });
    await store.put('long', `dir/${'n'.repeat(255)}`, Buffer.from('x'), meta);
  });

  it('lists a file copied in by hand, with its MD5 as ETag', async () => {
    await store.createBucket('byhand');
    mkdirSync(join(root, 'byhand/in'), { recursive: true });
    writeFileSync(join(root, 'byhand/in/file.txt'), 'hand made');
    const listed = await store.list('byhand', { maxKeys: 10 });
    const md5 = createHash('md5').update('hand made').digest('hex');
    assert.deepEqual(listed.objects.map((o) => [o.key, o.etag]), [['in/file.txt', `"${md5}"`]]);
  });

  it('finishes a publish interrupted between its two renames', async () => {
    await store.createBucket('crash');
    const staged = await store.stage('crash', 'k', Buffer.from('new bytes'), { userMetadata: { v: 'new' } });
    // As if the process died after moving the sidecar but before moving the bytes.
    mkdirSync(join(root, '.meta/crash'), { recursive: true });
    renameSync(join(root, '.staging', `${staged.id}.json`), join(root, '.meta/crash/k'));
    const restarted = new LocalDirectoryObjectStore(root);
    await restarted.publish(staged);
    const head = await restarted.head('crash', 'k');
    assert.deepEqual(head?.userMetadata, { v: 'new' });
    assert.equal(head?.size, 9);
  });

  it('sweeps staged leftovers it is not told to keep', async () => {
    const sweeper = new LocalDirectoryObjectStore(root, () => Date.now() + 3_600_000);
    await store.createBucket('sweep');
    const kept = await store.stage('sweep', 'kept', Buffer.from('1'), meta);
    await store.stage('sweep', 'lost', Buffer.from('2'), meta);
    assert.equal(await sweeper.sweepStaged(new Set([kept.id]), 60_000), 2);
    await store.publish(kept);
    assert.equal((await store.head('sweep', 'kept'))?.size, 1);
  });

  it('removes directories a delete leaves empty, and the bucket when empty', async () => {
    await store.createBucket('tidy');
    await store.put('tidy', 'p/q/r', Buffer.from('x'), meta);
    await store.delete('tidy', 'p/q/r');
    assert.deepEqual(readdirSync(join(root, 'tidy')), []);
    await store.deleteBucket('tidy');
    assert.equal(existsSync(join(root, 'tidy')), false);
    assert.equal(existsSync(join(root, '.meta/tidy')), false);
  });
});
