/**
 * HTTP glue of the HealthLake FHIR data plane (/datastore/{id}/r4/...). A FHIR call takes the
 * API pipeline's own steps — SigV4 -> principal, then IAM authorization, the interaction and its
 * CloudTrail record in one transaction — with FHIR's routing and OperationOutcome errors in
 * place of an AWS protocol. The eventName is HealthLake's IAM action for the interaction.
 */
import { passRoleCheck } from '../auth/pass-role.ts';
import { HEALTHLAKE_SERVICE_PRINCIPAL } from '../services/healthlake/jobs/data-access-role.ts';
import type { Config } from '../config.ts';
import type { Db } from '../storage/db.ts';
import type { CallContext, ServiceProvider } from '../core/service.ts';
import type { HttpResponse, OperationModel, Params } from '../wire/types.ts';
import { AwsError, isAwsError } from '../core/aws-error.ts';
import { getServiceModel } from '../wire/models.ts';
import { authError, readCredentialScope, SigV4Failure } from '../auth/sigv4/index.ts';
import type { ApiPipeline, Authenticated, CallLog, IncomingCall } from './pipeline.ts';
import { DatastoreStore } from '../services/healthlake/datastore-store.ts';
import { DATASTORE_RESOURCE_TYPE, datastoreArn, datastoreEndpoint } from '../services/healthlake/arns.ts';
import { FhirRepository } from '../services/healthlake/fhir/repository.ts';
import { FhirError, isFhirError, outcomeFor } from '../services/healthlake/fhir/errors.ts';
import { isReadOnlyAction, routeFhir, type FhirRoute } from '../services/healthlake/fhir/routes.ts';
import { runInteraction } from '../services/healthlake/fhir/interactions.ts';
import type { FhirContext, FhirRequest, FhirResult } from '../services/healthlake/fhir/context.ts';
import type { ValidationLevel } from '../services/healthlake/fhir/validation.ts';
import type { ObjectStore } from '../objects/object-store.ts';

export const FHIR_PATH = /^\/datastore\/([^/]+)\/r4(\/.*)?$/;

/** How FHIR calls appear to IAM and CloudTrail: healthlake:<Action> on the datastore ARN. */
const fhirProvider: ServiceProvider = {
  signingName: 'healthlake',
  eventSource: 'healthlake.amazonaws.com',
  actionPrefix: 'healthlake',
  validationErrorCode: 'ValidationException',
  accessDenied: { code: 'AccessDeniedException', status: 403 },
  handlers: {},
  authorize: (ctx, _operation, input) => [datastoreArn(ctx.region, ctx.accountId, String(input.datastoreId))],
  isReadOnly: isReadOnlyAction,
  // Identifiers only: never resource content or search values (PHI).
  requestParameters: (_operation, input) => ({ ...input }),
  responseElements: (operation, output) => (isReadOnlyAction(operation) ? null : ((output as unknown as FhirResult).audit ?? null)),
};

const VALIDATION_LEVELS = new Set(['strict', 'structure-only', 'minimal']);

function outcomeResponse(status: number, body: unknown, requestId: string, errorType?: string, extra: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: {
      'content-type': 'application/fhir+json',
      'x-amzn-requestid': requestId,
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      ...extra,
    },
    body: JSON.stringify(body),
  };
}

function errorResponse(e: AwsError, requestId: string): HttpResponse {
  if (isFhirError(e)) return outcomeResponse(e.status ?? 400, e.resource ?? e.outcome, requestId, e.code, e.headers);
  const status = e.status ?? (e.sender ? 400 : 500);
  const code = status === 403 ? 'forbidden' : status >= 500 ? 'exception' : 'processing';
  return outcomeResponse(status, outcomeFor('error', code, e.message), requestId, e.code, e.headers);
}

/**
 * The error as CloudTrail records it: FHIR diagnostics quote the offending values (a gender, a
 * date, a search value...), which are PHI, so the recorded errorMessage has every quoted part
 * masked. The caller still gets the full OperationOutcome (errorResponse reads e.outcome).
 */
function withoutQuotedValues(e: FhirError): FhirError {
  const masked = Object.create(Object.getPrototypeOf(e) as object, Object.getOwnPropertyDescriptors(e)) as FhirError;
  Object.defineProperty(masked, 'message', { value: e.message.replace(/'[^']*'|"[^"]*"/g, (q) => `${q[0]}***${q[0]}`), writable: true, configurable: true });
  return masked;
}

function preferences(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(/[;,]/)) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (k) out[k.toLowerCase()] = (v ?? '').replace(/^"|"$/g, '');
  }
  return out;
}

