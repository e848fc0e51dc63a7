/**
 * The one path an AWS API call takes (DESIGN.md):
 *   wire (service from the SigV4 scope, operation + input from the model)
 *   -> auth (SigV4, principal, IAM policies)
 *   -> provider handler inside one transaction
 *   -> audit record in that same transaction
 *   -> wire (output or error in the service's protocol).
 * Calls that fail authentication are logged, not recorded (AWS does not record them).
 */
import type { Logger } from 'pino';
import { AwsError, isAwsError } from '../core/aws-error.ts';
import type { CallContext, ServiceProvider } from '../core/service.ts';
import type { Clock, IdSource } from '../core/clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../storage/db.ts';
import type { HttpRequest, HttpResponse, OperationModel, Params, Protocol, ServiceModel } from '../wire/types.ts';
import { getServiceModel } from '../wire/models.ts';
import { protocolFor } from '../wire/protocols/index.ts';
import { validateInput, formatValidationMessage } from '../wire/validate.ts';
import { readCredentialScope, verifySigV4, SigV4Failure, authError } from '../auth/sigv4/index.ts';
import type { IdentityStore, ResolvedCredentials } from '../auth/identities/index.ts';
import { authorizeCall } from '../auth/authorize.ts';
import type { Recorder } from '../audit/recorder.ts';
import { noCredentialsResponse, unknownServiceResponse } from './unrouted.ts';

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

    const now = this.deps.clock.now();
    let verified;
    let credentials: ResolvedCredentials | undefined;
    try {
      verified = verifySigV4(req, (id) => (credentials = this.deps.identities.lookupCredentials(id)), now);
    } catch (e) {
      if (!(e instanceof SigV4Failure)) throw e;
      log.authFailure = e.kind;
      const err = authError(e, model.metadata.protocol as 'json' | 'rest-json' | 'query' | 'rest-xml');
      log.errorCode = err.code;
      return protocol.serializeError(model, err, requestId);
    }
    const principal = credentials!.principal;
    log.principal = principal.arn;

    let operation: OperationModel;
    let input: Params;
    try {
      ({ operation, input } = protocol.parseRequest(model, req));
    } catch (e) {
      return this.errorResponse(protocol, model, e, requestId, log);
    }
    log.operation = operation.name;

    const ctx: CallContext & { hostHeader?: string } = {
      requestId,
      service: scope.service,
      operation: operation.name,
      region: provider.globalRegion ?? verified.region,
      accountId: principal.accountId,
      principal,
      sourceIp: call.sourceIp,
      userAgent: req.headers['user-agent'] ?? '',
      now,
      db: this.deps.db,
      clock: this.deps.clock,
      ids: this.deps.ids,
      config: this.deps.config,
      resources: [],
      hostHeader: req.headers.host,
    };

    try {
      const output = await this.deps.db.batched(() => {
        this.checkInput(provider, model, operation, input);
        authorizeCall(ctx, provider, (p) => this.deps.identities.policiesFor(p), input);
        const handler = provider.handlers[operation.name];
        if (!handler) {
          throw new AwsError('UnsupportedOperationException', `${operation.name} is not supported by HealthTrail yet.`);
        }
        const result = handler(ctx, input);
        if (result instanceof Promise) throw new Error(`handler ${operation.name} must be synchronous`);
        this.deps.recorder.recordCall(ctx, provider, model, operation, input, { output: result });
        return result;
      });
      const response = protocol.serializeResponse(model, operation, output, requestId);
      if (ctx.responseHeaders) Object.assign(response.headers, ctx.responseHeaders);
      return response;
    } catch (e) {
      const error = isAwsError(e) ? e : this.internalError(e, log);
      // The change rolled back; the refused or failed call is still an event.
      ctx.resources.length = 0;
      await this.deps.db.batched(() => this.deps.recorder.recordCall(ctx, provider, model, operation, input, { error }));
      return this.errorResponse(protocol, model, error, requestId, log);
    }
  }

  private checkInput(provider: ServiceProvider, model: ServiceModel, operation: OperationModel, input: Params): void {
    const violations = validateInput(model, operation, input);
    if (violations.length === 0) return;
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
