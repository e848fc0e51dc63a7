/**
 * PutS3AccessPolicy, GetS3AccessPolicy, DeleteS3AccessPolicy: the resource policy of a store's
 * S3 access point (store-s3-access.ts), which decides who may read the store's read sets
 * through their S3 URIs. The policy must be a resource policy: JSON with statements that each
 * have an Effect, a Principal and an Action.
 */
import type { CallContext, Handler } from '../../../core/service.ts';
import { invalid, notFound } from './errors.ts';
import type { SequenceStorePlaneState } from './plane-state.ts';
import { addResource } from './store-handlers.ts';
import type { SequenceStore } from './store-repo.ts';

export function accessPolicyHandlers(state: SequenceStorePlaneState): Record<string, Handler> {
  const storeOfAccessPoint = (ctx: CallContext, arn: string): SequenceStore => {
    const store = state.stores.byAccessPointArn(arn);
    if (!store || store.accountId !== ctx.accountId || store.region !== ctx.region) throw notFound('access point', arn);
    addResource(ctx, { type: 'AWS::Omics::SequenceStore', name: store.id, arn: store.arn });
    return store;
  };
  return {
    PutS3AccessPolicy(ctx, input) {
      const arn = input.s3AccessPointArn as string;
      const store = storeOfAccessPoint(ctx, arn);
      const policy = input.s3AccessPolicy as string;
      const problem = policyProblem(policy);
      if (problem) throw invalid(`The S3 access policy is not a valid policy document: ${problem}`);
      state.policies.put({ accessPointArn: arn, storeId: store.id, storeType: 'SEQUENCE_STORE', policy, updateTime: ctx.now.getTime() });
      return { s3AccessPointArn: arn, storeId: store.id, storeType: 'SEQUENCE_STORE' };
    },
    GetS3AccessPolicy(ctx, input) {
      const arn = input.s3AccessPointArn as string;
      const store = storeOfAccessPoint(ctx, arn);
      const p = state.policies.get(arn);
      if (!p) throw notFound('S3 access policy of access point', arn);
      return { s3AccessPointArn: arn, storeId: store.id, storeType: p.storeType, updateTime: new Date(p.updateTime), s3AccessPolicy: p.policy };
    },
    DeleteS3AccessPolicy(ctx, input) {
      const arn = input.s3AccessPointArn as string;
      storeOfAccessPoint(ctx, arn);
      if (!state.policies.get(arn)) throw notFound('S3 access policy of access point', arn);
      state.policies.remove(arn);
      return {};
    },
  };
}

function policyProblem(text: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'it is not JSON';
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'it is not a JSON object';
  const st = (doc as { Statement?: unknown }).Statement;
  const statements = Array.isArray(st) ? st : st && typeof st === 'object' ? [st] : undefined;
  if (!statements || statements.length === 0) return 'it has no Statement';
  for (const s of statements as Record<string, unknown>[]) {
    if (!s || typeof s !== 'object') return 'a statement is not an object';
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return 'a statement has no Effect of Allow or Deny';
    if (s.Principal === undefined) return 'a statement has no Principal';
    if (s.Action === undefined) return 'a statement has no Action';
  }
  return undefined;
}
