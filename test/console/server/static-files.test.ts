/**
 * The console app's static files: the built app from an injected dist directory, SPA fallback,
 * cache and security headers, traversal attempts, and the 503 when nothing is built.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../../src/server.ts';
import { tempDataDir, testConfig } from '../../helpers/server.ts';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** A GET whose path is sent exactly as written (fetch would normalise the dots away). */
function rawGet(server: RunningServer, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.consolePort, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('console static files', () => {
  let root: string;
  let dataDir: string;
  let server: RunningServer;
  let unbuilt: RunningServer;
  let unbuiltData: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'healthtrail-console-dist-'));
    const dist = join(root, 'dist', 'console');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>HealthTrail console</title><script type="module" src="/console/assets/index-AbCd1234.js"></script>');
    writeFileSync(join(dist, 'assets', 'index-AbCd1234.js'), 'console.log("app");');
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, 'secret.txt'), 'outside the build');
    symlinkSync(join(root, 'secret.txt'), join(dist, 'linked.txt'));
    dataDir = tempDataDir();
    server = await startServer(testConfig(dataDir), { consoleDistDir: dist });
    unbuiltData = tempDataDir();
    unbuilt = await startServer(testConfig(unbuiltData), { consoleDistDir: join(root, 'no-such-build') });
  });

  after(async () => {
    await server?.close();
    await unbuilt?.close();
    for (const dir of [root, dataDir, unbuiltData]) rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at /console with the security headers and no-store', async () => {
    for (const path of ['/console', '/console/']) {
      const res = await fetch(`${server.consoleUrl}${path}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^text\/html/);
      assert.equal(res.headers.get('content-security-policy'), CSP);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.match(await res.text(), /HealthTrail console/);
    }
  });

  it('serves hashed assets as immutable and other files as revalidated', async () => {
    const asset = await fetch(`${server.consoleUrl}/console/assets/index-AbCd1234.js`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type')!, /^text\/javascript/);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(await asset.text(), 'console.log("app");');
    const icon = await fetch(`${server.consoleUrl}/console/favicon.svg`);
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
    assert.equal(icon.headers.get('cache-control'), 'no-cache');
    assert.equal((await fetch(`${server.consoleUrl}/console/assets/missing-00000000.js`)).status, 404);
  });

  it('answers client-side routes with index.html', async () => {
    const res = await fetch(`${server.consoleUrl}/console/event-history/some-event-id`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /HealthTrail console/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  it('never leaves the build directory', async () => {
    for (const path of [
      '/console/../package.json', '/console/%2e%2e/%2e%2e/package.json', '/console/assets/..%2f..%2f..%2fsecret.txt',
      '/console/..%5c..%5csecret.txt', '/console/%00index.html', '/console/linked.txt', '/console/%E0%A4%A',
    ]) {
      const res = await rawGet(server, path);
      assert.equal(res.status, 404, path);
      assert.ok(!res.body.includes('outside the build'), path);
    }
    assert.equal((await fetch(`${server.consoleUrl}/console/index.html`, { method: 'POST' })).status, 405);
  });

  it('answers 503 when the console is not built', async () => {
    const res = await fetch(`${unbuilt.consoleUrl}/console/`);
    assert.equal(res.status, 503);
    assert.match(res.headers.get('content-type')!, /^text\/plain/);
    assert.match(await res.text(), /the console is not built: run npm run build/);
    // The API does not depend on the build.
    assert.equal((await fetch(`${unbuilt.consoleUrl}/console/api/session`)).status, 401);
  });
});
