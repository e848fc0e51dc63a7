/**
 * `healthtrail hosts`: /etc/hosts lines that send the Omics host-prefixed names (the SDKs put
 * `workflows-`, `control-storage-`, ... in front of the endpoint's host) to this server.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { InvalidArgumentError, type Command } from 'commander';
import { defaultEndpoint, endpointOption, parseEndpointUrl } from './client-context.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { helpFooter } from './examples.ts';
import { writeOut } from './output.ts';

/** The five Omics host prefixes (spec/omics.md §0). */
export const OMICS_HOST_PREFIXES = ['workflows-', 'control-storage-', 'storage-', 'analytics-', 'tags-'];

interface HostsOptions {
  endpointUrl?: string;
  region: string[];
}

function collectRegion(value: string, previous: string[]): string[] {
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(value)) throw new InvalidArgumentError('expected a region such as us-east-1.');
  return [...previous, value];
}

/** The lines for an endpoint host (null when it is an IP address) and for real regions. */
export function hostsLines(address: string, endpointHost: string | null, regions: string[]): string[] {
  const lines: string[] = [];
  if (endpointHost) {
    lines.push(`# Omics host prefixes for ${endpointHost}`);
    lines.push(`${address}\t${OMICS_HOST_PREFIXES.map((p) => `${p}${endpointHost}`).join(' ')}`);
  }
  for (const region of regions) {
    const base = `omics.${region}.amazonaws.com`;
    lines.push(`# Omics in ${region} (an endpoint of http://${base}:<port> then reaches this server)`);
    lines.push(`${address}\t${[base, ...OMICS_HOST_PREFIXES.map((p) => `${p}${base}`)].join(' ')}`);
  }
  return lines;
}

async function addressOf(host: string): Promise<string> {
  if (host === 'localhost') return '127.0.0.1';
  try {
    return (await lookup(host)).address;
  } catch (err) {
    throw new CliError(`cannot resolve ${host}: ${(err as Error).message}`, EXIT.unreachable);
  }
}

export function registerHosts(program: Command): void {
  const cmd = program.command('hosts')
    .description('print /etc/hosts lines that send the Omics host-prefixed names to this server')
    .option('--region <region>', 'also map the real AWS names of this region (repeatable)', collectRegion, [] as string[]);
  endpointOption(cmd);
  helpFooter(cmd, [
    'healthtrail hosts --endpoint-url http://localhost:4599 | sudo tee -a /etc/hosts',
    'healthtrail hosts --endpoint-url http://localhost:4599 --region us-east-1 --region eu-west-1',
  ], [
    'Omics operations carry a host prefix: with an endpoint of http://localhost:4599 an SDK calls',
    'http://workflows-localhost:4599, http://control-storage-localhost:4599, ... These lines make those',
    'names resolve to the server. An IP endpoint (http://127.0.0.1:4599) cannot work that way',
    '(workflows-127.0.0.1 is no name): use --endpoint-url http://localhost:<port>.',
    '',
    'The alternative is to turn prefixing off in the client: AWS_DISABLE_HOST_PREFIX_INJECTION=true',
    '(AWS CLI, boto3; or disable_host_prefix_injection = true in the profile), or',
    '{ disableHostPrefix: true } in the AWS SDK for JavaScript v3 client options.',
  ]);
  cmd.action(async (o: HostsOptions) => {
    const url = new URL(o.endpointUrl ?? parseEndpointUrl(defaultEndpoint()));
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const ip = isIP(host) !== 0;
    if (ip) {
      process.stderr.write(`healthtrail: ${url.origin} is an IP address, which clients cannot prefix (workflows-${host} is no host name); `
        + `printing ${o.region.length ? 'the region lines only' : 'nothing'}. Use --endpoint-url http://localhost:${url.port || (url.protocol === 'https:' ? 443 : 80)} for the local names.\n`);
    }
    const address = ip ? host : await addressOf(host);
    await writeOut(hostsLines(address, ip ? null : host, o.region).map((l) => `${l}\n`).join(''));
  });
}
