/**
 * AWS HealthOmics (signing name and event source `omics`, rest-json, 107 operations). Every
 * operation carries a host prefix (workflows-, control-storage-, storage-, analytics-, tags-):
 * the wire layer routes on method and path alone (unambiguous across all 107 operations), so
 * the Host header, prefixed or not, plays no part. The planes (plane.ts) bring their handlers;
 * tags are shared by all. An operation no plane has built answers UnsupportedOperationException
 * naming it (the pipeline), recorded like any call.
 */
import type { Authorization, CallContext, Handler, ServiceProvider } from '../../core/service.ts';
import type { StagedHandler } from '../../core/staged-call.ts';
import type { HttpRequest, Params } from '../../wire/types.ts';
import { passRoleCheck } from '../../auth/pass-role.ts';
import { bufferBody } from '../../http/read-body.ts';
import { AwsError } from '../../core/aws-error.ts';
import { getServiceModel } from '../../wire/models.ts';
import { restJsonProtocol } from '../../wire/protocols/rest-json.ts';
import { OMICS_SERVICE_PRINCIPAL } from './arns.ts';
import { omicsEventCategory } from './event-category.ts';
import type { OmicsPlane } from './plane.ts';
import { OmicsResources } from './resources.ts';
import { tagHandlers } from './tags/tag-handlers.ts';
import type { OmicsTagStore, TagMap } from './tags/tag-store.ts';

/** Whether a request is one whose body the HTTP front must leave unread (UploadReadSetPart). */
export function omicsStreamsBody(req: HttpRequest): boolean {
  return restJsonProtocol.streamsRequestBody!(getServiceModel('omics')!, req);
}

/** `tags` is shared with the planes (creation-time tags, deletion). */
export function omicsProvider(tags: OmicsTagStore, planes: OmicsPlane[]): ServiceProvider {
  const resources = new OmicsResources();
  const handlers: Record<string, Handler> = { ...tagHandlers(tags, resources) };
  const stagedHandlers: Record<string, StagedHandler> = {};
  for (const plane of planes) {
    Object.assign(handlers, plane.handlers);
    Object.assign(stagedHandlers, plane.stagedHandlers ?? {});
    plane.registerResources?.(resources);
  }
  const resourceArns = (ctx: CallContext, operation: string, input: Params): string[] => {
    if (typeof input.resourceArn === 'string' && ['TagResource', 'UntagResource', 'ListTagsForResource'].includes(operation)) return [input.resourceArn];
    for (const plane of planes) {
      const arns = plane.resourceArns(ctx, operation, input);
      if (arns) return arns;
    }
    return ['*'];
  };
  return {
    signingName: 'omics',
    eventSource: 'omics.amazonaws.com',
    actionPrefix: 'omics',
    validationErrorCode: 'ValidationException',
    accessDenied: { code: 'AccessDeniedException', status: 403 },
    handlers,
    stagedHandlers,
    eventCategory: omicsEventCategory,
    async receiveBody(req, cfg) {
      if (omicsStreamsBody(req)) return;
      await bufferBody(req, cfg.maxBodyBytes, () => new AwsError('ValidationException', `Request body exceeds the limit of ${cfg.maxBodyBytes} bytes.`, { status: 413 }));
    },
    authorize: (ctx, operation, input) => resourceArns(ctx, operation, input),
    // One check per targeted resource, with its tags as aws:ResourceTag/<key>; the request's own
    // tags as aws:RequestTag/<key> and aws:TagKeys; and iam:PassRole for a role handed over.
    authorizations(ctx, operation, input) {
      const requestTags = requestTagKeys(operation, input);
      const checks: Authorization[] = resourceArns(ctx, operation, input).map((arn) => ({
        action: `omics:${operation}`,
        resources: [arn],
        conditionKeys: { ...resourceTagKeys(tags, arn), ...requestTags },
      }));
      for (const plane of planes) {
        const role = plane.passedRole?.(operation, input);
        if (role) checks.push(passRoleCheck(role, OMICS_SERVICE_PRINCIPAL));
      }
      return checks;
    },
  };
}

function resourceTagKeys(tags: OmicsTagStore, arn: string): Record<string, string> {
  if (arn === '*') return {};
  const keys: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags.tags(arn))) keys[`aws:ResourceTag/${k}`] = v;
  return keys;
}

function requestTagKeys(operation: string, input: Params): Record<string, string | string[]> {
  const given = (operation === 'UntagResource' ? undefined : input.tags) as TagMap | undefined;
  const keys: Record<string, string | string[]> = {};
  if (operation === 'UntagResource' && Array.isArray(input.tagKeys)) keys['aws:TagKeys'] = input.tagKeys as string[];
  if (!given || typeof given !== 'object') return keys;
  for (const [k, v] of Object.entries(given)) keys[`aws:RequestTag/${k}`] = v;
  keys['aws:TagKeys'] = Object.keys(given);
  return keys;
}
