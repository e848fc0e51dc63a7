/**
 * The Principal / NotPrincipal element: compiled to sets, matched against a TrustCaller.
 *
 * - "*" and {"AWS": "*"} match everyone;
 * - {"AWS": "123456789012"} and {"AWS": "arn:aws:iam::123456789012:root"} match every principal of
 *   that account;
 * - a user, role, assumed-role session or federated-user ARN matches that principal; a role ARN
 *   also matches the role's sessions (TrustCaller.roleArn), reported apart ('role') because AWS
 *   lets a session's boundary and session policies limit what a grant to the role gives it;
 * - {"Service": …} matches the calling service, {"Federated": …} the identity provider.
 * ARNs in Principal are compared exactly (IAM does not allow wildcards there).
 */
import type { TrustCaller, TrustMatch } from './types.ts';

export interface CompiledPrincipal {
  everyone: boolean;
  accounts: Set<string>;
  arns: Set<string>;
  services: Set<string>;
  federated: Set<string>;
}

const ACCOUNT = /^\d{12}$/;
const ROOT = /^arn:aws:iam::(\d{12}):root$/;

export function compilePrincipal(v: unknown): CompiledPrincipal {
  const p: CompiledPrincipal = {
    everyone: false,
    accounts: new Set(),
    arns: new Set(),
    services: new Set(),
    federated: new Set(),
  };
  if (v === '*') {
    p.everyone = true;
    return p;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return p;
  for (const [type, raw] of Object.entries(v)) {
    const values = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((x) => typeof x === 'string') : [];
    for (const value of values as string[]) {
      switch (type) {
        case 'AWS': {
          if (value === '*') {
            p.everyone = true;
            break;
          }
          if (ACCOUNT.test(value)) {
            p.accounts.add(value);
            break;
          }
          const root = ROOT.exec(value);
          if (root) p.accounts.add(root[1]!);
          else p.arns.add(value);
          break;
        }
        case 'Service':
          p.services.add(value.toLowerCase());
          break;
        case 'Federated':
          p.federated.add(value);
          break;
        default:
          // CanonicalUser and unknown types name no caller of this server.
          break;
      }
    }
  }
  return p;
}

/** How `p` names the caller, or undefined when it does not. */
export function principalMatch(p: CompiledPrincipal, caller: TrustCaller): TrustMatch | undefined {
  if (caller.service !== undefined && p.services.has(caller.service.toLowerCase())) return 'service';
  if (caller.federated !== undefined && p.federated.has(caller.federated)) return 'federated';
  if (caller.arn && p.arns.has(caller.arn)) return 'principal';
  if (caller.roleArn !== undefined && p.arns.has(caller.roleArn)) return 'role';
  if (
    caller.service === undefined &&
    caller.federated === undefined &&
    caller.accountId &&
    p.accounts.has(caller.accountId)
  ) {
    return 'account';
  }
  if (p.everyone) return 'wildcard';
  return undefined;
}