function decodeSegments(rest: string): string[] | undefined {
  try {
    return rest.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

function queryPairs(query: string): [string, string][] {
  return [...new URLSearchParams(query).entries()];
}

export class FhirGateway {
  private readonly repo: FhirRepository;
  private readonly datastores: DatastoreStore;
  private readonly model = getServiceModel('healthlake')!;

  /** `objects` holds the output of GET-initiated exports, which GetExportedFile streams back. */
  constructor(private readonly pipeline: ApiPipeline, db: Db, private readonly config: Config, private readonly objects: ObjectStore) {
    this.repo = new FhirRepository(db);
    this.datastores = new DatastoreStore(db, {
      transitionMs: config.datastoreTransitionSeconds * 1000,
      deletedRetentionMs: config.deletedDatastoreRetentionDays * 86_400_000,
    });
  }

  async handle(call: IncomingCall, log: CallLog): Promise<HttpResponse> {
    const { req, requestId } = call;
    log.service = 'healthlake';
    const scope = readCredentialScope(req);
    if (!scope) return outcomeResponse(403, outcomeFor('error', 'security', 'Missing Authentication Token'), requestId, 'MissingAuthenticationTokenException');
    if (scope.service !== 'healthlake') {
      return outcomeResponse(403, outcomeFor('error', 'security', `Credential should be scoped to correct service: 'healthlake'.`), requestId, 'InvalidSignatureException');
    }
    const auth = this.pipeline.authenticate(req, log);
    if (auth instanceof SigV4Failure) {
      const err = authError(auth, 'rest-json');
      log.errorCode = err.code;
      return outcomeResponse(err.status ?? 403, outcomeFor('error', 'security', err.message), requestId, err.code);
    }
    return this.handleAuthenticated(call, auth, log);
  }

  /**
   * The interaction for a caller already authenticated: by SigV4 (handle above) or by the web
   * console's session (src/console/server/fhir-proxy.ts, which sends its own request with the
   * console's user agent and no Host header). `call.req.path` is /datastore/{id}/r4/...
   */
  async handleAuthenticated(call: IncomingCall, auth: Authenticated, log: CallLog): Promise<HttpResponse> {
    const { req, requestId } = call;
    const m = FHIR_PATH.exec(req.path);
    if (!m) return outcomeResponse(404, outcomeFor('error', 'not-found', 'Not a FHIR path of a datastore.'), requestId);
    const datastoreId = m[1]!;
    log.service = 'healthlake';
    log.principal = auth.principal.arn;

    const segments = decodeSegments(m[2] ?? '');
    let route: FhirRoute;
    try {
      if (!segments) throw new FhirError(400, 'The request path is not valid percent-encoding.');
      route = routeFhir(req.method, segments, req.query.length > 0);
    } catch (e) {
      const err = isAwsError(e) ? e : new FhirError(400, String(e));
      log.errorCode = err.code;
      return errorResponse(err, requestId);
    }
    log.operation = route.action;

    const ctx = this.pipeline.callContext(call, auth, 'healthlake', route.action, auth.region);
    const input: Params = { datastoreId };
    if (route.resourceType) input.resourceType = route.resourceType;
    if (route.id) input.resourceId = route.id;
    if (route.vid) input.versionId = route.vid;
    const operation: OperationModel = { name: route.action, http: { method: req.method, requestUri: '/datastore/{datastoreId}/r4/' } };
    const request: FhirRequest = {
      method: req.method, resourceType: route.resourceType, id: route.id, vid: route.vid,
      params: queryPairs(req.query), query: req.query, headers: req.headers, body: req.body,
    };

    this.repo.ready();
    let result: FhirResult;
    try {
      result = await this.pipeline.runAudited(ctx, fhirProvider, this.model, operation, input, log, () => {
        const fctx = this.fhirContext(ctx, datastoreId, request, input);
        let out: FhirResult;
        try {
          out = runInteraction(fctx, route, request);
        } catch (e) {
          throw isFhirError(e) ? withoutQuotedValues(e) : e;
        }
        if (out.audit?.searchParameterNames) input.searchParameterNames = out.audit.searchParameterNames as string[];
        if (out.audit?.bundleType) { input.bundleType = out.audit.bundleType as string; input.entryCount = out.audit.entryCount as number; }
        return out;
      });
    } catch (e) {
      const err = isAwsError(e) ? e : new AwsError('InternalFailure', 'Internal server error', { status: 500 });
      log.errorCode = err.code;
      return errorResponse(err, requestId);
    }
    if (result.file) return this.streamFile(result.file, requestId, log);
    return this.serialize(result, request, requestId);
  }

  private async streamFile(file: NonNullable<FhirResult['file']>, requestId: string, log: CallLog): Promise<HttpResponse> {
    const object = await this.objects.get(file.bucket, file.key);
    if (!object) {
      // Listed by its finished job but gone from the store (removed by hand).
      log.errorCode = 'ResourceNotFoundException';
      return outcomeResponse(404, outcomeFor('error', 'not-found', 'The exported file is no longer stored.'), requestId, log.errorCode);
    }
    return {
      status: 200,
      headers: { 'x-amzn-requestid': requestId, 'content-type': file.contentType, 'content-length': String(object.info.size) },
      body: '',
      stream: object.body,
    };
  }

  /** The datastore must exist and be ACTIVE; then the interaction's context. */
  private fhirContext(ctx: CallContext, datastoreId: string, req: FhirRequest, input: Params): FhirContext {
    const row = this.datastores.get(ctx.accountId, ctx.region, datastoreId, ctx.now.getTime());
    if (!row) throw new FhirError(404, `Datastore ${datastoreId} does not exist.`, { code: 'ResourceNotFoundException' });
    ctx.resources.push({ type: DATASTORE_RESOURCE_TYPE, name: datastoreId, arn: datastoreArn(row.region, row.accountId, datastoreId), accountId: row.accountId });
    if (row.status !== 'ACTIVE') {
      throw new FhirError(400, `Datastore ${datastoreId} is ${row.status}; only an ACTIVE datastore serves FHIR requests.`, { code: 'ValidationException', issueCode: 'processing' });
    }
    const level = req.headers['x-amzn-healthlake-fhir-validation-level'] ?? 'strict';
    if (!VALIDATION_LEVELS.has(level)) throw new FhirError(400, `x-amzn-healthlake-fhir-validation-level must be strict, structure-only or minimal.`);
    const prefer = preferences(req.headers.prefer);
    return {
      repo: this.repo,
      store: this.repo.store(datastoreId),
      datastoreId,
      base: datastoreEndpoint(this.config, datastoreId),
      now: ctx.now,
      ids: ctx.ids,
      validationLevel: level as ValidationLevel,
      strictSearch: prefer.handling === 'strict',
      maxResourceBytes: this.config.maxBodyBytes,
      bundleEntryLimit: this.config.fhirBundleEntryLimit,
      caller: {
        accountId: ctx.accountId, region: ctx.region,
        authorizePassRole: (roleArn: string) => forbiddenAsFhir(() => this.pipeline.authorize(ctx,
          { ...fhirProvider, authorizations: () => [passRoleCheck(roleArn, HEALTHLAKE_SERVICE_PRINCIPAL)] }, input)),
      },
      authorizeEntry: (action: string) => forbiddenAsFhir(() => this.pipeline.authorize({ ...ctx, operation: action }, fhirProvider, input)),
    };
  }

  private serialize(result: FhirResult, req: FhirRequest, requestId: string): HttpResponse {
    const headers: Record<string, string> = { 'x-amzn-requestid': requestId, ...(result.headers ?? {}) };
    let body: unknown = result.body;
    if (result.written) {
      const want = preferences(req.headers.prefer).return;
      if (want === 'minimal') body = undefined;
      else if (want === 'OperationOutcome') {
        body = outcomeFor('information', 'informational', `${req.method} succeeded: ${String(result.audit?.resourceId ?? '')} version ${String(result.audit?.versionId ?? '')}`);
      }
    }
    const text = result.bodyText;
    if ((body === undefined && text === undefined) || req.method === 'HEAD' || result.status === 204) return { status: result.status, headers, body: '' };
    headers['content-type'] = 'application/fhir+json';
    return { status: result.status, headers, body: text ?? JSON.stringify(body) };
  }
}

/** An IAM refusal inside a FHIR interaction answers 403 with an OperationOutcome. */
function forbiddenAsFhir(check: () => void): void {
  try {
    check();
  } catch (e) {
    if (isAwsError(e) && e.code === 'AccessDeniedException') throw new FhirError(403, e.message, { code: e.code, issueCode: 'forbidden' });
    throw e;
  }
}
