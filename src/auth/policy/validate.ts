/**
 * The grammar check IAM runs on PutUserPolicy / PutRolePolicy / PutGroupPolicy / CreatePolicy /
 * CreatePolicyVersion ('identity') and CreateRole / UpdateAssumeRolePolicy ('trust'), returning
 * the MalformedPolicyDocument message IAM gives, or undefined when the document is accepted.
 *
 * Checks run in IAM's order, so a document with several faults reports the one IAM reports:
 * JSON → element placement (principal / trust fields) → syntax → version → legacy parsing
 * (Effect case, date values, resource ARN shape) → Sid uniqueness and charset → actions and
 * resources present → resource ARN format → action vendor prefixes → trust actions and principals.
 */
import { conditionValues, parseOperator } from './conditions.ts';
import { isLegacyDate } from './dates.ts';
import type { PolicyValidationOptions } from './types.ts';

export type PolicyKind = 'identity' | 'trust';

export const MSG = {
  syntax: 'Syntax errors in policy.',
  invalidJson: 'This policy contains invalid Json',
  principalInIdentity: 'Policy document should not specify a principal.',
  version: 'Policy document must be version 2012-10-17 or greater.',
  legacy: 'The policy failed legacy parsing',
  sidUnique: 'Statement IDs (SID) in a single policy must be unique.',
  sidCharset:
    'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
  noActions: 'Policy statement must contain actions.',
  noResources: 'Policy statement must contain resources.',
  vendorMissing: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  oneColon: 'Actions/Condition can contain only one colon.',
  vendorFieldMissing: 'Resource vendor must be fully qualified and cannot contain regexes.',
  trustEmpty: 'Could not parse the policy: Statement is empty!',
  trustResource: 'Has prohibited field Resource',
  trustNotResource: 'AssumeRole policy must not contain resources.',
  trustNoPrincipal: 'Missing required field Principal',
  trustEmptyPrincipal: 'Missing required field Principal cannot be empty!',
  trustAllowNotPrincipal: 'Allow with NotPrincipal is not allowed.',
  trustActions: 'AssumeRole policy may only specify STS AssumeRole actions.',
} as const;

const TOP_FIELDS = new Set(['Version', 'Id', 'Statement', 'Conditions']);
const VERSIONS = new Set(['2008-10-17', '2012-10-17']);
const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const TRUST_STATEMENT_FIELDS = new Set([...STATEMENT_FIELDS, 'Principal', 'NotPrincipal']);
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const SID = /^[0-9A-Za-z]*$/;
const VENDOR = /^[a-zA-Z0-9.-]*$/;

const REGION_ERRORS: Record<string, (r: string) => string> = {
  iam: (r) => `IAM resource ${r} cannot contain region information.`,
  s3: (r) => `Resource ${r} can not contain region information.`,
};
const IAM_PATHS = [
  'user/',
  'federated-user/',
  'role/',
  'group/',
  'instance-profile/',
  'mfa/',
  'server-certificate/',
  'policy/',
  'sms-mfa/',
  'saml-provider/',
  'oidc-provider/',
  'report/',
  'access-report/',
];

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function has(o: Json, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** A string or list of strings as a list; undefined for anything else. */
function stringList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

export function validatePolicyDocument(
  text: string,
  kind: PolicyKind,
  options: PolicyValidationOptions = {},
): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return kind === 'trust' ? MSG.invalidJson : MSG.syntax;
  }
  if (!isObject(doc)) return MSG.syntax;
  const st = doc.Statement;
  const statements: unknown[] | undefined = Array.isArray(st) ? st : isObject(st) ? [st] : undefined;

  const placement = kind === 'trust' ? trustPlacement(st, statements) : identityPlacement(statements);
  if (placement) return placement;
  if (!syntaxOk(doc, statements, kind)) return MSG.syntax;
  const stmts = statements as Json[];

  if (options.requireCurrentVersion && doc.Version !== '2012-10-17') return MSG.version;

  // Legacy parsing: Effect spelled exactly, date values, then resource ARN shapes (whose first
  // format error, unlike a legacy failure, is reported only after the checks below).
  for (const s of stmts) {
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return MSG.legacy;
    if (!conditionDatesOk(s.Condition)) return MSG.legacy;
  }
  let resourceError = '';
  for (const key of ['Resource', 'NotResource'] as const) {
    for (const s of stmts) {
      if (!has(s, key)) continue;
      const list = stringList(s[key])!;
      const ordered = typeof s[key] === 'string' ? list : [...list].sort().reverse();
      for (const r of ordered) {
        const e = resourceFormatError(r);
        if (e !== undefined) resourceError = e;
      }
      if (resourceError === '' && !list.every(legacyResourceOk)) return MSG.legacy;
    }
  }

  const sids = new Set<string>();
  for (const s of stmts) {
    const sid = s.Sid as string | undefined;
    if (!sid) continue;
    if (sids.has(sid)) return MSG.sidUnique;
    sids.add(sid);
  }
  for (const s of stmts) if (typeof s.Sid === 'string' && !SID.test(s.Sid)) return MSG.sidCharset;

  for (const s of stmts) {
    const a = has(s, 'Action') ? s.Action : s.NotAction;
    if (a === undefined || (Array.isArray(a) && a.length === 0)) return MSG.noActions;
  }
  if (kind === 'identity') {
    for (const s of stmts) {
      const r = has(s, 'Resource') ? s.Resource : s.NotResource;
      if (r === undefined || (Array.isArray(r) && r.length === 0)) return MSG.noResources;
    }
  }
  if (resourceError) return resourceError;

  for (const key of ['Action', 'NotAction'] as const) {
    for (const s of stmts) {
      if (!has(s, key)) continue;
      for (const a of stringList(s[key])!) {
        const e = actionError(a);
        if (e) return e;
      }
    }
  }

  if (kind === 'trust') return trustChecks(stmts, options);
  return undefined;
}

