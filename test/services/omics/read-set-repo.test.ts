/** The read-set table other planes build on (upload completion, import/export/activation jobs). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Db } from '../../../src/storage/db.ts';
import { ReadSetRepo, type NewReadSet } from '../../../src/services/omics/sequence-stores/read-set-repo.ts';
import { partRange, readSetFileKey, totalParts } from '../../../src/services/omics/sequence-stores/read-set-files.ts';

const base: NewReadSet = {
  id: '1000000001', storeId: '2000000002', accountId: '123456789012', region: 'us-east-1', name: 'HG00146',
  subjectId: 'subj', sampleId: 'samp', fileType: 'FASTQ', status: 'PROCESSING_UPLOAD', creationType: 'UPLOAD',
};

describe('ReadSetRepo', () => {
  it('creates, moves status, records content and filters lists', () => {
    const repo = new ReadSetRepo(new Db(':memory:'));
    const rs = repo.create(base, 1000);
    assert.equal(rs.arn, 'arn:aws:omics:us-east-1:123456789012:sequenceStore/2000000002/readSet/1000000001');
    assert.deepEqual([rs.status, rs.creationTime, rs.lastAccessTime, rs.files], ['PROCESSING_UPLOAD', 1000, 1000, {}]);
    const key = readSetFileKey(rs.storeId, rs.id, 'source1', 'FASTQ');
    repo.setContent(rs.id, {
      files: { source1: { key, contentLength: 250, partSize: 100 } },
      sequenceInformation: { totalReadCount: 3, totalBaseCount: 30, alignment: 'UNALIGNED' },
      etag: { algorithm: 'FASTQ_MD5up', source1: 'abc' },
    }, 'ACTIVE', undefined, 2000);
    const done = repo.byId(rs.id)!;
    assert.equal(done.status, 'ACTIVE');
    assert.equal(done.sequenceInformation?.totalReadCount, 3);
    assert.equal(totalParts(done.files.source1!), 3);
    assert.deepEqual(partRange(done.files.source1!, 3), { start: 200, end: 249 });
    assert.equal(partRange(done.files.source1!, 4), undefined);
    repo.create({ ...base, id: '1000000002', name: 'other', sampleId: 's2', status: 'ACTIVE', creationType: 'IMPORT', creationJobId: '3000000003' }, 3000);
    assert.deepEqual(repo.list(base.storeId, { sampleId: 's2' }, 0, 10).map((r) => r.id), ['1000000002']);
    assert.deepEqual(repo.list(base.storeId, { creationType: 'UPLOAD' }, 0, 10).map((r) => r.id), ['1000000001']);
    assert.deepEqual(repo.list(base.storeId, { createdAfter: new Date(2500) }, 0, 10).map((r) => r.id), ['1000000002']);
    assert.deepEqual(repo.list(base.storeId, {}, 1, 10).map((r) => r.id), ['1000000002']);
    assert.deepEqual(repo.idleSince(2500).map((r) => r.id), ['1000000001']);
    repo.touch(rs.id, 4000);
    assert.deepEqual(repo.idleSince(2500), []);
    assert.equal(repo.countLive(base.storeId), 2);
    repo.setStatus(rs.id, 'DELETING', undefined, 5000);
    assert.equal(repo.countLive(base.storeId), 1);
    assert.deepEqual(repo.idsInStatus('DELETING'), [rs.id]);
    assert.equal(repo.get('999999999999', 'us-east-1', base.storeId, rs.id), undefined);
    repo.remove(rs.id);
    assert.equal(repo.byId(rs.id), undefined);
  });
});
