/**
 * The S3 provider's request hooks (core/service.ts): before SigV4, read the body of operations
 * that parse it (XML documents, up to HEALTHTRAIL_MAX_BODY_BYTES) and leave uploads streaming;
 * after it, decode and check a buffered aws-chunked body and rewrite virtual-hosted-style
 * requests to path style for the wire layer.
 */
import type { PayloadSigning } from '../../auth/sigv4/index.ts';
import type { Config } from '../../config.ts';
import { bufferBody } from '../../http/read-body.ts';
import { getServiceModel } from '../../wire/models.ts';
import { restXmlProtocol } from '../../wire/protocols/rest-xml.ts';
import type { HttpRequest } from '../../wire/types.ts';
import { toPathStyle } from './addressing.ts';
import { S3Errors } from './errors.ts';
import { checkedBufferedBody } from './upload-body.ts';

export function publicHost(config: Config): string | undefined {
  if (!config.publicUrl) return undefined;
  try {
    return new URL(config.publicUrl).host;
  } catch {
    return undefined;
  }
}

export async function receiveS3Body(req: HttpRequest, config: Config): Promise<void> {
  const model = getServiceModel('s3')!;
  if (restXmlProtocol.streamsRequestBody!(model, toPathStyle(req, publicHost(config)))) return;
  await bufferBody(req, config.maxBodyBytes, () => S3Errors.maxMessageLengthExceeded(config.maxBodyBytes));
}

export async function s3RequestToParse(req: HttpRequest, signing: PayloadSigning, config: Config): Promise<HttpRequest> {
  let parsed = req;
  if (!req.bodyStream && req.body.length > 0) {
    parsed = { ...req, body: await checkedBufferedBody(req.body, req.headers, signing) };
  }
  return toPathStyle(parsed, publicHost(config));
}
