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

/** The ARNs of resources that use the one `arn` names (read sets using a reference). */
export type DependentsLookup = (ctx: CallContext, arn: string) => string[];

export class OmicsResources {
  private readonly lookups = new Map<OmicsResourceType, ResourceLookup>();
  private readonly dependentLookups = new Map<OmicsResourceType, DependentsLookup[]>();

  register(type: OmicsResourceType, lookup: ResourceLookup): void {
    this.lookups.set(type, lookup);
  }

  exists(ctx: CallContext, arn: ParsedOmicsArn): boolean {
    return this.lookups.get(arn.type)?.(ctx, arn) ?? false;
  }

  /** A plane whose resources use another plane's (a read set its reference) says so here, so
   * the owner refuses to delete a resource in use without reading the other plane's tables. */
  registerDependents(type: OmicsResourceType, lookup: DependentsLookup): void {
    this.dependentLookups.set(type, [...(this.dependentLookups.get(type) ?? []), lookup]);
  }

  /** ARNs of the resources using `arn` (empty when none, or when no plane uses its type). */
  dependents(ctx: CallContext, arn: ParsedOmicsArn, fullArn: string): string[] {
    return (this.dependentLookups.get(arn.type) ?? []).flatMap((lookup) => lookup(ctx, fullArn));
  }

  /** The record's resources[] entry for an ARN. */
  static ref(arn: ParsedOmicsArn, fullArn: string): { type: string; name: string; arn: string; accountId: string } {
    return { type: CLOUDTRAIL_RESOURCE_TYPE[arn.type], name: arn.ids.at(-1)!, arn: fullArn, accountId: arn.accountId };
  }
}