/** Identity policies name no principal. */
function identityPlacement(statements: unknown[] | undefined): string | undefined {
  for (const s of statements ?? []) {
    if (isObject(s) && (has(s, 'Principal') || has(s, 'NotPrincipal'))) return MSG.principalInIdentity;
  }
  return undefined;
}

/** Trust policies: a principal in every statement and no resources. */
function trustPlacement(st: unknown, statements: unknown[] | undefined): string | undefined {
  if (Array.isArray(st) && st.length === 0) return MSG.trustEmpty;
  for (const s of statements ?? []) {
    if (!isObject(s)) continue;
    if (has(s, 'Resource')) return MSG.trustResource;
    if (has(s, 'NotResource')) return MSG.trustNotResource;
    if (!has(s, 'Principal') && !has(s, 'NotPrincipal')) return MSG.trustNoPrincipal;
    for (const k of ['Principal', 'NotPrincipal']) {
      const p = s[k];
      if (isObject(p) && Object.keys(p).length === 0) return MSG.trustEmptyPrincipal;
    }
    if (has(s, 'NotPrincipal') && !has(s, 'Principal') && s.Effect === 'Allow') return MSG.trustAllowNotPrincipal;
  }
  return undefined;
}

function syntaxOk(doc: Json, statements: unknown[] | undefined, kind: PolicyKind): boolean {
  for (const k of Object.keys(doc)) if (!TOP_FIELDS.has(k)) return false;
  if (has(doc, 'Version') && !(typeof doc.Version === 'string' && VERSIONS.has(doc.Version))) return false;
  if (has(doc, 'Id') && typeof doc.Id !== 'string') return false;
  if (!statements || statements.length === 0) return false;
  const fields = kind === 'trust' ? TRUST_STATEMENT_FIELDS : STATEMENT_FIELDS;
  for (const s of statements) {
    if (!isObject(s)) return false;
    for (const k of Object.keys(s)) if (!fields.has(k)) return false;
    if (has(s, 'Action') && has(s, 'NotAction')) return false;
    if (has(s, 'Resource') && has(s, 'NotResource')) return false;
    if (has(s, 'Principal') && has(s, 'NotPrincipal')) return false;
    if (typeof s.Effect !== 'string' || !['allow', 'deny'].includes(s.Effect.toLowerCase())) return false;
    for (const k of ['Action', 'NotAction', 'Resource', 'NotResource']) {
      if (has(s, k) && stringList(s[k]) === undefined) return false;
    }
    if (has(s, 'Sid') && typeof s.Sid !== 'string') return false;
    if (has(s, 'Condition') && !conditionSyntaxOk(s.Condition)) return false;
    for (const k of ['Principal', 'NotPrincipal']) if (has(s, k) && !principalSyntaxOk(s[k])) return false;
  }
  return true;
}

function conditionSyntaxOk(c: unknown): boolean {
  if (!isObject(c)) return false;
  for (const [op, body] of Object.entries(c)) {
    if (!isObject(body)) return false;
    const entries = Object.entries(body);
    for (const [, v] of entries) if (conditionValues(v) === undefined) return false;
    // An unknown operator is tolerated only with nothing under it.
    if (entries.length > 0 && parseOperator(op) === undefined) return false;
  }
  return true;
}

function principalSyntaxOk(p: unknown): boolean {
  if (p === '*') return true;
  if (!isObject(p)) return false;
  for (const [k, v] of Object.entries(p)) {
    if (!PRINCIPAL_TYPES.has(k)) return false;
    const list = stringList(v);
    if (list === undefined || list.length === 0) return false;
  }
  return true;
}

function conditionDatesOk(c: unknown): boolean {
  if (!isObject(c)) return true;
  for (const [op, body] of Object.entries(c)) {
    if (!parseOperator(op)?.isDate || !isObject(body)) continue;
    for (const v of Object.values(body)) {
      for (const d of conditionValues(v) ?? []) if (!isLegacyDate(d)) return false;
    }
  }
  return true;
}

