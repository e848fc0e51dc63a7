/**
 * BAM, CRAM and uBAM read-set imports against a reference imported by the reference plane (the
 * shared ce.fa): counts checked against samtools (view -c with flag filters, SEQ lengths), the
 * ETag against the hash of `samtools view` (formats/alignment-etag.ts's definition), the stored
 * file against the upload, the index against samtools index, @SQ lines against the reference,
 * and broken files failing their item with the file named.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateReferenceStoreCommand, DeleteReferenceCommand, GetReadSetMetadataCommand, GetReferenceMetadataCommand, StartReferenceImportJobCommand,
  type OmicsClient,
} from '@aws-sdk/client-omics';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { s3Client } from '../helpers/s3.ts';
import { GENOMICS, genomicsSkip, tempDir } from '../services/omics/formats/testdata.ts';
import { cePairedSam, createSequenceStore, importReadSets, readSetFile, samtools, samtoolsSkip } from '../helpers/omics-read-set-jobs.ts';
import { waitReferenceImport } from '../helpers/omics-references.ts';

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const READS = 2000;

/** Primary records and the sum of their SEQ lengths, by samtools. */
function primaryCounts(path: string, reference?: string): { reads: number; bases: number } {
  const ref = reference ? ['-T', reference] : [];
  const reads = Number(samtools(['view', ...ref, '-c', '-F', '0x900', path]).trim());
  const bases = samtools(['view', ...ref, '-F', '0x900', path]).split('\n').filter(Boolean)
    .reduce((n, line) => { const seq = line.split('\t')[9]!; return n + (seq === '*' ? 0 : seq.length); }, 0);
  return { reads, bases };
}

