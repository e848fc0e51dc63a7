/**
 * scanBam (src/services/omics/formats/bam-scanner.ts) on BAMs and uBAMs made by samtools from
 * generated SAM and from the shared FASTQs, with samtools as the oracle (flagstat for the counts,
 * `view -F 0x900` for the primary bases, `view -H` for the header), and on truncated and corrupt
 * files (each a FormatError naming the record or what is missing).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { scanBam, BGZF_EOF } from '../../../../src/services/omics/formats/bam-scanner.ts';
import { FormatError } from '../../../../src/services/omics/formats/format-error.ts';
import { chunked, collectingSink, GENOMICS, genomicsSkip, run, samtoolsSkip, tempDir } from './testdata.ts';
import { ceSequences, generatedSam } from './generated-alignments.ts';

/** samtools flagstat's first column for the lines we compare. */
function flagstat(path: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of run('samtools', ['flagstat', path]).split('\n')) {
    const m = /^(\d+) \+ \d+ (in total|primary mapped|primary|secondary|supplementary|mapped)( \(|$)/.exec(line);
    if (m) out[m[2]] = Number(m[1]);
  }
  return out;
}

/** Sum of SEQ lengths of primary records, from samtools' own SAM text ('*' counts 0). */
function primaryBases(path: string): number {
  let bases = 0;
  for (const line of run('samtools', ['view', '-F', '0x900', path]).split('\n')) {
    if (!line) continue;
    const seq = line.split('\t')[9];
    if (seq !== '*') bases += seq.length;
  }
  return bases;
}

async function bamError(bytes: Buffer, chunk = 4096): Promise<string> {
  try {
    await scanBam(chunked(bytes, chunk));
  } catch (err) {
    assert.ok(err instanceof FormatError, `expected a FormatError, got ${String(err)}`);
    assert.ok(err.message.length <= 120, err.message);
    return err.message;
  }
  assert.fail('expected a FormatError');
}

