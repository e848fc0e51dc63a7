/**
 * Direct upload of BAM, CRAM and uBAM read sets against a reference imported from the shared
 * ce.fa: counts against samtools, the ETag against the hash of `samtools view`
 * (formats/alignment-etag.ts), the stored file equal to the upload, an index for sorted files,
 * and a file whose @SQ M5 disagrees with the reference failing UPLOAD_FAILED with the reason.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateReferenceStoreCommand, DeleteReferenceCommand, StartReferenceImportJobCommand, type OmicsClient } from '@aws-sdk/client-omics';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { s3Client } from '../helpers/s3.ts';
import { GENOMICS, genomicsSkip, tempDir } from '../services/omics/formats/testdata.ts';
import { cePairedSam, createSequenceStore, samtools, samtoolsSkip } from '../helpers/omics-read-set-jobs.ts';
import { waitReferenceImport } from '../helpers/omics-references.ts';
import { downloadReadSet, md5Hex, settledReadSet, uploadReadSet } from '../helpers/omics-read-sets.ts';

const PART = 32 * 1024;

describe('HealthOmics direct upload: BAM, CRAM, uBAM', { skip: genomicsSkip || samtoolsSkip }, () => {
  let server: TestServer;
  let omics: OmicsClient;
  let storeId: string;
  let referenceArn: string;
  const tmp = tempDir('readset-upload-aligned');
  const ceFa = join(GENOMICS, 'htslib/ce.fa');
  const files = { bam: join(tmp.dir, 'sorted.bam'), cram: join(tmp.dir, 'sorted.cram'), ubam: join(tmp.dir, 'reads.ubam'), badM5: join(tmp.dir, 'bad.bam') };

  before(async () => {
    const reference = readFileSync(ceFa, 'utf8');
    writeFileSync(join(tmp.dir, 'sorted.sam'), cePairedSam(reference, 3000));
    samtools(['view', '-b', '-o', files.bam, join(tmp.dir, 'sorted.sam')]);
    samtools(['view', '-C', '-T', ceFa, '-o', files.cram, files.bam]);
    samtools(['import', '-O', 'BAM', '-1', join(GENOMICS, 'htslib/fastq/r1.fq'), '-2', join(GENOMICS, 'htslib/fastq/r2.fq'), '-o', files.ubam]);
    writeFileSync(join(tmp.dir, 'bad.sam'), cePairedSam(reference, 50, { m5: { CHROMOSOME_II: '0'.repeat(32) } }));
    samtools(['view', '-b', '-o', files.badM5, join(tmp.dir, 'bad.sam')]);
    server = await startTestServer({ omicsPartSizeBytes: PART });
    omics = omicsClient(server);
    const s3 = s3Client(server);
    const roleArn = await createOmicsRole(new IAMClient(clientOptions(server)));
    await s3.send(new CreateBucketCommand({ Bucket: 'refs-in' }));
    await s3.send(new PutObjectCommand({ Bucket: 'refs-in', Key: 'ce.fa', Body: readFileSync(ceFa) }));
    const refStore = await omics.send(new CreateReferenceStoreCommand({ name: 'refs' }));
    const job = await omics.send(new StartReferenceImportJobCommand({ referenceStoreId: refStore.id!, roleArn, sources: [{ sourceFile: 's3://refs-in/ce.fa', name: 'ce-ref' }] }));
    const done = await waitReferenceImport(omics, refStore.id!, job.id!);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    referenceArn = `arn:aws:omics:us-east-1:123456789012:referenceStore/${refStore.id}/reference/${done.sources![0]!.referenceId}`;
    storeId = await createSequenceStore(omics);
  });
  after(async () => {
    await server?.stop();
    tmp.remove();
  });

  it('a multi-part coordinate-sorted BAM: samtools counts, samtools-view ETag, the file as uploaded, a .bai', async () => {
    const bam = readFileSync(files.bam);
    assert.ok(bam.length > 2 * PART);
    const id = await uploadReadSet(omics, storeId, { SOURCE1: bam }, PART, { sourceFileType: 'BAM', referenceArn, name: 'bam' });
    const m = await settledReadSet(omics, storeId, id);
    assert.equal(m.status, 'ACTIVE', m.statusMessage);
    assert.equal(m.referenceArn, referenceArn);
    assert.equal(m.sequenceInformation!.totalReadCount, Number(samtools(['view', '-c', '-F', '0x900', files.bam]).trim()));
    assert.deepEqual(m.etag, { algorithm: 'BAM_MD5up', source1: md5Hex(Buffer.from(samtools(['view', files.bam]))) });
    assert.equal(m.sequenceInformation!.alignment, 'ALIGNED');
    const stored = await downloadReadSet(omics, storeId, id, 'SOURCE1', m.files!.source1!.totalParts!);
    assert.ok(stored.equals(bam));
    samtools(['index', '-o', join(tmp.dir, 'local.bai'), files.bam]);
    const bai = await downloadReadSet(omics, storeId, id, 'INDEX', m.files!.index!.totalParts!);
    assert.ok(bai.equals(readFileSync(join(tmp.dir, 'local.bai'))));
    // The reference is in use: DeleteReference refuses.
    const [, , , , , , refStoreId, , refId] = referenceArn.split(/[:/]/);
    const e = await omics.send(new DeleteReferenceCommand({ referenceStoreId: refStoreId, id: refId })).then(() => undefined, (err: Error) => err);
    assert.equal(e?.name, 'ConflictException');
  });

  it('a CRAM (decoded against the reference for its ETag) and a uBAM', async () => {
    const cramId = await uploadReadSet(omics, storeId, { SOURCE1: readFileSync(files.cram) }, PART, { sourceFileType: 'CRAM', referenceArn, name: 'cram' });
    const cram = await settledReadSet(omics, storeId, cramId);
    assert.equal(cram.status, 'ACTIVE', cram.statusMessage);
    assert.deepEqual(cram.etag, { algorithm: 'CRAM_MD5up', source1: md5Hex(Buffer.from(samtools(['view', '-T', ceFa, files.cram]))) });
    const ubamId = await uploadReadSet(omics, storeId, { SOURCE1: readFileSync(files.ubam) }, PART, { sourceFileType: 'UBAM', name: 'ubam' });
    const ubam = await settledReadSet(omics, storeId, ubamId);
    assert.equal(ubam.status, 'ACTIVE', ubam.statusMessage);
    assert.equal(ubam.sequenceInformation!.totalReadCount, 10);
    assert.equal(ubam.sequenceInformation!.alignment, 'UNALIGNED');
    assert.equal(ubam.files!.index, undefined);
  });

  it('a BAM whose @SQ M5 disagrees with the reference ends UPLOAD_FAILED saying so', async () => {
    const id = await uploadReadSet(omics, storeId, { SOURCE1: readFileSync(files.badM5) }, PART, { sourceFileType: 'BAM', referenceArn, name: 'bad' });
    const m = await settledReadSet(omics, storeId, id);
    assert.equal(m.status, 'UPLOAD_FAILED');
    assert.match(m.statusMessage!, /^SOURCE1: @SQ CHROMOSOME_II M5:0+ differs/);
  });
});
