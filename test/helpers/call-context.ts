/**
 * Handler-level test support: an in-memory database with one bootstrapped account, a settable
 * clock, deterministic ids, and CallContexts for any principal — so a test can call a provider's
 * handler as the pipeline would (inside one transaction) without HTTP, SigV4 or audit.
 */
import { timeOrderedUuid, type Clock, type IdSource } from '../../src/core/clock.ts';
import type { Principal } from '../../src/core/principal.ts';
import type { CallContext, ServiceProvider } from '../../src/core/service.ts';
import { loadConfig } from '../../src/config.ts';
import { Db } from '../../src/storage/db.ts';
import type { Params } from '../../src/wire/types.ts';
import { IdentityStore } from '../../src/auth/identities/index.ts';
import { authorizeCall } from '../../src/auth/authorize.ts';

export const ACCOUNT = '123456789012';
export const ROOT_KEY = { accessKeyId: 'AKIAROOTTESTKEY00001', secretAccessKey: 'root-secret-0000000000000000000000000000' };

export interface TestClock extends Clock {
  set(iso: string | Date): void;
  advance(ms: number): void;
}

export function testClock(start = '2024-05-01T12:00:00.000Z'): TestClock {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (d) => { t = new Date(d).getTime(); },
    advance: (ms) => { t += ms; },
  };
}

/** Reproducible "random" ids: a linear congruential generator from a seed. */
export function testIds(seed = 42): IdSource {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  let uuids = 0;
  return {
    uuid: () => `00000000-0000-4000-8000-${(++uuids).toString(16).padStart(12, '0')}`,
    timeOrderedUuid: (at) => timeOrderedUuid(at, `00000000-0000-4000-8000-${(++uuids).toString(16).padStart(12, '0')}`),
    hex: (bytes) => Array.from({ length: bytes }, () => (next() >>> 24).toString(16).padStart(2, '0')).join(''),
    chars: (length, alphabet) => Array.from({ length }, () => alphabet[(next() >>> 16) % alphabet.length]).join(''),
  };
}

export interface TestEnv {
  db: Db;
  clock: TestClock;
  ids: IdSource;
  store: IdentityStore;
  accountId: string;
  /** The account's root principal, signed with ROOT_KEY. */
  root: Principal;
}

export function testEnv(): TestEnv {
  const db = new Db(':memory:');
  const clock = testClock();
  const ids = testIds();
  const store = new IdentityStore(db, clock, ids);
  store.ensureAccount(ACCOUNT, ROOT_KEY);
  const root = store.lookupCredentials(ROOT_KEY.accessKeyId)!.principal;
  return { db, clock, ids, store, accountId: ACCOUNT, root };
}

export function callContext(env: TestEnv, principal: Principal, operation: string, service = 'iam'): CallContext {
  return {
    requestId: env.ids.uuid(),
    service,
    operation,
    region: 'us-east-1',
    accountId: principal.accountId,
    principal,
    sourceIp: '127.0.0.1',
    userAgent: 'healthtrail-test',
    now: env.clock.now(),
    db: env.db,
    clock: env.clock,
    ids: env.ids,
    config: loadConfig({}),
    resources: [],
  };
}

/** Runs one handler in a transaction, as the pipeline does; returns its output and context.
 * `authorize` runs IAM authorization (authorizeCall) first, inside the same transaction. */
export async function invoke(
  env: TestEnv,
  provider: ServiceProvider,
  operation: string,
  input: Params = {},
  principal: Principal = env.root,
  authorize = false,
): Promise<{ output: Params; ctx: CallContext }> {
  const handler = provider.handlers[operation];
  if (!handler) throw new Error(`no handler for ${operation}`);
  const ctx = callContext(env, principal, operation, provider.signingName);
  const output = await env.db.transaction(() => {
    if (authorize) authorizeCall(ctx, provider, (p) => env.store.policiesFor(p), input);
    return handler(ctx, input);
  });
  return { output, ctx };
}

