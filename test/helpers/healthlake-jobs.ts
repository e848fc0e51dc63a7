/**
 * Shared pieces of the HealthLake job tests: the big NDJSON input (the Synthea bundles of
 * ../shared/testdata/fhir/synthea flattened to one file each, read in place; generated Patients
 * when ../shared is absent), StartFHIRImportJob with the test role and key, Describe polled until
 * a job ends, and S3 reads of a job's output through any S3 client.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeFHIRExportJobCommand, DescribeFHIRImportJobCommand, StartFHIRImportJobCommand, type ExportJobProperties,
  type HealthLakeClient, type ImportJobProperties,
} from '@aws-sdk/client-healthlake';
import { CreateRoleCommand, PutRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export const SYNTHEA = join(import.meta.dirname, '..', '..', '..', 'shared', 'testdata', 'fhir', 'synthea');
export const ROLE = 'arn:aws:iam::123456789012:role/HealthLakeImport';
export const KMS = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
export const TERMINAL = new Set(['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCEL_COMPLETED', 'CANCEL_FAILED']);

export interface BigInput {
  files: { name: string; text: string }[];
  lines: number;
  /** Distinct resources per type (ids repeat across Synthea files). */
  distinct: Map<string, number>;
  source: string;
}

/** Each Synthea transaction Bundle as one NDJSON file, urn:uuid references rewritten to Type/id. */
export function bigInput(): BigInput {
  const files: { name: string; text: string }[] = [];
  const ids = new Map<string, Set<string>>();
  let lines = 0;
  const note = (type: string, id: string) => {
    if (!ids.has(type)) ids.set(type, new Set());
    ids.get(type)!.add(id);
    lines++;
  };
  if (existsSync(join(SYNTHEA, 'MANIFEST.md'))) {
    for (const name of readdirSync(SYNTHEA).filter((f) => f.endsWith('.json')).sort()) {
      const bundle = JSON.parse(readFileSync(join(SYNTHEA, name), 'utf8')) as { entry: { fullUrl: string; resource: any }[] };
      const refs = new Map(bundle.entry.map((e) => [e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`]));
      const out = bundle.entry.map((e) => {
        note(e.resource.resourceType, e.resource.id);
        return JSON.stringify(e.resource).replace(/"(urn:uuid:[0-9a-f-]+)"/g, (m, u: string) => (refs.has(u) ? JSON.stringify(refs.get(u)) : m));
      });
      files.push({ name: name.replace(/\.json$/, '.ndjson'), text: `${out.join('\n')}\n` });
    }
    return { files, lines, distinct: new Map([...ids].map(([t, s]) => [t, s.size])), source: 'synthea' };
  }
  for (let f = 0; f < 4; f++) {
    const out: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const id = `gen-${f}-${i}`;
      note('Patient', id);
      out.push(JSON.stringify({ resourceType: 'Patient', id, name: [{ family: `Family${i % 50}`, given: ['Gen'] }], gender: 'female' }));
    }
    files.push({ name: `generated-${f}.ndjson`, text: `${out.join('\n')}\n` });
  }
  return { files, lines, distinct: new Map([...ids].map(([t, s]) => [t, s.size])), source: 'generated' };
}

export async function text(s3: S3Client, bucket: string, key: string): Promise<string> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return res.Body!.transformToString();
}

export async function keys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    out.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitImport(hl: HealthLakeClient, datastoreId: string, jobId: string): Promise<ImportJobProperties> {
  for (;;) {
    const { ImportJobProperties: p } = await hl.send(new DescribeFHIRImportJobCommand({ DatastoreId: datastoreId, JobId: jobId }));
    if (TERMINAL.has(p!.JobStatus!)) return p!;
    await sleep(25);
  }
}

export async function waitExport(hl: HealthLakeClient, datastoreId: string, jobId: string): Promise<ExportJobProperties> {
  for (;;) {
    const { ExportJobProperties: p } = await hl.send(new DescribeFHIRExportJobCommand({ DatastoreId: datastoreId, JobId: jobId }));
    if (TERMINAL.has(p!.JobStatus!)) return p!;
    await sleep(25);
  }
}

export function startImport(datastoreId: string, input: string, output = 's3://hl-output/results', extra: Record<string, unknown> = {}) {
  return new StartFHIRImportJobCommand({
    DatastoreId: datastoreId, JobName: 'import', DataAccessRoleArn: ROLE,
    InputDataConfig: { S3Uri: input }, JobOutputDataConfig: { S3Configuration: { S3Uri: output, KmsKeyId: KMS } }, ...extra,
  });
}

export async function upload(s3: S3Client, bucket: string, prefix: string, files: { name: string; text: string | Uint8Array }[]): Promise<void> {
  for (const f of files) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${f.name}`, Body: f.text }));
}

/** A job role (ROLE by default) that trusts `service` (HealthLake by default; omics.amazonaws.com
 * for HealthOmics jobs and runs) and may use S3 as `statements` allow (all of S3 by default). */
export async function createJobRole(iam: IAMClient, name = 'HealthLakeImport',
  statements: Record<string, unknown>[] = [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }], service = 'healthlake.amazonaws.com'): Promise<string> {
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] };
  const role = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
  await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 's3', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
  return role.Role!.Arn!;
}