/** IAM's ARN format check on a Resource / NotResource value (message, or undefined if fine). */
export function resourceFormatError(resource: string): string | undefined {
  if (resource === '*') return undefined;
  const c1 = resource.indexOf(':');
  if (c1 < 0) return `Resource ${resource} must be in ARN format or "*".`;
  const rest = resource.slice(c1 + 1);
  const c2 = rest.indexOf(':');
  const partition = c2 < 0 ? rest : rest.slice(0, c2);
  const afterPartition = c2 < 0 ? '' : rest.slice(c2 + 1);
  if (partition !== 'aws') {
    const rem = afterPartition.split(':');
    const a1 = rem[0] !== '' || rem.length > 1 ? rem[0] : '*';
    const a2 = rem.length > 1 ? rem[1] : '*';
    const a3 = rem.length > 2 ? rem[2] : '*';
    const a4 = rem.length > 3 ? rem.slice(3).join(':') : '*';
    return `Partition "${partition}" is not valid for resource "arn:${partition}:${a1}:${a2}:${a3}:${a4}".`;
  }
  if (c2 < 0) return MSG.vendorFieldMissing;
  const c3 = afterPartition.indexOf(':');
  const service = c3 < 0 ? afterPartition : afterPartition.slice(0, c3);
  const afterService = c3 < 0 ? '' : afterPartition.slice(c3 + 1);
  const regionError = REGION_ERRORS[service];
  if (regionError && !afterService.startsWith(':')) return regionError(resource);
  if (service === 'iam') {
    // afterService is "region:account:resource".
    const c4 = afterService.indexOf(':');
    const afterRegion = c4 < 0 ? '' : afterService.slice(c4 + 1);
    const c5 = afterRegion.indexOf(':');
    const path = c5 < 0 ? '' : afterRegion.slice(c5 + 1);
    if (path !== '*' && !IAM_PATHS.some((p) => path.startsWith(p))) {
      return `IAM resource path must either be "*" or start with ${IAM_PATHS.join(', ')}.`;
    }
  }
  return undefined;
}

/** The legacy parser's view of a resource: six parts when "::" is used, a service part. */
function legacyResourceOk(r: string): boolean {
  if (r === '*') return true;
  const colons = r.split(':').length - 1;
  if (colons < 5 && r.includes('::')) return false;
  const service = r.split(':')[2];
  return service !== undefined && service !== '';
}

function actionError(action: string): string | undefined {
  const parts = action.split(':');
  if (parts.length === 1 && parts[0] !== '*') return MSG.vendorMissing;
  if (parts.length > 2) return MSG.oneColon;
  const vendor = parts[0]!;
  if (vendor !== '*' && !VENDOR.test(vendor)) return `Vendor ${vendor} is not valid`;
  return undefined;
}

const AWS_PRINCIPAL = [
  /^\d{12}$/,
  /^arn:aws:iam::\d{12}:root$/,
  /^arn:aws:iam::\d{12}:(?:user|role)(?:\/[\w+=,.@-]+)+$/,
  /^arn:aws:sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+$/,
  /^arn:aws:sts::\d{12}:federated-user\/[\w+=,.@-]+$/,
];
const ENTITY_ARN = /^arn:aws:iam::\d{12}:(?:user|role)\//;
const SERVICE = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$/;
const FEDERATED_HOSTS = new Set(['cognito-identity.amazonaws.com', 'www.amazon.com', 'graph.facebook.com', 'accounts.google.com']);
const FEDERATED_ARN = /^arn:aws:iam::\d{12}:(?:saml-provider|oidc-provider)\/[\x21-\x7e]+$/;
const CANONICAL = /^[0-9a-f]{64}$/;

function trustChecks(stmts: Json[], options: PolicyValidationOptions): string | undefined {
  for (const s of stmts) {
    if (!has(s, 'Action')) continue;
    for (const a of stringList(s.Action)!) if (!a.toLowerCase().startsWith('sts:')) return MSG.trustActions;
  }
  for (const s of stmts) {
    for (const k of ['Principal', 'NotPrincipal']) {
      const p = s[k];
      if (!isObject(p)) continue;
      for (const [type, raw] of Object.entries(p)) {
        for (const v of stringList(raw)!) {
          const e = principalError(type, v, options);
          if (e) return e;
        }
      }
    }
  }
  return undefined;
}

function principalError(type: string, v: string, o: PolicyValidationOptions): string | undefined {
  let ok: boolean;
  let label: string;
  switch (type) {
    case 'AWS':
      label = 'AWS';
      ok = v === '*' || AWS_PRINCIPAL.some((re) => re.test(v));
      if (ok && o.principalExists && ENTITY_ARN.test(v)) ok = o.principalExists(v);
      break;
    case 'Service':
      label = 'SERVICE';
      ok = SERVICE.test(v);
      if (ok && o.serviceExists) ok = o.serviceExists(v);
      break;
    case 'Federated':
      label = 'FEDERATED';
      ok = FEDERATED_HOSTS.has(v) || FEDERATED_ARN.test(v);
      break;
    default:
      label = 'CANONICAL_USER';
      ok = CANONICAL.test(v);
  }
  return ok ? undefined : `Invalid principal in policy: "${label}":"${v}"`;
}
