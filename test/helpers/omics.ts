/** HealthOmics clients for tests: @aws-sdk/client-omics with host prefixes off (the README's setting). */
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent } from 'node:http';
import { OmicsClient } from '@aws-sdk/client-omics';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { IAMClient } from '@aws-sdk/client-iam';
import { clientOptions, ROOT, type Credentials } from './server.ts';
import { createJobRole } from './healthlake-jobs.ts';

export function omicsClient(server: { url: string }, credentials: Credentials = ROOT): OmicsClient {
  return new OmicsClient({ ...clientOptions(server, credentials), disableHostPrefix: true });
}

/** A client that keeps the host prefixes (the SDK's default) against http://localhost:<port>,
 * with `*-localhost` resolved to 127.0.0.1 as /etc/hosts lines from `healthtrail hosts` would. */
export function prefixingOmicsClient(server: { url: string; port: number }, credentials: Credentials = ROOT): OmicsClient {
  const lookup = ((host: string, options: object, callback: (...a: unknown[]) => void) => {
    if (host.endsWith('-localhost') || host === 'localhost') return callback(null, [{ address: '127.0.0.1', family: 4 }]);
    return (dnsLookup as unknown as (...a: unknown[]) => void)(host, options, callback);
  }) as unknown as LookupFunction;
  return new OmicsClient({
    ...clientOptions({ url: `http://localhost:${server.port}` }, credentials),
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ lookup }) }),
  });
}

/** A role HealthOmics jobs and runs can assume (trusts omics.amazonaws.com), allowed `statements` (all of S3 by default). */
export async function createOmicsRole(iam: IAMClient, name = 'OmicsJobRole',
  statements: Record<string, unknown>[] = [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]): Promise<string> {
  return createJobRole(iam, name, statements, 'omics.amazonaws.com');
}
