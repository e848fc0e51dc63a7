/**
 * Staging a run's inputs into its work directory before the engine starts, as HealthOmics
 * imports them: every parameter value that is an `s3://` URI is read AS THE RUN'S ROLE
 * (RoleScopedObjects: s3:GetObject evaluated for the role and recorded), every HealthOmics URI
 * of a read set or reference (omics://<account>.storage.<region>.amazonaws.com/<storeId>/readSet/<id>/source1,
 * .../<storeId>/reference/<id>) is read from the stores' files of the run's own account and
 * Region, as the role too (omics:GetReadSet / omics:GetReference on the read set's or
 * reference's ARN, recorded); the value becomes the local path the engine reads. Bytes stream to disk. Values are
 * staged wherever they sit in the parameters (strings, arrays, objects), since the plane does not
 * know the definition's types: a String parameter holding an s3:// URI is staged too.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isAwsError } from '../../../core/aws-error.ts';
import type { Db } from '../../../storage/db.ts';
import type { RoleScopedObjects } from '../../shared/role-scoped-objects.ts';
import type { OmicsFiles } from '../files.ts';
import { ReadSetRepo } from '../sequence-stores/read-set-repo.ts';
import { readSetFileName } from '../sequence-stores/read-set-files.ts';
import { ReferenceTable } from '../references/reference-table.ts';
import { ReferenceStoreTable } from '../references/store-table.ts';

/** An input that could not be staged: the run fails with this reason. */
export class InputRefused extends Error {}

export interface StagingContext {
  objects: RoleScopedObjects;
  files: OmicsFiles;
  db: Db;
  accountId: string;
  region: string;
  /** The run's inputs directory. */
  dir: string;
}

const OMICS_URI = /^omics:\/\/(\d{12})\.storage\.([a-z0-9-]+)\.amazonaws\.com\/(\d+)\/(readSet|reference)\/(\d+)(?:\/(source1|source2|index))?$/;

export async function stageInputs(value: unknown, ctx: StagingContext): Promise<unknown> {
  let n = 0;
  const stage = async (v: unknown): Promise<unknown> => {
    if (typeof v === 'string') {
      if (v.startsWith('s3://')) return stageS3(v, ctx, join(ctx.dir, String(n++)));
      if (v.startsWith('omics://')) return stageOmics(v, ctx, join(ctx.dir, String(n++)));
      return v;
    }
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const member of v) out.push(await stage(member));
      return out;
    }
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, member] of Object.entries(v)) out[k] = await stage(member);
      return out;
    }
    return v;
  };
  return stage(value);
}

async function toFile(body: Readable, dir: string, name: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  await pipeline(body, createWriteStream(path));
  return path;
}

async function stageS3(uri: string, ctx: StagingContext, dir: string): Promise<string> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m || m[2]!.endsWith('/')) throw new InputRefused(`Input ${uri} is not an S3 object URI`);
  let object;
  try {
    object = await ctx.objects.get(m[1]!, m[2]!);
  } catch (e) {
    throw new InputRefused(`Input ${uri} could not be read as the run's role: ${isAwsError(e) ? `${e.code}: ${e.message}` : 'internal error'}`);
  }
  if (!object) throw new InputRefused(`Input ${uri} does not exist`);
  return toFile(object.body, dir, basename(m[2]!));
}

async function stageOmics(uri: string, ctx: StagingContext, dir: string): Promise<string> {
  const m = OMICS_URI.exec(uri);
  if (!m) throw new InputRefused(`Input ${uri} is not a HealthOmics read set or reference URI`);
  const [, account, region, storeId, kind, id, file] = m;
  if (account !== ctx.accountId || region !== ctx.region) throw new InputRefused(`Input ${uri} is not in the run's account and Region`);
  if (kind === 'readSet') {
    const readSet = new ReadSetRepo(ctx.db).get(account, region, storeId!, id!);
    if (!readSet || readSet.status !== 'ACTIVE') throw new InputRefused(`Input ${uri}: read set ${id} ${readSet ? `is ${readSet.status}` : 'does not exist'}`);
    const name = (file ?? 'source1') as 'source1' | 'source2' | 'index';
    const stored = readSet.files[name];
    if (!stored) throw new InputRefused(`Input ${uri}: read set ${id} has no ${name}`);
    await asRole(ctx, 'GetReadSet', { sequenceStoreId: storeId, id, partNumber: 1 }, readSet.arn, 'AWS::Omics::ReadSet', id!, uri);
    return copyStored(ctx, stored.key, dir, readSetFileName(name, readSet.fileType), uri);
  }
  const store = new ReferenceStoreTable(ctx.db).get(account, region, storeId!);
  const reference = store ? new ReferenceTable(ctx.db).get(storeId!, id!) : undefined;
  if (!reference || reference.status !== 'ACTIVE') throw new InputRefused(`Input ${uri}: reference ${id} ${reference ? `is ${reference.status}` : 'does not exist'}`);
  const arn = `arn:aws:omics:${region}:${account}:referenceStore/${storeId}/reference/${id}`;
  await asRole(ctx, 'GetReference', { referenceStoreId: storeId, id, partNumber: 1 }, arn, 'AWS::Omics::Reference', id!, uri);
  if (file === 'index') return copyStored(ctx, reference.index_key, dir, `${reference.name}.fasta.fai`, uri);
  const fasta = await copyStored(ctx, reference.source_key, dir, `${reference.name}.fasta`, uri);
  // The index beside the FASTA, where samtools and friends look for it.
  await copyStored(ctx, reference.index_key, dir, `${reference.name}.fasta.fai`, uri);
  return fasta;
}

/** The role must be allowed to read the read set or reference (IAM), recorded as its call. */
async function asRole(ctx: StagingContext, operation: string, input: Record<string, unknown>, arn: string, type: string, name: string, uri: string): Promise<void> {
  try {
    await ctx.objects.actAs('omics', operation, input, [{ type, name, arn }], async () => undefined);
  } catch (e) {
    throw new InputRefused(`Input ${uri} could not be read as the run's role: ${isAwsError(e) ? `${e.code}: ${e.message}` : 'internal error'}`);
  }
}

async function copyStored(ctx: StagingContext, key: string, dir: string, name: string, uri: string): Promise<string> {
  const object = await ctx.files.get(key);
  if (!object) throw new InputRefused(`Input ${uri}: its stored file is missing`);
  return toFile(object.body, dir, name);
}
