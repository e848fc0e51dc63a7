/**
 * Issue 17 item 7: console sign-in cannot be brute-forced. Attempts are counted before the
 * password check, per user (from any address) and per source address; a throttled key answers
 * 429 with Retry-After until its window passes, even for the right password; past a short
 * queue of password checks the answer is 503 at once. Every attempt is still a ConsoleLogin.
 * Checks that reached scrypt are counted with passwordHashesStarted() (this process's server).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { CreateLoginProfileCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import type { Clock } from '../../../src/core/clock.ts';
import { startServer, type RunningServer } from '../../../src/server.ts';
import { passwordHashesStarted } from '../../../src/auth/identities/index.ts';
import { PER_SOURCE_ATTEMPTS, PER_USER_ATTEMPTS } from '../../../src/console/server/sign-in.ts';
import { clientOptions, tempDataDir, testConfig } from '../../helpers/server.ts';

const ACCOUNT = '123456789012';
const PASSWORD = 'Correct-Horse-9';

interface Answer {
  status: number;
  retryAfter: string | undefined;
}

/** A password sign-in sent from a given loopback address (the server's sourceIPAddress). */
function signInFrom(port: number, localAddress: string, userName: string, password: string): Promise<Answer> {
  const body = JSON.stringify({ method: 'password', accountId: ACCOUNT, userName, password });
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, localAddress, path: '/console/api/sign-in', method: 'POST', agent: false,
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function count(answers: Answer[], status: number): number {
  return answers.filter((a) => a.status === status).length;
}

describe('console sign-in limits', () => {
  let server: RunningServer;
  let dataDir: string;
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

  before(async () => {
    dataDir = tempDataDir();
    server = await startServer(testConfig(dataDir), { clock });
    const iam = new IAMClient(clientOptions(server));
    for (const name of ['alice', 'bob']) {
      await iam.send(new CreateUserCommand({ UserName: name }));
      await iam.send(new CreateLoginProfileCommand({ UserName: name, Password: PASSWORD }));
    }
  });

  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** ConsoleLogin records for a user name, as stored. */
  function consoleLogins(userName: string): Array<Record<string, any>> {
    const rows = server.db.sql.prepare(`SELECT record FROM events WHERE event_name = 'ConsoleLogin' ORDER BY seq`).all() as Array<{ record: string }>;
    return rows.map((r) => JSON.parse(r.record)).filter((r) => r.userIdentity.userName === userName);
  }

  it('200 concurrent wrong passwords from one source: at most the limit reach the password check', async () => {
    const hashesBefore = passwordHashesStarted();
    const recordsBefore = server.db.sql.prepare(`SELECT count(*) AS n FROM events WHERE event_name = 'ConsoleLogin'`).get() as { n: number };
    const answers = await Promise.all(Array.from({ length: 200 }, () => signInFrom(server.consolePort, '127.0.0.1', 'alice', 'Wrong-Guess-1')));
    assert.ok(passwordHashesStarted() - hashesBefore <= PER_USER_ATTEMPTS, `${passwordHashesStarted() - hashesBefore} checks`);
    assert.ok(count(answers, 401) <= PER_USER_ATTEMPTS);
    assert.equal(count(answers, 401) + count(answers, 429) + count(answers, 503), 200, JSON.stringify(answers.map((a) => a.status)));
    assert.ok(answers.filter((a) => a.status === 429).every((a) => Number(a.retryAfter) > 0));
    // Checked failures are recorded with the user's name; every attempt is recorded.
    assert.ok(consoleLogins('alice').length <= PER_USER_ATTEMPTS);
    const recordsAfter = server.db.sql.prepare(`SELECT count(*) AS n FROM events WHERE event_name = 'ConsoleLogin'`).get() as { n: number };
    assert.equal(recordsAfter.n - recordsBefore.n, 200);
  });

  it('40 sources x 10 wrong passwords on one user: the per-user limit applies', async () => {
    const hashesBefore = passwordHashesStarted();
    const sources = Array.from({ length: 40 }, (_, i) => `127.0.1.${i + 1}`);
    const answers = await Promise.all(sources.flatMap((ip) => Array.from({ length: 10 }, () => signInFrom(server.consolePort, ip, 'bob', 'Wrong-Guess-1'))));
    assert.ok(passwordHashesStarted() - hashesBefore <= PER_USER_ATTEMPTS, `${passwordHashesStarted() - hashesBefore} checks`);
    assert.ok(count(answers, 401) <= PER_USER_ATTEMPTS);
    assert.ok(count(answers, 429) >= 400 - PER_USER_ATTEMPTS - count(answers, 503));
    const sourcesSeen = new Set(consoleLogins('HIDDEN_DUE_TO_SECURITY_REASONS').map((r) => r.sourceIPAddress));
    assert.ok(sourcesSeen.size > 1, 'throttled attempts are recorded with their own source addresses');
  });

  it('the right password is refused while the user is throttled, and accepted once the window passes', async () => {
    const throttled = await signInFrom(server.consolePort, '127.0.2.1', 'bob', PASSWORD);
    assert.equal(throttled.status, 429);
    assert.ok(Number(throttled.retryAfter) > 0 && Number(throttled.retryAfter) <= 300);
    offsetMs += 5 * 60_000 + 1000;
    assert.equal((await signInFrom(server.consolePort, '127.0.2.1', 'bob', PASSWORD)).status, 200);
  });

  it('one source spraying many users is limited per source; a full queue of checks answers 503 at once', async () => {
    offsetMs += 5 * 60_000 + 1000;
    const hashesBefore = passwordHashesStarted();
    const users = Array.from({ length: PER_SOURCE_ATTEMPTS + 30 }, (_, i) => `sprayed-${i}`);
    const answers = await Promise.all(users.map((u) => signInFrom(server.consolePort, '127.0.3.1', u, 'Wrong-Guess-1')));
    assert.ok(passwordHashesStarted() - hashesBefore <= PER_SOURCE_ATTEMPTS, `${passwordHashesStarted() - hashesBefore} checks`);
    assert.equal(count(answers, 401) + count(answers, 429) + count(answers, 503), users.length, JSON.stringify(answers.map((a) => a.status)));
    assert.ok(answers.filter((a) => a.status === 503).every((a) => a.retryAfter === '1'));
    // Another address is not limited by it.
    assert.equal((await signInFrom(server.consolePort, '127.0.3.2', 'alice', PASSWORD)).status, 200);
  });
});
