/**
 * Reads a request body the HTTP front left unread (req.bodyStream) into req.body, up to a limit.
 * `tooLarge` makes the service's own error when the body is over it.
 */
import type { AwsError } from '../core/aws-error.ts';
import type { HttpRequest } from '../wire/types.ts';

export async function bufferBody(req: HttpRequest, limit: number, tooLarge: () => AwsError): Promise<void> {
  const stream = req.bodyStream;
  if (!stream) return;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  req.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  req.bodyStream = undefined;
}
