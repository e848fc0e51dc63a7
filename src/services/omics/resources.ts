/**
 * Which HealthOmics resources exist, asked by resource type: each plane (reference and sequence
 * stores, workflows and runs, analytics) registers how to look up the resources it owns, so the
 * tagging operations (any resource type, one ARN in the path) and IAM's aws:ResourceTag keys
 * work for every plane without knowing its tables. A type no plane has registered has no
 * resources (ResourceNotFoundException), which is the truth until that plane is built.
 */
import type { CallContext } from '../../core/service.ts';
import { CLOUDTRAIL_RESOURCE_TYPE, type OmicsResourceType, type ParsedOmicsArn } from './arns.ts';

/** True when the resource the parsed ARN names exists (and is not deleted) in its account. */
export type ResourceLookup = (ctx: CallContext, arn: ParsedOmicsArn) => boolean;

export class OmicsResources {
  private readonly lookups = new Map<OmicsResourceType, ResourceLookup>();

  register(type: OmicsResourceType, lookup: ResourceLookup): void {
    this.lookups.set(type, lookup);
  }

  exists(ctx: CallContext, arn: ParsedOmicsArn): boolean {
    return this.lookups.get(arn.type)?.(ctx, arn) ?? false;
  }

  /** The record's resources[] entry for an ARN. */
  static ref(arn: ParsedOmicsArn, fullArn: string): { type: string; name: string; arn: string; accountId: string } {
    return { type: CLOUDTRAIL_RESOURCE_TYPE[arn.type], name: arn.ids.at(-1)!, arn: fullArn, accountId: arn.accountId };
  }
}