describe('scanBam against samtools', { skip: samtoolsSkip || genomicsSkip }, () => {
  let tmp: ReturnType<typeof tempDir>;
  let bamPath: string;
  let bam: Buffer;
  before(() => {
    tmp = tempDir('bam-scan');
    const sam = join(tmp.dir, 'aln.sam');
    writeFileSync(sam, generatedSam(ceSequences(join(GENOMICS, 'htslib', 'ce.fa')), 3000));
    bamPath = join(tmp.dir, 'aln.bam');
    run('samtools', ['view', '-b', '-o', bamPath, sam]);
    bam = readFileSync(bamPath);
  });
  after(() => tmp.remove());

  it('a BAM with mapped, unmapped, secondary and supplementary records: counts = samtools flagstat, bases = primary SEQ lengths', async () => {
    const scan = await scanBam(createReadStream(bamPath));
    const fs = flagstat(bamPath);
    assert.equal(scan.records, fs['in total']);
    assert.equal(scan.primary, fs.primary);
    assert.equal(scan.secondary, fs.secondary);
    assert.equal(scan.supplementary, fs.supplementary);
    assert.equal(scan.mapped, fs.mapped);
    assert.equal(scan.primaryMapped, fs['primary mapped']);
    assert.equal(scan.unmapped, scan.records - fs.mapped);
    assert.ok(scan.unmapped > 0 && scan.secondary > 0 && scan.supplementary > 0, 'the generated file has every kind');
    assert.equal(scan.bases, primaryBases(bamPath));
    assert.equal(Number(run('samtools', ['view', '-c', bamPath]).trim()), scan.records);
    assert.equal(scan.sourceBytes, bam.length);
  });

  it('the header text and references: text = samtools view -H, @SQ M5 = MANIFEST.md, same at every chunk size', async () => {
    const expectedText = run('samtools', ['view', '-H', '--no-PG', bamPath]);
    for (const size of [5, 28, 65536]) {
      const scan = await scanBam(chunked(bam, size));
      assert.equal(scan.headerText, expectedText, `chunk ${size}`);
      assert.equal(scan.references.length, 7);
      assert.deepEqual(scan.references[0], { name: 'CHROMOSOME_I', length: 1009800, m5: '8ede36131e0dbf3417807e48f77f3ebd' });
      assert.deepEqual(scan.references[6], { name: 'CHROMOSOME_MtDNA', length: 5000, m5: 'cd05857ece6411f40257a565ccfe15bb' });
      assert.equal(scan.records, flagstat(bamPath)['in total']);
    }
  });

  it('a uBAM from samtools import of r1.fq + r2.fq: 10 unmapped reads, 1,000 bases, no references; the sink gets the file as read', async () => {
    const ubam = join(tmp.dir, 'pair.ubam');
    run('samtools', ['import', '-O', 'bam', '-1', join(GENOMICS, 'htslib', 'fastq', 'r1.fq'), '-2', join(GENOMICS, 'htslib', 'fastq', 'r2.fq'), '-o', ubam]);
    const { sink, bytes } = collectingSink();
    const scan = await scanBam(createReadStream(ubam), { sink });
    assert.deepEqual([scan.records, scan.primary, scan.mapped, scan.unmapped, scan.bases], [10, 10, 0, 10, 1000]);
    assert.equal(scan.records, flagstat(ubam)['in total']);
    assert.deepEqual(scan.references, []);
    assert.ok((await bytes()).equals(readFileSync(ubam)));
  });

  it('truncation: cut inside a block, without the EOF block, and a record cut short each fail naming what is missing', async () => {
    assert.match(await bamError(bam.subarray(0, Math.floor(bam.length / 2))), /gzip data truncated/);
    assert.match(await bamError(bam.subarray(0, bam.length - BGZF_EOF.length)), /^truncated BAM: no BGZF end-of-file block after \d+ records/);
    // The decompressed stream cut 10 bytes into a record, recompressed by bgzip (which adds the EOF block).
    const stream = gunzipSync(bam);
    const cutPath = join(tmp.dir, 'cut.bin');
    writeFileSync(cutPath, stream.subarray(0, stream.length - 10));
    run('bgzip', ['-f', cutPath]);
    assert.match(await bamError(readFileSync(`${cutPath}.gz`)), /^truncated BAM: record \d+ \(uncompressed offset \d+\) is cut short/);
  });

  it('corruption: plain gzip instead of BGZF, a SAM text file, a bad block_size and a refID out of range', async () => {
    const stream = gunzipSync(bam);
    assert.match(await bamError(Buffer.concat([gzipSync(stream), BGZF_EOF])), /not BGZF/);
    assert.match(await bamError(Buffer.from('@HD\tVN:1.6\n')), /not a BAM file/);
    const recordsAt = firstRecordOffset(stream);
    const badSize = Buffer.from(stream);
    badSize.writeInt32LE(5, recordsAt);
    assert.match(await bamError(bgzip(tmp.dir, badSize)), /^corrupt BAM: record 1 \(uncompressed offset \d+\): block_size 5 out of range/);
    const badRef = Buffer.from(stream);
    badRef.writeInt32LE(99, recordsAt + 4);
    assert.match(await bamError(bgzip(tmp.dir, badRef)), /^corrupt BAM: record 1 .*refID 99 not in the header's 7 references/);
    assert.match(await bamError(bgzip(tmp.dir, Buffer.from('BAN\x01\0\0\0\0', 'latin1'))), /no "BAM\\1" magic/);
  });
});

/** Offset of the first record in a decompressed BAM stream. */
function firstRecordOffset(stream: Buffer): number {
  let pos = 8 + stream.readInt32LE(4);
  const refs = stream.readInt32LE(pos);
  pos += 4;
  for (let i = 0; i < refs; i++) pos += 8 + stream.readInt32LE(pos);
  return pos;
}

function bgzip(dir: string, bytes: Buffer): Buffer {
  const path = join(dir, `b${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, bytes);
  run('bgzip', ['-f', path]);
  return readFileSync(`${path}.gz`);
}
