/**
 * Where CreateWorkflow / CreateWorkflowVersion get the definition's bytes: `definitionZip`
 * (base64 in the JSON body, already a Buffer) or `definitionUri` (an object of this server's S3).
 * Exactly one source. The object is read AS THE CALLER (s3:GetObject evaluated for the caller's
 * policies, recorded as an S3 data event of the caller invoked by omics.amazonaws.com): AWS reads
 * it as the service on the caller's behalf, so a caller can only build a workflow from objects
 * it may read itself. An unreadable object is refused synchronously (ValidationException naming
 * S3's refusal) rather than a FAILED workflow: the read happens while the call is answered.
 * Definitions from Git (definitionRepository) need AWS CodeConnections and are refused.
 */
import type { Readable } from 'node:stream';
import { AwsError, isAwsError } from '../../../core/aws-error.ts';
import type { Params } from '../../../wire/types.ts';
import type { RoleScopedObjects } from '../../shared/role-scoped-objects.ts';

/** AWS: a definitionUri zip may be up to 100 MB (definitionZip 4.4 MB, bounded by the body limit). */
export const MAX_DEFINITION_URI_BYTES = 100 * 1024 * 1024;
/** AWS: readmeUri up to 500 KiB. */
export const MAX_README_BYTES = 500 * 1024;
/** A container registry map file is small JSON; AWS names no limit, we take 1 MiB. */
export const MAX_REGISTRY_MAP_BYTES = 1024 * 1024;

export interface DefinitionBytes {
  bytes: Buffer;
  /** The object's file name when the source is a definitionUri (a bare `main.cwl` is allowed). */
  bareFileName?: string;
}

export function parseS3Uri(uri: string, member: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new AwsError('ValidationException', `${member} must be an s3://bucket/key URI.`);
  return { bucket: m[1]!, key: m[2]! };
}

/** Reads an object as `objects` (the caller), at most `limit` bytes. */
export async function readObject(objects: RoleScopedObjects, uri: string, member: string, limit: number): Promise<Buffer> {
  const { bucket, key } = parseS3Uri(uri, member);
  let object;
  try {
    object = await objects.get(bucket, key);
  } catch (e) {
    throw new AwsError('ValidationException', `${member} ${uri} cannot be read: ${isAwsError(e) ? `${e.code}: ${e.message}` : 'internal error'}`);
  }
  if (!object) throw new AwsError('ValidationException', `${member} ${uri} does not exist.`);
  if (object.info.size > limit) {
    object.body.destroy();
    throw new AwsError('ValidationException', `${member} ${uri} is ${object.info.size} bytes; at most ${limit} are accepted.`);
  }
  return collect(object.body, limit, member);
}

async function collect(body: Readable, limit: number, member: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw new AwsError('ValidationException', `${member} is larger than ${limit} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The definition's bytes from the one source the call names. */
export async function definitionBytes(input: Params, caller: () => RoleScopedObjects): Promise<DefinitionBytes> {
  const sources = ['definitionZip', 'definitionUri', 'definitionRepository'].filter((m) => input[m] !== undefined);
  if (sources.length !== 1) {
    throw new AwsError('ValidationException', sources.length === 0
      ? 'A workflow definition is required: give one of definitionZip, definitionUri or definitionRepository.'
      : `Give only one workflow definition source; the request has ${sources.join(', ')}.`);
  }
  if (input.definitionRepository !== undefined) {
    throw new AwsError('ValidationException', 'definitionRepository needs an AWS CodeConnections connection, which this server does not have; give definitionZip or definitionUri.');
  }
  if (input.definitionZip !== undefined) return { bytes: input.definitionZip as Buffer };
  const uri = input.definitionUri as string;
  const bytes = await readObject(caller(), uri, 'definitionUri', MAX_DEFINITION_URI_BYTES);
  return { bytes, bareFileName: parseS3Uri(uri, 'definitionUri').key.split('/').at(-1)! };
}
