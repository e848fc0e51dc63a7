/**
 * Presigned S3 URLs the way @aws-sdk/s3-request-presigner makes them (that package is not a
 * dependency): the command is serialized by @aws-sdk/client-s3's own middleware stack, stopped
 * before it is signed, and presigned with @smithy/signature-v4 under the presigner's rules
 * (x-amz-content-sha256 UNSIGNED-PAYLOAD, x-amz-* headers hoisted into the query, SSE headers
 * kept as headers, content-type unsigned).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { REGION, ROOT, type Credentials } from './server.ts';

class Presigned extends Error {
  constructor(readonly url: string) {
    super('presigned');
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function presignS3Command(client: S3Client, command: any, options: { expiresIn?: number; credentials?: Credentials; unhoistableHeaders?: string[] } = {}): Promise<string> {
  const signer = new SignatureV4({
    service: 's3', region: REGION, credentials: options.credentials ?? ROOT, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false,
  });
  command.middlewareStack.addRelativeTo(
    () => async (args: { request: HttpRequest }) => {
      const request = args.request;
      for (const h of ['amz-sdk-invocation-id', 'amz-sdk-request', 'x-amz-user-agent']) delete request.headers[h];
      request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      const unhoistable = new Set(options.unhoistableHeaders ?? []);
      for (const h of Object.keys(request.headers)) if (h.toLowerCase().startsWith('x-amz-server-side-encryption')) unhoistable.add(h.toLowerCase());
      const signed = await signer.presign(request, {
        expiresIn: options.expiresIn ?? 900, unsignableHeaders: new Set(['content-type']), unhoistableHeaders: unhoistable,
      });
      const qs = new URLSearchParams(signed.query as Record<string, string>).toString();
      throw new Presigned(`${signed.protocol}//${signed.hostname}${signed.port ? `:${signed.port}` : ''}${signed.path}?${qs}`);
    },
    { name: 'presignInterceptMiddleware', relation: 'before', toMiddleware: 'awsAuthMiddleware', override: true },
  );
  try {
    await client.send(command);
  } catch (e) {
    if (e instanceof Presigned) return e.url;
    throw e;
  }
  throw new Error('the command was sent instead of presigned');
}
