/**
 * What a HealthOmics plane contributes to the one Omics provider (index.ts): the API's planes
 * (reference and sequence stores, workflows and runs, analytics) are separate folders with their
 * own tables, and each hands the provider its handlers, the IAM resources its operations target,
 * and how to find its resources (for tags and aws:ResourceTag).
 */
import type { CallContext, Handler } from '../../core/service.ts';
import type { StagedHandler } from '../../core/staged-call.ts';
import type { Params } from '../../wire/types.ts';
import type { OmicsResources } from './resources.ts';

export interface OmicsPlane {
  handlers: Record<string, Handler>;
  stagedHandlers?: Record<string, StagedHandler>;
  /** The resource ARNs (IAM Resource) an operation of this plane targets; undefined for an
   * operation that is not this plane's. An operation on no particular resource returns ['*']. */
  resourceArns(ctx: CallContext, operation: string, input: Params): string[] | undefined;
  /** The role a call hands to the service (Start*Job roleArn, StartRun roleArn): needs iam:PassRole. */
  passedRole?(operation: string, input: Params): string | undefined;
  registerResources?(resources: OmicsResources): void;
}
