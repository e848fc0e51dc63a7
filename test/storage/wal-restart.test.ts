/**
 * The WAL stays bounded under a writer that is never idle (checkpointer.ts): without the
 * writer's own catch-up checkpoint, every write transaction began with frames the checkpointer
 * thread had not copied yet, SQLite never wrote the log from its start again, and the -wal file
 * grew by everything ever written (about 200 MB a minute of audited reads).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Db } from '../../src/storage/db.ts';

/** The WAL header's checkpoint sequence number: SQLite adds one each time it writes the log
 * from its start again (https://www.sqlite.org/fileformat.html#wal_file_format). */
function walRestarts(file: string): number {
  const fd = openSync(`${file}-wal`, 'r');
  try {
    const header = Buffer.alloc(16);
    readSync(fd, header, 0, 16, 0);
    return header.readUInt32BE(12);
  } finally {
    closeSync(fd);
  }
}

describe('WAL restart under continuous writes', () => {
  let dir: string;
  let db: Db;
  let file: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'healthtrail-wal-restart-'));
    // A short log (256 frames, 1 MiB) checked every 20 ms, so a few seconds of writes are many
    // times its length.
    file = join(dir, 'healthtrail.db');
    db = new Db(file, { walRestartFrames: 256, checkpointIntervalMs: 20 });
    db.sql.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  });

  after(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the log from its start again while writes keep coming', async () => {
    const body = Buffer.alloc(512, 7);
    const insert = db.stmt('INSERT INTO rows (body) VALUES (?)');
    let commits = 0;
    await db.batched(() => insert.run(body));
    const restartsBefore = walRestarts(file);
    const until = Date.now() + 2000;
    // Four clients, each sending its next write as soon as the last is committed: some batch is
    // always open or about to open, as under load.
    const client = async () => {
      let mine = 0;
      while (Date.now() < until) {
        await db.batched(() => insert.run(body));
        mine++;
      }
      return mine;
    };
    commits = 1 + (await Promise.all([client(), client(), client(), client()])).reduce((a, b) => a + b);
    // About 2 MiB of log a second even on a slow machine: the 1 MiB log is due for a restart
    // many times over. Without the writer's catch-up checkpoint it is never restarted.
    const restarts = walRestarts(file) - restartsBefore;
    assert.ok(restarts >= 3, `the log was restarted ${restarts} times in ${commits} writes`);
    const { n } = db.sql.prepare('SELECT count(*) AS n FROM rows').get() as { n: number };
    assert.equal(n, commits, 'every committed write is there');
  });

  it('never keeps the process alive: a Db nobody closes lets its process end', () => {
    const script = join(dir, 'left-open.mts');
    writeFileSync(script, `import { Db } from ${JSON.stringify(new URL('../../src/storage/db.ts', import.meta.url).href)};
      const db = new Db(${JSON.stringify(join(dir, 'left-open.db'))});
      await db.batched(() => db.sql.exec('CREATE TABLE t (v)'));\n`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { timeout: 30_000, encoding: 'utf8' });
    assert.equal(run.signal, null, 'the process ended by itself');
    assert.equal(run.status, 0, run.stderr);
  });

  it('cuts a long log left by a process that died before it opens for calls', async () => {
    // A process writes 24 MiB of log with its checkpoints off and is killed (as a crash or an
    // unclosed bulk load leaves it). Cutting such a log inside the first commit that restarted
    // it stalled every call for as long as ftruncate took (up to 0.9 s for 1.4 GB).
    const crashed = join(dir, 'crashed.db');
    const writer = join(dir, 'crash-writer.cjs');
    writeFileSync(writer, `const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))});
      const db = new Database(${JSON.stringify(crashed)});
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0');
      db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
      const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
      for (let i = 0; i < 24; i++) db.transaction(() => { for (let j = 0; j < 256; j++) insert.run(Buffer.alloc(4000, i)); })();
      process.kill(process.pid, 'SIGKILL');\n`);
    const run = spawnSync(process.execPath, [writer], { timeout: 60_000 });
    assert.equal(run.signal, 'SIGKILL', String(run.stderr));
    assert.ok(statSync(`${crashed}-wal`).size > 24 * 2 ** 20, 'the dead process left its log long');

    const reopened = new Db(crashed);
    try {
      assert.equal(statSync(`${crashed}-wal`).size, 0, 'the log is cut at open');
      const { n } = reopened.sql.prepare('SELECT count(*) AS n FROM rows').get() as { n: number };
      assert.equal(n, 24 * 256, 'every committed row is there');
    } finally {
      await reopened.close();
    }
  });
});
