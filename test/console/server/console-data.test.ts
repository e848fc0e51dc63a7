/**
 * The console's data routes: the FHIR proxy (recorded like a SigV4 FHIR call, with the console's
 * user agent), object downloads (GetObject as an attachment, a recorded data event) and the
 * Event history watch (Server-Sent Events for other principals' events, never the session's own).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { HealthLakeClient, CreateFHIRDatastoreCommand, DescribeFHIRDatastoreCommand, ListFHIRDatastoresCommand } from '@aws-sdk/client-healthlake';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startServer, type RunningServer } from '../../../src/server.ts';
import { clientOptions, ROOT, tempDataDir, testConfig } from '../../helpers/server.ts';
import { s3Client } from '../../helpers/s3.ts';
import { ConsoleClient } from './console-client.ts';

function recordsFor(server: RunningServer, where: string, ...args: unknown[]): Record<string, any>[] {
  return (server.db.sql.prepare(`SELECT record FROM events WHERE ${where} ORDER BY seq`).all(...args) as { record: string }[]).map((r) => JSON.parse(r.record));
}

/** Collects what an SSE response sends, for the test to look at. */
class EventStreamReader {
  text = '';
  ended = false;
  private readonly done: Promise<void>;

  constructor(res: Response) {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    this.done = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          this.text += decoder.decode(value, { stream: true });
        }
      } catch {
        // aborted
      }
      this.ended = true;
    })();
  }

  notices(): { latestEventTime: number }[] {
    return [...this.text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!));
  }

  async waitFor(test: () => boolean, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`timed out; stream so far: ${JSON.stringify(this.text)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  finished(): Promise<void> {
    return this.done;
  }
}

describe('console data routes', () => {
  let server: RunningServer;
  let dataDir: string;
  let c: ConsoleClient;
  let datastoreId: string;

  before(async () => {
    dataDir = tempDataDir();
    server = await startServer(testConfig(dataDir), { consoleWatch: { pollMs: 100, heartbeatMs: 300 } });
    const hl = new HealthLakeClient(clientOptions(server));
    datastoreId = (await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'proxy' }))).DatastoreId!;
    await hl.send(new DescribeFHIRDatastoreCommand({ DatastoreId: datastoreId }));
    c = new ConsoleClient(server.consoleUrl);
    assert.equal((await c.signIn({ method: 'access-key', ...ROOT })).status, 200);
  });

  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('FHIR create and read through the proxy, recorded as console calls', async () => {
    const base = `/console/api/fhir/${datastoreId}/r4`;
    const created = await c.request('POST', `${base}/Patient`, {
      rawBody: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Console', given: ['Casey'] }] }), contentType: 'application/fhir+json',
    });
    assert.equal(created.status, 201, created.text);
    const id = created.json.id as string;
    const read = await c.request('GET', `${base}/Patient/${id}`);
    assert.equal(read.status, 200);
    assert.equal(read.json.name[0].family, 'Console');
    assert.match(read.headers.get('content-type')!, /application\/fhir\+json/);
    const search = await c.request('GET', `${base}/Patient?family=Console`);
    assert.equal(search.status, 200);
    assert.equal(search.json.resourceType, 'Bundle');

    const records = recordsFor(server, `event_source = 'healthlake.amazonaws.com' AND event_name IN ('CreateResource', 'ReadResource')`);
    assert.equal(records.length, 2);
    for (const r of records) {
      assert.equal(r.userAgent, 'console.amazonaws.com');
      assert.equal(r.sessionCredentialFromConsole, 'true');
      assert.equal(r.tlsDetails, undefined);
      assert.equal(r.sourceIPAddress, '127.0.0.1');
      assert.equal(r.userIdentity.accessKeyId, c.session!.accessKeyId);
      assert.equal(r.requestParameters.datastoreId, datastoreId);
      assert.ok(!JSON.stringify(r).includes('Casey'), 'no resource content in the record');
    }

    const noCsrf = await c.request('GET', `${base}/Patient/${id}`, { csrf: false });
    assert.equal(noCsrf.status, 403);
    const form = await c.request('POST', `${base}/Patient`, { rawBody: 'a=b', contentType: 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
    const missing = await c.request('GET', `/console/api/fhir/0000000000000000000000000000dead/r4/Patient/x`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.resourceType, 'OperationOutcome');
  });

  it('downloads an object as an attachment, recorded as a GetObject data event', async () => {
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'console-downloads' }));
    const bytes = Buffer.from('<html><script>alert(1)</script></html>\n');
    await s3.send(new PutObjectCommand({ Bucket: 'console-downloads', Key: 'AWSLogs/file one.html', Body: bytes, ContentType: 'text/html' }));
    const url = `/console/api/s3-object?bucket=console-downloads&key=${encodeURIComponent('AWSLogs/file one.html')}`;
    const res = await fetch(`${server.consoleUrl}${url}`, { headers: { cookie: c.cookie!, 'x-csrf-token': c.session!.csrfToken } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.match(res.headers.get('content-disposition')!, /^attachment; filename="file one.html"/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);

    // The CSRF token may come as a query parameter (a download link carries no headers).
    const viaQuery = await fetch(`${server.consoleUrl}${url}&csrf=${encodeURIComponent(c.session!.csrfToken)}`, { headers: { cookie: c.cookie! } });
    assert.equal(viaQuery.status, 200);
    await viaQuery.arrayBuffer();
    const noToken = await fetch(`${server.consoleUrl}${url}`, { headers: { cookie: c.cookie! } });
    assert.equal(noToken.status, 403);

    const missing = await c.request('GET', '/console/api/s3-object?bucket=console-downloads&key=nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'NoSuchKey');
    const noKey = await c.request('GET', '/console/api/s3-object?bucket=console-downloads');
    assert.equal(noKey.status, 400);

    const gets = recordsFor(server, `event_name = 'GetObject' AND access_key_id = ?`, c.session!.accessKeyId);
    assert.ok(gets.length >= 2);
    assert.equal(gets[0]!.eventCategory, 'Data');
    assert.equal(gets[0]!.userAgent, 'console.amazonaws.com');
    assert.equal(gets[0]!.sessionCredentialFromConsole, 'true');
  });

  it('the event watch tells of other principals\u2019 events, not the session\u2019s own, and ends with the session', async () => {
    const watcher = new ConsoleClient(server.consoleUrl);
    assert.equal((await watcher.signIn({ method: 'access-key', ...ROOT })).status, 200);
    const headers = { cookie: watcher.cookie!, 'x-csrf-token': watcher.session!.csrfToken };
    const res = await fetch(`${server.consoleUrl}/console/api/events/watch?region=us-east-1`, { headers });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const stream = new EventStreamReader(res);

    // The session's own calls never notify.
    assert.equal((await watcher.call('healthlake', 'ListFHIRDatastores')).status, 200);
    assert.equal((await watcher.call('healthlake', 'CreateFHIRDatastore', { DatastoreTypeVersion: 'R4', DatastoreName: 'mine' })).status, 200);
    await stream.waitFor(() => (stream.text.match(/: heartbeat/g) ?? []).length >= 2);
    assert.deepEqual(stream.notices(), []);

    // Another principal's call (the root key over SigV4) does.
    const before = Date.now();
    await new HealthLakeClient(clientOptions(server)).send(new ListFHIRDatastoresCommand({}));
    await stream.waitFor(() => stream.notices().length > 0);
    const [notice] = stream.notices();
    assert.ok(notice!.latestEventTime >= Math.floor(before / 1000) * 1000 - 1000);

    // At most three watchers per session.
    const extra = await Promise.all([1, 2].map(() => fetch(`${server.consoleUrl}/console/api/events/watch`, { headers })));
    for (const r of extra) assert.equal(r.status, 200);
    const fourth = await fetch(`${server.consoleUrl}/console/api/events/watch`, { headers });
    assert.equal(fourth.status, 429);
    assert.equal((await fourth.json() as { error: { code: string } }).error.code, 'TooManyWatchers');
    for (const r of extra) await r.body!.cancel();

    const noCsrf = await fetch(`${server.consoleUrl}/console/api/events/watch`, { headers: { cookie: watcher.cookie! } });
    assert.equal(noCsrf.status, 403);

    // Signing out ends the stream.
    assert.equal((await watcher.request('POST', '/console/api/sign-out')).status, 204);
    await stream.finished();
    assert.ok(stream.ended);
  });
});
