/**
 * scanFastq (src/services/omics/formats/fastq-scanner.ts) against the shared FASTQ files with
 * MANIFEST.md's numbers and samtools as the oracle (`samtools fqidx` lists every read with its
 * length; md5sum/sha256sum/sha512sum hash the file), on generated files (wrapped records, CRLF,
 * multi-member gzip, every chunk boundary) and on broken ones (a FormatError naming the line).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { scanFastq } from '../../../../src/services/omics/formats/fastq-scanner.ts';
import { FormatError } from '../../../../src/services/omics/formats/format-error.ts';
import { chunked, collectingSink, GENOMICS, genomicsSkip, md5sum, run, samtoolsSkip, tempDir } from './testdata.ts';

const FASTQS = join(GENOMICS, 'htslib', 'faidx', 'fastqs.fq');
const R1 = join(GENOMICS, 'htslib', 'fastq', 'r1.fq');
const R2 = join(GENOMICS, 'htslib', 'fastq', 'r2.fq');
const INTERLEAVED = join(GENOMICS, 'htslib', 'fastq', 'interleaved.fq');

/** Reads and bases per `samtools fqidx` (the index lists each read's length in column 2). */
function fqidxCounts(dir: string, bytes: Buffer): { reads: number; bases: number; min: number; max: number } {
  const path = join(dir, `q${Math.random().toString(36).slice(2)}.fq`);
  writeFileSync(path, bytes);
  run('samtools', ['fqidx', path]);
  const lengths = readFileSync(`${path}.fai`, 'utf8').trim().split('\n').map((l) => Number(l.split('\t')[1]));
  return { reads: lengths.length, bases: lengths.reduce((a, b) => a + b, 0), min: Math.min(...lengths), max: Math.max(...lengths) };
}

async function formatError(text: string | Buffer): Promise<string> {
  try {
    await scanFastq(chunked(Buffer.from(text), 5));
  } catch (err) {
    assert.ok(err instanceof FormatError, `expected a FormatError, got ${String(err)}`);
    assert.ok(err.message.length <= 120, err.message);
    return err.message;
  }
  assert.fail('expected a FormatError');
}

describe('scanFastq on the shared FASTQ files', { skip: genomicsSkip }, () => {
  it('fastqs.fq (wrapped records, quality lines starting with @): 105 reads, 18,914 bases, 30-507 bp as its .fai says; md5 = md5sum', async () => {
    const scan = await scanFastq(createReadStream(FASTQS));
    const expected = readFileSync(`${FASTQS}.expected.fai`, 'utf8').trim().split('\n').map((l) => Number(l.split('\t')[1]));
    assert.equal(scan.reads, 105);
    assert.equal(scan.reads, expected.length);
    assert.equal(scan.bases, 18914);
    assert.equal(scan.bases, expected.reduce((a, b) => a + b, 0));
    assert.equal(scan.minReadLength, 30);
    assert.equal(scan.maxReadLength, 507);
    assert.deepEqual(scan.hashes, { md5: md5sum(FASTQS) });
    assert.equal(scan.fastqBytes, readFileSync(FASTQS).length);
  });

  it('r1.fq, r2.fq, interleaved.fq: 5, 5, 10 reads of 100 bp; MD5, SHA-256 and SHA-512 of the file', async () => {
    for (const [path, reads] of [[R1, 5], [R2, 5], [INTERLEAVED, 10]] as const) {
      const scan = await scanFastq(createReadStream(path), { hashes: ['md5', 'sha256', 'sha512'] });
      assert.equal(scan.reads, reads, path);
      assert.equal(scan.bases, reads * 100);
      assert.equal(scan.minReadLength, 100);
      assert.equal(scan.maxReadLength, 100);
      assert.equal(scan.hashes.md5, md5sum(path));
      assert.equal(scan.hashes.sha256, run('sha256sum', [path]).split(' ')[0]);
      assert.equal(scan.hashes.sha512, run('sha512sum', [path]).split(' ')[0]);
    }
  });
});

