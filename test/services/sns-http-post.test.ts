/** Posting to subscriber endpoints that misbehave: silence, redirects, endless bodies, dead ports. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { postToEndpoint } from '../../src/services/sns/delivery/http-post.ts';

let server: Server;
let base: string;
let redirectTargetHits = 0;

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.url === '/silent') return; // never answers
    if (req.url === '/redirect') return void res.writeHead(302, { location: '/target' }).end();
    if (req.url === '/target') {
      redirectTargetHits++;
      return void res.writeHead(200).end();
    }
    if (req.url === '/endless') {
      res.writeHead(200);
      const spew = () => { if (!res.destroyed) res.write(Buffer.alloc(64 * 1024), spew); };
      return spew();
    }
    res.writeHead(req.url === '/fail' ? 500 : 204).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const never = new AbortController().signal;

test('2xx is success; other statuses are failures', async () => {
  assert.deepEqual(await postToEndpoint(`${base}/ok`, {}, 'x', 5000, never), { ok: true, status: 204 });
  assert.deepEqual(await postToEndpoint(`${base}/fail`, {}, 'x', 5000, never), { ok: false, status: 500, error: 'HTTP 500' });
});

test('an endpoint that never answers is abandoned at the deadline', async () => {
  const result = await postToEndpoint(`${base}/silent`, {}, 'x', 200, never);
  assert.equal(result.ok, false);
  assert.match(result.error!, /no response within 200 ms/);
});

test('redirects are not followed', async () => {
  const result = await postToEndpoint(`${base}/redirect`, {}, 'x', 5000, never);
  assert.deepEqual(result, { ok: false, status: 302, error: 'redirect (302) not followed' });
  assert.equal(redirectTargetHits, 0);
});

test('an endless response body is not read', async () => {
  assert.deepEqual(await postToEndpoint(`${base}/endless`, {}, 'x', 5000, never), { ok: true, status: 200 });
});

test('stopping aborts a post in flight; unreachable and malformed endpoints fail cleanly', async () => {
  const stop = new AbortController();
  const pending = postToEndpoint(`${base}/silent`, {}, 'x', 60_000, stop.signal);
  stop.abort();
  assert.equal((await pending).ok, false);
  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  assert.equal((await postToEndpoint(`http://127.0.0.1:${port}/`, {}, 'x', 5000, never)).ok, false);
  assert.deepEqual(await postToEndpoint('not a url', {}, 'x', 5000, never), { ok: false, error: 'endpoint is not a valid URL' });
});
