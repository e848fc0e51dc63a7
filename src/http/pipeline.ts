/**
 * The one path an AWS API call takes (DESIGN.md):
 *   wire (service from the SigV4 scope, operation + input from the model)
 *   -> auth (SigV4, principal, IAM policies)
 *   -> provider handler inside one transaction
 *   -> audit record in that same transaction
 *   -> wire (output or error in the service's protocol).
 * Calls that fail authentication are logged, not recorded (AWS does not record them).
 * The web console's session calls enter after the wire and SigV4 (callAuthenticated) and take
 * the same steps from there.
 */
import type { Logger } from 'pino';
import { AwsError, isAwsError } from '../core/aws-error.ts';
import type { CallContext, ResourceRef, ServiceProvider } from '../core/service.ts';
import type { StagedHandler } from '../core/staged-call.ts';
import type { Clock, IdSource } from '../core/clock.ts';
import type { Principal } from '../core/principal.ts';
import type { Config } from '../config.ts';
import type { Db } from '../storage/db.ts';
import type { HttpRequest, HttpResponse, OperationModel, Params, Protocol, ServiceModel } from '../wire/types.ts';
import { getServiceModel } from '../wire/models.ts';
import { protocolFor } from '../wire/protocols/index.ts';
import { validateInput, formatValidationMessage } from '../wire/validate.ts';
import { readCredentialScope, verifySigV4, SigV4Failure, authError, type PayloadSigning } from '../auth/sigv4/index.ts';
import type { IdentityStore, ResolvedCredentials } from '../auth/identities/index.ts';
import { authorizeCall } from '../auth/authorize.ts';
import type { Recorder } from '../audit/recorder.ts';
import { noCredentialsResponse, unknownServiceResponse } from './unrouted.ts';
import { bufferBody } from './read-body.ts';

export interface PipelineDeps {
  config: Config;
  db: Db;
  clock: Clock;
  ids: IdSource;
  identities: IdentityStore;
  recorder: Recorder;
  providers: Map<string, ServiceProvider>;
  log: Logger;
}

export interface CallLog {
  service?: string;
  operation?: string;
  principal?: string;
  errorCode?: string;
  authFailure?: string;
}

export interface IncomingCall {
  req: HttpRequest;
  sourceIp: string;
  requestId: string;
}

/** A call whose principal is already known and whose input is already typed Params (the web
 * console's session calls): no SigV4, no wire parsing, no Host header (so no tlsDetails). */
export interface AuthenticatedCall {
  requestId: string;
  sourceIp: string;
  userAgent: string;
  principal: Principal;
  /** Signing name of the service (cloudtrail, iam, ...). */
  service: string;
  /** Operation name as in the model. */
  operation: string;
  input: Params;
  /** Region called; global services record in theirs. */
  region: string;
}

/** Who signed a request, as step 1 (authenticate) found. */
export interface Authenticated {
  principal: Principal;
  region: string;
  service: string;
  now: Date;
  presigned: boolean;
  /** What a body still to be read must match (streamed S3 uploads). */
  payload: PayloadSigning;
}

export class ApiPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  async handle(call: IncomingCall, log: CallLog): Promise<HttpResponse> {
    const { req, requestId } = call;
    const scope = readCredentialScope(req);
    if (!scope) return noCredentialsResponse(req, requestId);
    log.service = scope.service;
    const provider = this.deps.providers.get(scope.service);
    const model = provider && getServiceModel(scope.service);
    if (!provider || !model) return unknownServiceResponse(req, scope.service, requestId);
    const protocol = protocolFor(model);

    if (req.bodyStream) {
      // The HTTP front left the body unread: the provider reads or streams it (S3 uploads).
      try {
        if (provider.receiveBody) await provider.receiveBody(req, this.deps.config);
        else await bufferBody(req, this.deps.config.maxBodyBytes, () => new AwsError('RequestEntityTooLarge', `Request body exceeds the limit of ${this.deps.config.maxBodyBytes} bytes.`, { status: 413 }));
      } catch (e) {
        return this.errorResponse(protocol, model, e, requestId, log);
      }
    }

