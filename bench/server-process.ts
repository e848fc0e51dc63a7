/**
 * A server for the benchmarks, in its own process so the load generator does not share its
 * event loop. argv[2]: 'constant' (the same HTTP stack answering a constant: the baseline) or
 * 'healthtrail' (the real server, configured from HEALTHTRAIL_* variables). Prints the port
 * (and, for the real server, the console's port after it).
 */
import pino from 'pino';
import { createHttpServer } from '../src/http/server.ts';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';

const mode = process.argv[2];
if (mode === 'constant') {
  const body = JSON.stringify({ DatastoreProperties: { DatastoreId: '0'.repeat(32), DatastoreStatus: 'ACTIVE' } });
  let n = 0;
  const server = createHttpServer(async (_req, _ip, requestId) => ({
    status: 200, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId }, body,
  }), { maxBodyBytes: 1 << 20, trustedProxies: [], newRequestId: () => String(++n), log: pino({ level: 'silent' }) });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
  });
} else {
  const server = await startServer(loadConfig(process.env, { port: 0, consolePort: 0, logLevel: 'silent' }));
  process.stdout.write(`${server.port} ${server.consolePort}\n`);
  // Exit normally on a signal, so --cpu-prof and the like write their output.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close().then(() => process.exit(0)));
}