describe('HealthOmics read-set import: BAM, CRAM, uBAM', { skip: genomicsSkip || samtoolsSkip }, () => {
  let server: TestServer;
  let omics: OmicsClient;
  let s3: S3Client;
  let roleArn: string;
  let storeId: string;
  let referenceArn: string;
  const tmp = tempDir('readset-alignment');
  const ceFa = join(GENOMICS, 'htslib/ce.fa');
  const files = {
    bam: join(tmp.dir, 'sorted.bam'), cram: join(tmp.dir, 'sorted.cram'), ubam: join(tmp.dir, 'reads.ubam'),
    unsorted: join(tmp.dir, 'unsorted.bam'), badM5: join(tmp.dir, 'bad-m5.bam'), truncated: join(tmp.dir, 'truncated.bam'),
  };

  before(async () => {
    const reference = readFileSync(ceFa, 'utf8');
    writeFileSync(join(tmp.dir, 'sorted.sam'), cePairedSam(reference, READS));
    samtools(['view', '-b', '-o', files.bam, join(tmp.dir, 'sorted.sam')]);
    samtools(['view', '-C', '-T', ceFa, '-o', files.cram, files.bam]);
    samtools(['import', '-1', join(GENOMICS, 'htslib/fastq/r1.fq'), '-2', join(GENOMICS, 'htslib/fastq/r2.fq'), '-O', 'bam', '-o', files.ubam]);
    // Records out of coordinate order: samtools index refuses the BAM.
    const lines = cePairedSam(reference, 50).replace('SO:coordinate', 'SO:unsorted').trimEnd().split('\n');
    const header = lines.filter((l) => l.startsWith('@'));
    writeFileSync(join(tmp.dir, 'unsorted.sam'), `${[...header, ...lines.filter((l) => !l.startsWith('@') && !l.startsWith('u')).reverse()].join('\n')}\n`);
    samtools(['view', '-b', '-o', files.unsorted, join(tmp.dir, 'unsorted.sam')]);
    writeFileSync(join(tmp.dir, 'bad.sam'), cePairedSam(reference, 50, { m5: { CHROMOSOME_II: '0'.repeat(32) } }));
    samtools(['view', '-b', '-o', files.badM5, join(tmp.dir, 'bad.sam')]);
    const bam = readFileSync(files.bam);
    writeFileSync(files.truncated, bam.subarray(0, Math.floor(bam.length / 2)));

    server = await startTestServer();
    omics = omicsClient(server);
    s3 = s3Client(server);
    roleArn = await createOmicsRole(new IAMClient(clientOptions(server)));
    await s3.send(new CreateBucketCommand({ Bucket: 'aligned-in' }));
    await s3.send(new PutObjectCommand({ Bucket: 'aligned-in', Key: 'ce.fa', Body: readFileSync(ceFa) }));
    for (const [name, path] of Object.entries(files)) {
      await s3.send(new PutObjectCommand({ Bucket: 'aligned-in', Key: name, Body: readFileSync(path) }));
    }
    const refStore = await omics.send(new CreateReferenceStoreCommand({ name: 'refs' }));
    const refJob = await omics.send(new StartReferenceImportJobCommand({ referenceStoreId: refStore.id!, roleArn,
      sources: [{ sourceFile: 's3://aligned-in/ce.fa', name: 'ce-reference' }] }));
    const done = await waitReferenceImport(omics, refStore.id!, refJob.id!);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    referenceArn = `arn:aws:omics:us-east-1:123456789012:referenceStore/${refStore.id}/reference/${done.sources![0]!.referenceId}`;
    storeId = await createSequenceStore(omics);
  });
  after(async () => {
    await server?.stop();
    tmp.remove();
  });

  it('imports a coordinate-sorted BAM: primary reads and bases as samtools counts them, the samtools-view ETag, the file as uploaded and a .bai', async () => {
    const job = await importReadSets(omics, storeId, roleArn, [{ sourceFiles: { source1: 's3://aligned-in/bam' }, sourceFileType: 'BAM', referenceArn }]);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    const id = job.sources![0]!.readSetId!;
    const meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId: storeId, id }));
    const want = primaryCounts(files.bam);
    assert.equal(want.reads, READS - READS / 10 + 3);
    assert.deepEqual(meta.sequenceInformation, { totalReadCount: want.reads, totalBaseCount: want.bases, alignment: 'ALIGNED' });
    assert.deepEqual(meta.etag, { algorithm: 'BAM_MD5up', source1: md5(samtools(['view', files.bam])) });
    assert.equal(meta.referenceArn, referenceArn);
    assert.ok((await readSetFile(omics, storeId, id)).equals(readFileSync(files.bam)));
    // The index is samtools index's own, byte for byte.
    samtools(['index', '-o', join(tmp.dir, 'local.bai'), files.bam]);
    assert.ok((await readSetFile(omics, storeId, id, 'INDEX')).equals(readFileSync(join(tmp.dir, 'local.bai'))));
  });

  it('imports a CRAM against its reference: records and bases from its containers, ETag of the decoded SAM, a .crai', async () => {
    const job = await importReadSets(omics, storeId, roleArn, [{ sourceFiles: { source1: 's3://aligned-in/cram' }, sourceFileType: 'CRAM', referenceArn }]);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    const id = job.sources![0]!.readSetId!;
    const meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId: storeId, id }));
    assert.equal(meta.fileType, 'CRAM');
    assert.equal(meta.sequenceInformation!.totalReadCount, Number(samtools(['view', '-T', ceFa, '-c', files.cram]).trim()));
    assert.equal(meta.sequenceInformation!.alignment, 'ALIGNED');
    assert.deepEqual(meta.etag, { algorithm: 'CRAM_MD5up', source1: md5(samtools(['view', '-T', ceFa, files.cram])) });
    assert.ok((await readSetFile(omics, storeId, id)).equals(readFileSync(files.cram)));
    assert.ok(meta.files!.index!.contentLength! > 0);
  });

  it('imports a uBAM: UNALIGNED, both mates counted, no index', async () => {
    const job = await importReadSets(omics, storeId, roleArn, [{ sourceFiles: { source1: 's3://aligned-in/ubam' }, sourceFileType: 'UBAM' }]);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    const meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId: storeId, id: job.sources![0]!.readSetId! }));
    assert.deepEqual(meta.sequenceInformation, { totalReadCount: 10, totalBaseCount: 1000, alignment: 'UNALIGNED' });
    assert.equal(meta.etag!.source1, md5(samtools(['view', files.ubam])));
    assert.equal(meta.files!.index, undefined);
  });

  it('fails broken or mismatching files item by item, naming the file and the problem', async () => {
    const job = await importReadSets(omics, storeId, roleArn, [
      { sourceFiles: { source1: 's3://aligned-in/truncated' }, sourceFileType: 'BAM', referenceArn },
      { sourceFiles: { source1: 's3://aligned-in/badM5' }, sourceFileType: 'BAM', referenceArn },
      { sourceFiles: { source1: 's3://aligned-in/bam' }, sourceFileType: 'UBAM' },
      { sourceFiles: { source1: 's3://aligned-in/ce.fa' }, sourceFileType: 'CRAM', referenceArn },
      { sourceFiles: { source1: 's3://aligned-in/unsorted' }, sourceFileType: 'BAM', referenceArn },
    ]);
    assert.equal(job.status, 'COMPLETED_WITH_FAILURES', JSON.stringify(job));
    const [truncated, badM5, mapped, notCram, unsorted] = job.sources!;
    assert.match(truncated!.statusMessage!, /^source1 s3:\/\/aligned-in\/truncated: /);
    assert.equal(truncated!.status, 'FAILED');
    assert.match(badM5!.statusMessage!, /^source1 s3:\/\/aligned-in\/badM5: @SQ CHROMOSOME_II M5:0{32} differs from the reference's 8e7993f7a931/);
    assert.match(mapped!.statusMessage!, /^source1 s3:\/\/aligned-in\/bam: a UBAM holds unaligned reads only, but \d+ records are mapped/);
    assert.match(notCram!.statusMessage!, /^source1 s3:\/\/aligned-in\/ce\.fa: /);
    // Unsorted: imported, but samtools cannot index it.
    assert.equal(unsorted!.status, 'FINISHED');
    const meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId: storeId, id: unsorted!.readSetId! }));
    assert.equal(meta.files!.index, undefined);
  });

  it('DeleteReference is refused (ConflictException 409) while a read set uses the reference', async () => {
    const [, refStoreId, , referenceId] = referenceArn.split('/');
    const refused = await omics.send(new DeleteReferenceCommand({ referenceStoreId: refStoreId, id: referenceId }))
      .then(() => assert.fail('the reference was deleted'), (e: Error & { $metadata: { httpStatusCode?: number } }) => e);
    assert.equal(refused.name, 'ConflictException');
    assert.equal(refused.$metadata.httpStatusCode, 409);
    assert.match(refused.message, new RegExp(`arn:aws:omics:us-east-1:123456789012:sequenceStore/${storeId}/readSet/\\d+`));
    assert.equal((await omics.send(new GetReferenceMetadataCommand({ referenceStoreId: refStoreId, id: referenceId }))).status, 'ACTIVE');
  });
});