    const auth = this.authenticate(req, log);
    if (auth instanceof SigV4Failure) {
      const err = authError(auth, model.metadata.protocol as 'json' | 'rest-json' | 'query' | 'rest-xml');
      log.errorCode = err.code;
      return protocol.serializeError(model, err, requestId);
    }

    let operation: OperationModel;
    let input: Params;
    try {
      const parsed = provider.requestToParse ? await provider.requestToParse(req, auth.payload, this.deps.config) : req;
      ({ operation, input } = protocol.parseRequest(model, parsed));
    } catch (e) {
      return this.errorResponse(protocol, model, e, requestId, log);
    }
    log.operation = operation.name;

    const ctx = this.callContext(call, auth, scope.service, operation.name, provider.globalRegion ?? auth.region);
    try {
      const output = await this.execute(ctx, provider, model, operation, input, log);
      const response = protocol.serializeResponse(model, operation, output, requestId);
      if (ctx.responseHeaders) Object.assign(response.headers, ctx.responseHeaders);
      if (ctx.responseStatus) response.status = ctx.responseStatus;
      return response;
    } catch (e) {
      return this.errorResponse(protocol, model, e, requestId, log);
    }
  }

  /**
   * The steps after the wire and SigV4 for a caller already authenticated another way and an
   * operation already parsed: the web console's session calls (src/console/server/api-call.ts).
   * Unknown services and operations throw AwsError before anything runs (not recorded, as a
   * wire-level failure is not); from there on it is exactly handle()'s path: validation, IAM,
   * the handler and the record in one transaction. Returns the output Params or throws the
   * (recorded) AwsError.
   */
  async callAuthenticated(call: AuthenticatedCall, log: CallLog): Promise<Params> {
    log.service = call.service;
    log.principal = call.principal.arn;
    const provider = this.deps.providers.get(call.service);
    const model = provider && getServiceModel(call.service);
    if (!provider || !model) {
      throw new AwsError('UnknownServiceException', `The service '${call.service.slice(0, 64)}' is not provided by this endpoint.`, { status: 400 });
    }
    const operation = Object.hasOwn(model.operations, call.operation) ? model.operations[call.operation]! : undefined;
    if (!operation) {
      throw new AwsError('UnknownOperationException', `${model.metadata.serviceId} has no operation ${call.operation.slice(0, 100)}.`, { status: 400 });
    }
    log.operation = operation.name;
    const ctx: CallContext = {
      requestId: call.requestId,
      service: call.service,
      operation: operation.name,
      region: provider.globalRegion ?? call.region,
      accountId: call.principal.accountId,
      principal: call.principal,
      sourceIp: call.sourceIp,
      userAgent: call.userAgent,
      now: this.deps.clock.now(),
      db: this.deps.db,
      clock: this.deps.clock,
      ids: this.deps.ids,
      config: this.deps.config,
      resources: [],
    };
    try {
      return await this.execute(ctx, provider, model, operation, call.input, log);
    } catch (e) {
      const error = isAwsError(e) ? e : this.internalError(e, log);
      log.errorCode = error.code;
      throw error;
    }
  }

  /** Step 3 by the kind of handler: staged (runStaged) or a synchronous one (runAudited). */
  private execute(
    ctx: CallContext & { hostHeader?: string },
    provider: ServiceProvider,
    model: ServiceModel,
    operation: OperationModel,
    input: Params,
    log: CallLog,
  ): Promise<Params> {
    const staged = provider.stagedHandlers?.[operation.name];
    if (staged) return this.runStaged(ctx, provider, model, operation, input, log, staged);
    return this.runAudited(ctx, provider, model, operation, input, log, () => {
      const handler = provider.handlers[operation.name];
      if (!handler) {
        throw new AwsError('UnsupportedOperationException', `${operation.name} is not supported by HealthTrail yet.`);
      }
      const result = handler(ctx, input);
      if (result instanceof Promise) throw new Error(`handler ${operation.name} must be synchronous`);
      return result;
    }, () => this.checkInput(provider, model, operation, input));
  }

  /**
   * Step 1, shared by every front (AWS protocols, FHIR REST): verify SigV4 and resolve the
   * principal. A failure is returned (and logged), never recorded: AWS records no event for it.
   */
  authenticate(req: HttpRequest, log: CallLog): Authenticated | SigV4Failure {
    const now = this.deps.clock.now();
    let credentials: ResolvedCredentials | undefined;
    let verified;
    try {
      verified = verifySigV4(req, (id) => (credentials = this.deps.identities.lookupCredentials(id)), now);
    } catch (e) {
      if (!(e instanceof SigV4Failure)) throw e;
      log.authFailure = e.kind;
      return e;
    }
    const principal = credentials!.principal;
    log.principal = principal.arn;
    return { principal, region: verified.region, service: verified.service, now, presigned: verified.presigned, payload: verified.payload ?? {} };
  }

  /** Step 2: the context a handler and the recorder see for one call. */
  callContext(call: IncomingCall, auth: Authenticated, service: string, operation: string, region: string): CallContext & { hostHeader?: string } {
    return {
      requestId: call.requestId,
      service,
      operation,
      region,
      accountId: auth.principal.accountId,
      principal: auth.principal,
      sourceIp: call.sourceIp,
      userAgent: call.req.headers['user-agent'] ?? '',
      now: auth.now,
      db: this.deps.db,
      clock: this.deps.clock,
      ids: this.deps.ids,
      config: this.deps.config,
      resources: [],
      hostHeader: call.req.headers.host,
      http: {
        method: call.req.method,
        path: call.req.path,
        query: call.req.query,
        headers: call.req.headers,
        presigned: auth.presigned,
        ...(call.req.bodyStream ? { body: { raw: call.req.bodyStream, signing: auth.payload } } : {}),
      },
    };
  }

  /**
   * A call the server makes itself as `call.principal` (a job acting as its assumed role:
   * src/services/shared/role-scoped-objects.ts) whose work is not a handler (object bytes are
   * streamed, outside any transaction): IAM authorization exactly as for a client's call, then
   * `work`, then the call's record — the refusal or failure is recorded too. `resources` are
   * the record's resources[] entries.
   */
  async serviceCall<T>(call: AuthenticatedCall, resources: ResourceRef[], work: () => Promise<T>): Promise<T> {
    const provider = this.deps.providers.get(call.service);
    const model = provider && getServiceModel(call.service);
    const operation = model && Object.hasOwn(model.operations, call.operation) ? model.operations[call.operation]! : undefined;
    if (!provider || !model || !operation) throw new Error(`no operation ${call.service}:${call.operation}`);
    const ctx: CallContext = {
      requestId: call.requestId, service: call.service, operation: operation.name, region: provider.globalRegion ?? call.region,
      accountId: call.principal.accountId, principal: call.principal, sourceIp: call.sourceIp, userAgent: call.userAgent,
      now: this.deps.clock.now(), db: this.deps.db, clock: this.deps.clock, ids: this.deps.ids, config: this.deps.config, resources: [],
    };
    let result: T;
    try {
      this.authorize(ctx, provider, call.input);
      ctx.resources.push(...resources);
      result = await work();
    } catch (e) {
      const error = isAwsError(e) ? e : this.internalError(e, { operation: operation.name });
      await this.deps.db.batched(() => this.deps.recorder.recordCall(ctx, provider, model, operation, call.input, { error }));
      throw error;
    }
    await this.deps.db.batched(() => this.deps.recorder.recordCall(ctx, provider, model, operation, call.input, { output: {} }));
    return result;
  }

  /** The principal that temporary or long-term credentials stand for (undefined if unknown). */
  principalOf(accessKeyId: string): Principal | undefined {
    return this.deps.identities.lookupCredentials(accessKeyId)?.principal;
  }

  /** IAM authorization alone (for sub-requests such as Bundle entries); throws the AccessDenied error. */
  authorize(ctx: CallContext, provider: ServiceProvider, input: Params): void {
    authorizeCall(ctx, provider, (p) => this.deps.identities.policiesFor(p), input);
  }

  /**
   * Step 3: `check` (input validation), IAM authorization, `work` and the call's CloudTrail
   * record, in one group-committed transaction. When any of it fails the change rolls back and
   * the failed call is recorded on its own; the error (an AwsError) is thrown to the caller.
   * `work` must be synchronous: the transaction cannot span an await.
   */
  async runAudited<T>(
    ctx: CallContext & { hostHeader?: string },
    provider: ServiceProvider,
    model: ServiceModel,
    operation: OperationModel,
    input: Params,
    log: CallLog,
    work: () => T,
    check?: () => void,
  ): Promise<T> {
    try {
      return await this.deps.db.batched(() => {
        check?.();
        this.authorize(ctx, provider, input);
        const result = work();
        this.deps.recorder.recordCall(ctx, provider, model, operation, input, { output: result as Params });
        return result;
      });
    } catch (e) {
      const error = isAwsError(e) ? e : this.internalError(e, log);
      // The change rolled back; the refused or failed call is still an event.
      ctx.resources.length = 0;
      await this.deps.db.batched(() => this.deps.recorder.recordCall(ctx, provider, model, operation, input, { error }));
      throw error;
    }
  }

  /**
   * Step 3 for calls that also work outside the database (core/staged-call.ts): validation and
   * IAM first, so nothing is staged for a refused call; then prepare outside the transaction,
   * commit with the record inside it (runAudited), and publish once it is durable.
   */
  async runStaged(
    ctx: CallContext & { hostHeader?: string },
    provider: ServiceProvider,
    model: ServiceModel,
    operation: OperationModel,
    input: Params,
    log: CallLog,
    staged: StagedHandler,
  ): Promise<Params> {
    let prepared: unknown;
    try {
      this.checkInput(provider, model, operation, input);
      authorizeCall(ctx, provider, (p) => this.deps.identities.policiesFor(p), input);
      prepared = await staged.prepare(ctx, input);
    } catch (e) {
      const error = isAwsError(e) ? e : this.internalError(e, log);
      ctx.resources.length = 0;
      await this.deps.db.batched(() => this.deps.recorder.recordCall(ctx, provider, model, operation, input, { error }));
      throw error;
    }
    let output: Params;
    try {
      output = await this.runAudited(ctx, provider, model, operation, input, log, () => staged.commit(ctx, input, prepared));
    } catch (e) {
      await staged.discard?.(ctx, prepared).catch((err: unknown) => this.deps.log.error({ err }, 'discarding a staged call failed'));
      throw e;
    }
    if (staged.publish) {
      try {
        await staged.publish(ctx, prepared);
      } catch (e) {
        // Committed and recorded: the provider replays the publish at its next start.
        this.deps.log.error({ err: e, operation: operation.name }, 'publish after commit failed');
        throw this.internalError(e, log);
      }
    }
    return output;
  }

  private checkInput(provider: ServiceProvider, model: ServiceModel, operation: OperationModel, input: Params): void {
    const violations = validateInput(model, operation, input);
    if (violations.length === 0) return provider.checkInput?.(operation.name, input);
    const code = provider.validationCodeFor?.(operation.name, violations[0]!.path) ?? provider.validationErrorCode;
    throw new AwsError(code, formatValidationMessage(violations));
  }

  private internalError(e: unknown, log: CallLog): AwsError {
    this.deps.log.error({ err: e, operation: log.operation }, 'unhandled error in handler');
    return new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', {
      status: 500, sender: false,
    });
  }

  private errorResponse(protocol: Protocol, model: ServiceModel, e: unknown, requestId: string, log: CallLog): HttpResponse {
    const error = isAwsError(e) ? e : this.internalError(e, log);
    log.errorCode = error.code;
    return protocol.serializeError(model, error, requestId);
  }
}
