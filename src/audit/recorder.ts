/**
 * Turns a finished call (context, input, output or error) into its CloudTrail record and appends
 * it to the event store. The pipeline calls it inside the call's transaction.
 */
import type { AwsError } from '../core/aws-error.ts';
import type { CallContext, ServiceProvider } from '../core/service.ts';
import type { OperationModel, Params, ServiceModel } from '../wire/types.ts';
import { lookupUserName } from '../core/principal.ts';
import { buildRecord, buildSignInRecord, type CloudTrailRecord, type SignInRecordInput } from './record.ts';
import { toEventParameters } from './parameters.ts';
import type { EventStore } from './event-store.ts';

const READ_ONLY_OPERATION = /^(Get|Describe|List|Lookup|Search|Head|BatchGet|Query|Scan|Select|Read|VersionRead|Check|Validate|Download)/;

export function isReadOnlyOperation(name: string): boolean {
  return READ_ONLY_OPERATION.test(name);
}

export interface CallOutcome {
  output?: Params;
  error?: AwsError;
}

export class Recorder {
  constructor(
    /** The store records go to (Event history's queries too). */
    readonly events: EventStore,
    private readonly eventVersion: string,
    private readonly enabled: boolean,
  ) {}

  recordCall(
    ctx: CallContext & { hostHeader?: string },
    provider: ServiceProvider,
    model: ServiceModel,
    operation: OperationModel,
    input: Params,
    outcome: CallOutcome,
  ): CloudTrailRecord | undefined {
    if (!this.enabled) return undefined;
    const readOnly = provider.isReadOnly?.(operation.name) ?? isReadOnlyOperation(operation.name);
    const record = buildRecord({
      eventVersion: this.eventVersion,
      principal: ctx.principal,
      eventTime: ctx.now,
      eventSource: provider.eventSource,
      eventName: operation.name,
      awsRegion: ctx.region,
      sourceIp: ctx.sourceIp,
      userAgent: ctx.userAgent,
      error: outcome.error,
      requestParameters: provider.requestParameters
        ? provider.requestParameters(operation.name, input, ctx)
        : toEventParameters(model, operation.input, input),
      // Read-only and failed calls log no responseElements (buildRecord writes null): not built.
      responseElements: !outcome.output || readOnly ? null : provider.responseElements
        ? provider.responseElements(operation.name, outcome.output, ctx)
        : toEventParameters(model, operation.output, outcome.output),
      additionalEventData: ctx.additionalEventData,
      requestId: ctx.requestId,
      eventId: ctx.ids.timeOrderedUuid(ctx.now),
      readOnly,
      eventCategory: provider.eventCategory?.(operation.name) ?? 'Management',
      resources: ctx.resources,
      recipientAccountId: ctx.accountId,
      hostHeader: ctx.hostHeader,
    });
    this.events.append(record, { username: lookupUserName(ctx.principal), resources: ctx.resources });
    return record;
  }

  /** A console sign-in attempt (ConsoleLogin); call inside the transaction of the session it
   * creates. `username` is Event history's User name (the hidden marker for an unknown user). */
  recordSignIn(input: Omit<SignInRecordInput, 'eventVersion'>, username: string | undefined): CloudTrailRecord | undefined {
    if (!this.enabled) return undefined;
    const record = buildSignInRecord({ ...input, eventVersion: this.eventVersion });
    this.events.append(record, { username, resources: [] });
    return record;
  }
}
