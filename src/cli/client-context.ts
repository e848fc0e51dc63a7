/**
 * Where client commands send their calls and as whom: the endpoint, region and credentials
 * (the standard AWS chain, then the server's own `<data dir>/credentials`), and the SDK clients
 * built from them.
 */
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { HealthLakeClient } from '@aws-sdk/client-healthlake';
import { OmicsClient } from '@aws-sdk/client-omics';
import { S3Client } from '@aws-sdk/client-s3';
import { credentialsFilePath } from '../credentials-file.ts';
import { CliError, EXIT, classifyError } from './exit-codes.ts';

type AwsCredentialIdentityProvider = ReturnType<typeof fromNodeProviderChain>;
type AwsCredentialIdentity = Awaited<ReturnType<AwsCredentialIdentityProvider>>;

// The SDK warns about Node 20 on every run; a command line has no use for that on stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface ClientOptions {
  endpointUrl?: string;
  region?: string;
  profile?: string;
}

export const DEFAULT_PORT = 4599;

export function defaultEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HEALTHTRAIL_ENDPOINT) return env.HEALTHTRAIL_ENDPOINT;
  return `http://127.0.0.1:${env.HEALTHTRAIL_PORT || DEFAULT_PORT}`;
}

/** commander argParser for --endpoint-url: an http(s) URL, kept without a trailing slash. */
export function parseEndpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http:// or https:// URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('expected an http:// or https:// URL.');
  return value.replace(/\/+$/, '');
}

export function endpointOption(cmd: Command): Command {
  return cmd.option('--endpoint-url <url>',
    'server URL (default: $HEALTHTRAIL_ENDPOINT, else http://127.0.0.1:$HEALTHTRAIL_PORT, else http://127.0.0.1:4599)', parseEndpointUrl);
}

/** The options every command that calls the server takes. */
export function addClientOptions(cmd: Command): Command {
  return endpointOption(cmd)
    .option('--region <region>', 'region to call (default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile\'s region, else us-east-1)')
    .option('--profile <name>', 'profile of the shared credentials/config files (default: $AWS_PROFILE or the standard chain; '
      + 'when that finds nothing, profile "healthtrail" of <$HEALTHTRAIL_DATA_DIR or ./data>/credentials)');
}

/** The region of the profile (config or credentials file), as the SDK itself resolves it. */
async function profileRegion(profile: string | undefined): Promise<string | undefined> {
  const probe = new CloudTrailClient(profile ? { profile } : {});
  try {
    return await probe.config.region();
  } catch {
    return undefined;
  } finally {
    probe.destroy();
  }
}

export async function resolveRegion(o: ClientOptions, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return o.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || (await profileRegion(o.profile)) || 'us-east-1';
}

/**
 * The standard chain (env vars, shared files and profiles, SSO, process, web identity, container
 * and instance metadata); when it finds nothing, the same profile (by default `healthtrail`) in
 * the credentials file the server writes.
 */
export function credentialProvider(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): AwsCredentialIdentityProvider {
  const chain = fromNodeProviderChain(profile ? { profile } : {});
  const file = credentialsFilePath(resolve(env.HEALTHTRAIL_DATA_DIR || './data'));
  const fallbackProfile = profile ?? env.AWS_PROFILE ?? 'healthtrail';
  const load = async (): Promise<AwsCredentialIdentity> => {
    try {
      return await chain();
    } catch (err) {
      if (!(err instanceof Error) || err.name !== 'CredentialsProviderError') throw err;
      try {
        return await fromIni({ profile: fallbackProfile, filepath: file, configFilepath: file })();
      } catch {
        throw new CliError(`no credentials: ${err.message}; and no profile "${fallbackProfile}" in ${file}`, EXIT.unreachable);
      }
    }
  };
  let cached: Promise<AwsCredentialIdentity> | undefined;
  return () => (cached ??= load());
}

export interface ClientContext {
  endpoint: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  cloudTrail(): CloudTrailClient;
  healthLake(): HealthLakeClient;
  /** Without host prefixes (workflows-, storage-, ...): the server routes on method and path, and
   * an endpoint such as 127.0.0.1 has no names to prefix. */
  omics(): OmicsClient;
  s3(): S3Client;
}

export async function clientContext(o: ClientOptions, env: NodeJS.ProcessEnv = process.env): Promise<ClientContext & { destroy(): void }> {
  const endpoint = o.endpointUrl ?? parseEndpointUrl(defaultEndpoint(env));
  const region = await resolveRegion(o, env);
  const credentials = credentialProvider(o.profile, env);
  const base = { endpoint, region, credentials };
  const made: { destroy(): void }[] = [];
  const once = <T extends { destroy(): void }>(make: () => T): (() => T) => {
    let client: T | undefined;
    return () => {
      if (!client) made.push(client = make());
      return client;
    };
  };
  return {
    ...base,
    cloudTrail: once(() => new CloudTrailClient(base)),
    healthLake: once(() => new HealthLakeClient(base)),
    omics: once(() => new OmicsClient({ ...base, disableHostPrefix: true })),
    s3: once(() => new S3Client({ ...base, forcePathStyle: true })),
    destroy: () => made.forEach((c) => c.destroy()),
  };
}

/** Runs a client command: errors become CliErrors naming the endpoint; clients are closed after. */
export async function withClients<T>(o: ClientOptions, fn: (ctx: ClientContext) => Promise<T>): Promise<T> {
  const ctx = await clientContext(o);
  try {
    return await fn(ctx);
  } catch (err) {
    throw classifyError(err, ctx.endpoint);
  } finally {
    ctx.destroy();
  }
}