/** As the pipeline runs a call: IAM authorization (authorizeCall), then the handler, in one transaction. */
export function invokeAuthorized(
  env: TestEnv, provider: ServiceProvider, operation: string, input: Params = {}, principal: Principal = env.root,
): Promise<{ output: Params; ctx: CallContext }> {
  return invoke(env, provider, operation, input, principal, true);
}

/** Just the output of invokeAuthorized. */
export async function callAuthorized(
  env: TestEnv, provider: ServiceProvider, operation: string, input: Params = {}, principal?: Principal,
): Promise<Params> {
  return (await invokeAuthorized(env, provider, operation, input, principal)).output;
}

/** Just the output. */
export async function call(
  env: TestEnv, provider: ServiceProvider, operation: string, input: Params = {}, principal?: Principal,
): Promise<Params> {
  return (await invoke(env, provider, operation, input, principal)).output;
}

/** The principal that an access key authenticates as (asserting that it does). */
export function principalOf(env: TestEnv, accessKeyId: string): Principal {
  const resolved = env.store.lookupCredentials(accessKeyId);
  if (!resolved) throw new Error(`access key ${accessKeyId} does not authenticate`);
  return resolved.principal;
}

/** Matcher for assert.rejects: an AwsError with this code (and message, when given). */
export function awsError(code: string, message?: string | RegExp): (e: unknown) => boolean {
  return (e) => {
    const err = e as { code?: string; message?: string };
    if (err.code !== code) throw new Error(`expected ${code}, got ${err.code}: ${err.message}`);
    if (typeof message === 'string' && err.message !== message) throw new Error(`expected message ${JSON.stringify(message)}, got ${JSON.stringify(err.message)}`);
    if (message instanceof RegExp && !message.test(err.message ?? '')) throw new Error(`message ${JSON.stringify(err.message)} does not match ${message}`);
    return true;
  };
}

// ---- Fixtures built through the real IAM/STS handlers ----

export const ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';

/** A trust policy admitting the given AWS principal (an account id, or a user/role ARN). */
export function trustPolicy(principal: string = ACCOUNT): string {
  const aws = /^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole' }],
  });
}

/** Creates a user with an access key (and optionally an inline policy); returns its principal. */
export async function userWithKey(env: TestEnv, name: string, inlinePolicy?: string): Promise<{ principal: Principal; accessKeyId: string; secret: string }> {
  const { iamProvider } = await import('../../src/services/iam/index.ts');
  await call(env, iamProvider, 'CreateUser', { UserName: name });
  if (inlinePolicy) await call(env, iamProvider, 'PutUserPolicy', { UserName: name, PolicyName: 'inline', PolicyDocument: inlinePolicy });
  const out = await call(env, iamProvider, 'CreateAccessKey', { UserName: name });
  const key = out.AccessKey as { AccessKeyId: string; SecretAccessKey: string };
  return { principal: principalOf(env, key.AccessKeyId), accessKeyId: key.AccessKeyId, secret: key.SecretAccessKey };
}

/** Creates a role trusting `trusted` (default: the account); returns its ARN. */
export async function roleTrusting(env: TestEnv, name: string, trusted: string = ACCOUNT, extra: Params = {}): Promise<string> {
  const { iamProvider } = await import('../../src/services/iam/index.ts');
  const out = await call(env, iamProvider, 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: trustPolicy(trusted), ...extra });
  return (out.Role as { Arn: string }).Arn;
}

/** Assumes a role and returns the session's principal and the AssumeRole output. */
export async function assumeRole(
  env: TestEnv, caller: Principal, roleArn: string, sessionName: string, extra: Params = {},
): Promise<{ principal: Principal; output: Params }> {
  const { stsProvider } = await import('../../src/services/sts/index.ts');
  const output = await callAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: sessionName, ...extra }, caller);
  const creds = output.Credentials as { AccessKeyId: string };
  return { principal: principalOf(env, creds.AccessKeyId), output };
}
