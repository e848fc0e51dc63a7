/**
 * GET /console/api/s3-object?bucket=B&key=K[&region=R]: the bytes of an object, by GetObject
 * through the API pipeline as the session's principal (IAM, a recorded data event with the
 * console's user agent). Always served as an attachment of type application/octet-stream, so a
 * delivered file can never render as a page of the console's origin.
 */
import { Readable } from 'node:stream';
import { isAwsError } from '../../core/aws-error.ts';
import type { ApiPipeline, CallLog } from '../../http/pipeline.ts';
import type { HttpRequest, HttpResponse, Params } from '../../wire/types.ts';
import { getServiceModel } from '../../wire/models.ts';
import { awsErrorResponse, CONSOLE_USER_AGENT, type ConsoleCaller } from './api-call.ts';
import { ConsoleHttpError, SECURITY_HEADERS, STORED_CONTENT_CSP } from './responses.ts';
import type { ConsoleSession } from './sessions.ts';

/** attachment; filename="<ascii>"; filename*=UTF-8''<encoded> from the key's last segment. */
export function attachmentDisposition(key: string): string {
  const name = key.split('/').filter(Boolean).pop() ?? 'object';
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export async function downloadObject(
  pipeline: ApiPipeline, session: ConsoleSession, req: HttpRequest, caller: ConsoleCaller, log: CallLog,
): Promise<HttpResponse> {
  const query = new URLSearchParams(req.query);
  const bucket = query.get('bucket');
  const key = query.get('key');
  const region = query.get('region') ?? session.region;
  if (!bucket || !key) throw new ConsoleHttpError(400, 'ValidationError', 'bucket and key are required query parameters.');
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) throw new ConsoleHttpError(400, 'ValidationError', 'region must be a region name.');
  let output: Params;
  try {
    output = await pipeline.callAuthenticated({
      requestId: caller.requestId, sourceIp: caller.sourceIp, userAgent: CONSOLE_USER_AGENT, principal: session.principal,
      service: 's3', operation: 'GetObject', input: { Bucket: bucket, Key: key }, region,
    }, log);
  } catch (e) {
    if (!isAwsError(e)) throw e;
    return awsErrorResponse(getServiceModel('s3'), e, caller.requestId);
  }
  const body = output.Body;
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    'content-security-policy': STORED_CONTENT_CSP,
    'content-type': 'application/octet-stream',
    'content-disposition': attachmentDisposition(key),
    'cache-control': 'no-store',
    'x-amzn-requestid': caller.requestId,
  };
  if (typeof output.ContentLength === 'number') headers['content-length'] = String(output.ContentLength);
  if (body instanceof Readable) return { status: 200, headers, body: '', stream: body };
  return { status: 200, headers, body: Buffer.isBuffer(body) ? body : Buffer.alloc(0) };
}
