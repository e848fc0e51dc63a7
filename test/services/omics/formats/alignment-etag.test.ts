/**
 * alignmentEtag (src/services/omics/formats/alignment-etag.ts): the hash of `samtools view`'s
 * headerless SAM, checked against the same command's output hashed here, unchanged by BAM
 * compression level, for BAM and CRAM (with its reference), and its failures: a truncated BAM
 * (FormatError), a CRAM whose reference is gone (FormatError, no network fetch), no samtools
 * (ToolUnavailableError).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alignmentEtag } from '../../../../src/services/omics/formats/alignment-etag.ts';
import { FormatError } from '../../../../src/services/omics/formats/format-error.ts';
import { ToolUnavailableError } from '../../../../src/services/omics/formats/tool-unavailable-error.ts';
import { GENOMICS, genomicsSkip, run, samtoolsSkip, tempDir } from './testdata.ts';
import { ceSequences, generatedSam } from './generated-alignments.ts';

const CE = join(GENOMICS, 'htslib', 'ce.fa');

function hashOf(text: string, algorithm: string): string {
  return createHash(algorithm).update(text).digest('hex');
}

describe('alignmentEtag', { skip: samtoolsSkip || genomicsSkip }, () => {
  let tmp: ReturnType<typeof tempDir>;
  let sam: string;
  let bam: string;
  before(() => {
    tmp = tempDir('alignment-etag');
    sam = join(tmp.dir, 'aln.sam');
    writeFileSync(sam, generatedSam(ceSequences(CE), 1500));
    bam = join(tmp.dir, 'aln.bam');
    run('samtools', ['view', '-b', '-o', bam, sam]);
  });
  after(() => tmp.remove());

  it('BAM: MD5, SHA-256 and SHA-512 of the headerless SAM text samtools view prints; records = samtools view -c', async () => {
    const text = run('samtools', ['view', bam]);
    for (const algorithm of ['md5', 'sha256', 'sha512'] as const) {
      const etag = await alignmentEtag(bam, { algorithm });
      assert.equal(etag.hash, hashOf(text, algorithm), algorithm);
      assert.equal(etag.algorithm, algorithm);
      assert.equal(etag.records, Number(run('samtools', ['view', '-c', bam]).trim()));
      assert.equal(etag.samBytes, Buffer.byteLength(text));
    }
    assert.ok(!text.startsWith('@'), 'no header in what is hashed');
  });

  it('the same records give the same ETag at any BAM compression level (and the bytes differ)', async () => {
    const fast = join(tmp.dir, 'l1.bam');
    const small = join(tmp.dir, 'l9.bam');
    run('samtools', ['view', '-b', '--output-fmt-option', 'level=1', '-o', fast, sam]);
    run('samtools', ['view', '-b', '--output-fmt-option', 'level=9', '-o', small, sam]);
    assert.ok(!readFileSync(fast).equals(readFileSync(small)));
    assert.equal((await alignmentEtag(fast)).hash, (await alignmentEtag(small)).hash);
    assert.equal((await alignmentEtag(fast)).hash, (await alignmentEtag(bam)).hash);
  });

  it('CRAM with its reference: the hash of samtools view -T ref', async () => {
    const cram = join(tmp.dir, 'aln.cram');
    run('samtools', ['view', '-C', '-T', CE, '-o', cram, bam]);
    const etag = await alignmentEtag(cram, { reference: CE, algorithm: 'sha256' });
    assert.equal(etag.hash, hashOf(run('samtools', ['view', '-T', CE, cram]), 'sha256'));
  });

  it('a truncated BAM (no EOF block) and a CRAM whose reference is gone are FormatErrors', async () => {
    const cut = join(tmp.dir, 'cut.bam');
    const bytes = readFileSync(bam);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 28));
    await assert.rejects(alignmentEtag(cut), (err: unknown) => err instanceof FormatError && /EOF marker is absent/.test(err.message));
    const ref = join(tmp.dir, 'gone.fa');
    copyFileSync(CE, ref);
    const cram = join(tmp.dir, 'orphan.cram');
    run('samtools', ['view', '-C', '-T', ref, '-o', cram, bam]);
    rmSync(ref);
    rmSync(`${ref}.fai`, { force: true });
    await assert.rejects(alignmentEtag(cram), (err: unknown) => err instanceof FormatError && /^samtools view failed/.test(err.message));
  });

  it('without samtools: ToolUnavailableError saying so', async () => {
    await assert.rejects(alignmentEtag(bam, { samtools: join(tmp.dir, 'no-such-samtools') }),
      (err: unknown) => err instanceof ToolUnavailableError && /samtools is not installed/.test(err.message));
  });
});