describe('scanFastq against samtools', { skip: samtoolsSkip || genomicsSkip }, () => {
  let tmp: ReturnType<typeof tempDir>;
  before(() => { tmp = tempDir('fastq-scan'); });
  after(() => tmp.remove());

  it('fastqs.fq at every chunk size, and as CRLF: the counts samtools fqidx gives', async () => {
    const bytes = readFileSync(FASTQS);
    const oracle = fqidxCounts(tmp.dir, bytes);
    for (const chunk of [1, 2, 3, 17, 4096, 1 << 20]) {
      const scan = await scanFastq(chunked(bytes, chunk));
      assert.deepEqual([scan.reads, scan.bases, scan.minReadLength, scan.maxReadLength], [oracle.reads, oracle.bases, oracle.min, oracle.max], `chunk ${chunk}`);
    }
    const crlf = Buffer.from(bytes.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    const scan = await scanFastq(chunked(crlf, 333));
    assert.deepEqual([scan.reads, scan.bases], [oracle.reads, oracle.bases]);
    assert.equal(scan.hashes.md5, createHash('md5').update(crlf).digest('hex'));
  });

  it('a generated file with reads wrapped at 7 bases and empty lines between records: counts = samtools fqidx', async () => {
    const records: string[] = [];
    for (let r = 0; r < 200; r++) {
      const n = 1 + ((r * 37) % 90);
      const seq = Array.from({ length: n }, (_, i) => 'ACGTN'[(i + r) % 5]).join('');
      const qual = Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 13 + r) % 94))).join('');
      const wrap = (s: string) => s.match(/.{1,7}/g)!.join('\n');
      records.push(`@read${r} comment\n${wrap(seq)}\n+\n${wrap(qual)}\n`);
    }
    const bytes = Buffer.from(records.join(''));
    const oracle = fqidxCounts(tmp.dir, bytes);
    const scan = await scanFastq(chunked(bytes, 1000));
    assert.deepEqual([scan.reads, scan.bases, scan.minReadLength, scan.maxReadLength], [oracle.reads, oracle.bases, oracle.min, oracle.max]);
  });

  it('multi-member gzip (r1 then r2 compressed separately): both files counted, hashes and sink are of the uncompressed concatenation', async () => {
    const plain = Buffer.concat([readFileSync(R1), readFileSync(R2)]);
    const gz = Buffer.concat([gzipSync(readFileSync(R1)), gzipSync(readFileSync(R2))]);
    const { sink, bytes } = collectingSink();
    const scan = await scanFastq(chunked(gz, 100), { sink, hashes: ['sha512'] });
    assert.equal(scan.compression, 'gzip');
    assert.equal(scan.reads, 10);
    assert.equal(scan.bases, 1000);
    assert.equal(scan.sourceBytes, gz.length);
    assert.equal(scan.fastqBytes, plain.length);
    assert.deepEqual(scan.hashes, { sha512: createHash('sha512').update(plain).digest('hex') });
    assert.ok((await bytes()).equals(plain));
  });
});

describe('scanFastq on broken input', () => {
  it('each problem is a FormatError naming its line', async () => {
    const good = '@r1\nACGT\n+\nIIII\n';
    const cases: Array<[string, string, RegExp]> = [
      ['no @ header', 'r1\nACGT\n+\nIIII\n', /^line 1: expected '@' header, got "r1"/],
      ['FASTA given as FASTQ', '>chr1\nACGT\n', /^line 1: expected '@' header, got ">chr1"/],
      ['header without a name', `${good}@\nACGT\n+\nIIII\n`, /^line 5: header without a read name/],
      ['invalid base', `${good}@r2\nACXT\n+\nIIII\n`, /^line 6: invalid sequence character 'X'/],
      ['invalid quality', `${good}@r2\nACGT\n+\nII I\n`, /^line 8: invalid quality character 0x20/],
      ['quality longer than sequence', `${good}@r2\nACGT\n+\nIIIII\n`, /^line 8: quality longer than sequence \(5 > 4\)/],
      ['quality shorter, then the next record', `@r1\nACGT\n+\nII\n@r2\nACGT\n+\nIIII\n`, /^line 5: quality longer than sequence/],
      ['truncated in the sequence', `${good}@r2\nACGT\n`, /^line 7: truncated record \(the record of line 5/],
      ['truncated in the quality', `${good}@r2\nACGT\n+\nII`, /^line 9: truncated record/],
      ['header only', '@r1\n', /^line 2: truncated record/],
      ['junk after the last record', `${good}garbage\n`, /^line 5: expected '@' header/],
    ];
    for (const [label, text, pattern] of cases) assert.match(await formatError(text), pattern, label);
  });

  it('a truncated gzip file is a FormatError and the sink is destroyed with it', async () => {
    const gz = gzipSync(Buffer.from('@r1\nACGT\n+\nIIII\n'.repeat(5000)));
    const { sink } = collectingSink();
    sink.on('error', () => undefined);
    await assert.rejects(scanFastq(chunked(gz.subarray(0, gz.length - 50), 512), { sink }),
      (err: unknown) => err instanceof FormatError && /gzip data truncated/.test(err.message));
    assert.ok(sink.destroyed);
  });

  it('a file without reads (empty, or blank lines only) is a FormatError', async () => {
    assert.match(await formatError(''), /no reads/);
    assert.match(await formatError('\n\n'), /no reads/);
  });
});
