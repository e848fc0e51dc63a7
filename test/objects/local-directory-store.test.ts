/**
 * LocalDirectoryObjectStore: the shared contract, plus what only a directory can get wrong:
 * files a person can browse, escaped keys that never leave the bucket, refused keys, hand-made
 * files, a publish interrupted between its renames, and cleanup.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

describe('LocalDirectoryObjectStore: joined (multipart) objects', () => {
  const store = new LocalDirectoryObjectStore(root);
  const MiB = 1024 * 1024;
  let n = 0;

  async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  /** Part objects in `bucket` and a staged object joined from them, as CompleteMultipartUpload makes. */
  async function stageJoined(bucket: string, key: string, bodies: Buffer[]) {
    const prefix = `parts-${++n}`;
    const parts = [];
    for (const [i, body] of bodies.entries()) {
      const info = await store.put(bucket, `${prefix}/${i + 1}`, body, meta);
      parts.push({ bucket, key: `${prefix}/${i + 1}`, size: body.length, etag: info.etag });
    }
    const staged = await store.stageJoined(bucket, key, parts, { userMetadata: { joined: 'yes' } }, { etag: `"joined-${n}-${bodies.length}"` });
    return { staged, parts };
  }

  const groups = () => (existsSync(join(root, '.parts')) ? readdirSync(join(root, '.parts')).sort() : []);
  const staging = () => (existsSync(join(root, '.staging')) ? readdirSync(join(root, '.staging')) : []);

  async function eventually(check: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(check(), what);
  }

  it('keeps the part files themselves (hard links, no byte copied) and a short text at the key', async () => {
    await store.createBucket('joined');
    const bodies = [Buffer.alloc(5 * MiB, 1), Buffer.alloc(5 * MiB, 2), Buffer.from('end')];
    const { staged, parts } = await stageJoined('joined', 'big.bin', bodies);
    await store.publish(staged);
    const group = join(root, '.parts', staged.id);
    assert.deepEqual(readdirSync(group).sort(), ['1', '2', '3', 'owner.json']);
    parts.forEach((p, i) => {
      const linked = statSync(join(group, String(i + 1)));
      assert.equal(linked.ino, statSync(join(root, 'joined', p.key)).ino, 'the uploaded part file itself');
      assert.equal(linked.nlink, 2);
    });
    const stub = readFileSync(join(root, 'joined/big.bin'), 'utf8');
    assert.match(stub, /s3:\/\/joined\/big\.bin, uploaded in 3 parts/);
    assert.match(stub, new RegExp(`\\.parts/${staged.id}/`));
    for (const p of parts) await store.delete('joined', p.key);
    assert.equal(statSync(join(group, '1')).nlink, 1);
    assert.ok((await bytesOf((await store.get('joined', 'big.bin'))!.body)).equals(Buffer.concat(bodies)));
  });

  it('serves an empty object joined from one empty part', async () => {
    const { staged } = await stageJoined('joined', 'empty', [Buffer.alloc(0)]);
    await store.publish(staged);
    const got = await store.get('joined', 'empty');
    assert.equal(got?.info.size, 0);
    assert.equal((await bytesOf(got!.body)).length, 0);
  });

  it('removes the part files when the object is overwritten (plain or joined) or deleted', async () => {
    await store.createBucket('replace');
    const first = await stageJoined('replace', 'k', [Buffer.alloc(5 * MiB, 7), Buffer.from('a')]);
    await store.publish(first.staged);
    assert.ok(groups().includes(first.staged.id));
    const second = await stageJoined('replace', 'k', [Buffer.alloc(5 * MiB, 8), Buffer.from('b')]);
    await store.publish(second.staged);
    assert.ok(!groups().includes(first.staged.id), 'the replaced object\'s parts are gone');
    assert.ok(groups().includes(second.staged.id));
    await store.put('replace', 'k', Buffer.from('plain now'), meta);
    assert.ok(!groups().includes(second.staged.id));
    assert.equal(await text((await store.get('replace', 'k'))!.body), 'plain now');

    const third = await stageJoined('replace', 'gone', [Buffer.from('x')]);
    await store.publish(third.staged);
    await store.delete('replace', 'gone');
    assert.ok(!groups().includes(third.staged.id));
    assert.equal(await store.get('replace', 'gone'), undefined);
    assert.equal(existsSync(join(root, 'replace', 'gone')), false);
  });

  it('lets a reader finish the bytes it began with while the object is deleted or replaced', async () => {
    await store.createBucket('readers');
    const old = [Buffer.alloc(5 * MiB, 3), Buffer.alloc(3 * MiB, 4)];
    const { staged } = await stageJoined('readers', 'k', old);
    await store.publish(staged);
    const reading = await store.get('readers', 'k', () => ({ start: 5 * MiB - 10, end: 8 * MiB - 1 }));
    const whole = await store.get('readers', 'k');
    await store.delete('readers', 'k');
    assert.equal(await store.get('readers', 'k'), undefined);
    assert.ok(groups().includes(staged.id), 'kept while read');
    assert.ok((await bytesOf(reading!.body)).equals(Buffer.concat(old).subarray(5 * MiB - 10)));
    assert.ok(groups().includes(staged.id), 'one reader still reads');
    const replacement = await stageJoined('readers', 'k', [Buffer.from('new')]);
    await store.publish(replacement.staged);
    assert.ok((await bytesOf(whole!.body)).equals(Buffer.concat(old)));
    await eventually(() => !groups().includes(staged.id), 'removed after its last reader');
    assert.equal(await text((await store.get('readers', 'k'))!.body), 'new');
  });

  it('lets go of the parts when a reader stops early (a client that hangs up)', async () => {
    const { staged } = await stageJoined('readers', 'abandoned', [Buffer.alloc(5 * MiB, 1), Buffer.alloc(2 * MiB, 2)]);
    await store.publish(staged);
    const got = await store.get('readers', 'abandoned');
    await new Promise<void>((resolve) => got!.body.once('data', () => {
      got!.body.pause();
      resolve();
    }));
    await store.delete('readers', 'abandoned');
    assert.ok(groups().includes(staged.id), 'kept while read');
    got!.body.destroy();
    await eventually(() => !groups().includes(staged.id), 'removed once the reader is gone');
  });

  it('leaves nothing behind when a part no longer matches', async () => {
    await store.createBucket('changed');
    const before = staging().length;
    const bodies = [Buffer.alloc(5 * MiB, 5), Buffer.from('z')];
    const parts = [];
    for (const [i, body] of bodies.entries()) {
      const info = await store.put('changed', `p/${i}`, body, meta);
      parts.push({ bucket: 'changed', key: `p/${i}`, size: body.length, etag: info.etag });
    }
    parts[1]!.etag = '"00000000000000000000000000000000"';
    await assert.rejects(store.stageJoined('changed', 'k', parts, meta, { etag: '"x-2"' }), { name: 'PartChangedError' });
    assert.equal(staging().length, before);
  });

  it('a crash anywhere in publishing a joined object leaves the old object or the new one', async () => {
    await store.createBucket('crashy');
    const newBytes = [Buffer.alloc(5 * MiB, 9), Buffer.from('new tail')];
    // Crash points: after staging; after moving the group into place; after the sidecar rename.
    for (const step of ['staged', 'group placed', 'sidecar renamed'] as const) {
      const key = `k-${step.replace(' ', '-')}`;
      const old = await stageJoined('crashy', key, [Buffer.alloc(5 * MiB, 6), Buffer.from('old tail')]);
      await store.publish(old.staged);
      const { staged } = await stageJoined('crashy', key, newBytes);
      if (step !== 'staged') renameSync(join(root, '.staging', `${staged.id}.parts`), join(root, '.parts', staged.id));
      if (step === 'sidecar renamed') renameSync(join(root, '.staging', `${staged.id}.json`), join(root, '.meta/crashy', key));

      // The process died here. Before the sidecar moves, the old object is whole; after it,
      // start-up replays the publish before anything is served (S3's recover()).
      const restarted = new LocalDirectoryObjectStore(root);
      if (step !== 'sidecar renamed') {
        const during = await restarted.get('crashy', key);
        assert.ok((await bytesOf(during!.body)).equals(Buffer.concat([Buffer.alloc(5 * MiB, 6), Buffer.from('old tail')])), step);
      }

      // Start-up replays the owed publish, then sweeps.
      await restarted.publish(staged);
      await restarted.sweepStaged(new Set(), 60 * 60 * 1000);
      const after = await restarted.get('crashy', key);
      assert.ok((await bytesOf(after!.body)).equals(Buffer.concat(newBytes)), step);
      assert.equal(after!.info.etag, staged.info.etag);
      assert.ok(groups().includes(staged.id), step);
      assert.ok(!groups().includes(old.staged.id), `${step}: the replaced object's parts are removed (at once or by the sweep)`);
      assert.ok(!staging().some((name) => name.startsWith(staged.id)), step);
    }
  });

  it('sweeps part groups no object names (a crash between a replace and removing the old parts)', async () => {
    await store.createBucket('orphans');
    const { staged } = await stageJoined('orphans', 'k', [Buffer.from('kept')]);
    await store.publish(staged);
    const kept = join(root, '.parts', staged.id);
    // Copies of a live group: one claiming the same key, one a key that no longer exists, one
    // without an owner at all.
    const orphans = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'];
    for (const [i, id] of orphans.entries()) {
      mkdirSync(join(root, '.parts', id));
      writeFileSync(join(root, '.parts', id, '1'), 'orphan');
      if (i === 0) writeFileSync(join(root, '.parts', id, 'owner.json'), JSON.stringify({ bucket: 'orphans', key: 'k' }));
      if (i === 1) writeFileSync(join(root, '.parts', id, 'owner.json'), JSON.stringify({ bucket: 'orphans', key: 'deleted' }));
    }
    // And a group staged by a Complete that never committed, long ago.
    const abandoned = await stageJoined('orphans', 'never', [Buffer.from('lost')]);
    const sweeper = new LocalDirectoryObjectStore(root, () => Date.now() + 3_600_000);
    assert.ok(await sweeper.sweepStaged(new Set(), 60_000) >= 5);
    for (const id of orphans) assert.equal(existsSync(join(root, '.parts', id)), false, id);
    assert.ok(existsSync(kept));
    assert.ok(!staging().some((name) => name.startsWith(abandoned.staged.id)));
    assert.equal(await text((await store.get('orphans', 'k'))!.body), 'kept');
  });
});

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
