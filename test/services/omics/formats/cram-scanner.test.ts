/**
 * scanCram (src/services/omics/formats/cram-scanner.ts) on a CRAM made by `samtools view -C -T
 * ce.fa` from generated SAM, with samtools as the oracle (view -c, flagstat, the SEQ lengths of
 * `samtools view -T`, view -H), and on truncated and corrupt copies (each a FormatError).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanCram } from '../../../../src/services/omics/formats/cram-scanner.ts';
import { FormatError } from '../../../../src/services/omics/formats/format-error.ts';
import { GENOMICS, genomicsSkip, run, samtoolsSkip, tempDir } from './testdata.ts';
import { ceSequences, generatedSam } from './generated-alignments.ts';

const CE = join(GENOMICS, 'htslib', 'ce.fa');

function flagstat(path: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of run('samtools', ['flagstat', path]).split('\n')) {
    const m = /^(\d+) \+ \d+ (in total|primary mapped|primary|secondary|supplementary|mapped)( \(|$)/.exec(line);
    if (m) out[m[2]] = Number(m[1]);
  }
  return out;
}

/** SEQ lengths from samtools' decoding, over all records and over primary ones. */
function seqLengths(path: string): { all: number; primary: number } {
  let all = 0;
  let primary = 0;
  for (const line of run('samtools', ['view', '-T', CE, path]).split('\n')) {
    if (!line) continue;
    const f = line.split('\t');
    const n = f[9] === '*' ? 0 : f[9].length;
    all += n;
    if ((Number(f[1]) & 0x900) === 0) primary += n;
  }
  return { all, primary };
}

describe('scanCram against samtools', { skip: samtoolsSkip || genomicsSkip }, () => {
  let tmp: ReturnType<typeof tempDir>;
  let cramPath: string;
  let cram: Buffer;
  before(() => {
    tmp = tempDir('cram-scan');
    const sam = join(tmp.dir, 'aln.sam');
    writeFileSync(sam, generatedSam(ceSequences(CE), 3000));
    cramPath = join(tmp.dir, 'aln.cram');
    // Small containers, so that truncation lands between and inside them.
    run('samtools', ['view', '-C', '-T', CE, '--output-fmt-option', 'seqs_per_slice=300', '-o', cramPath, sam]);
    cram = readFileSync(cramPath);
  });
  after(() => tmp.remove());

  it('container walk: records = samtools view -c, bases = every SEQ length samtools decodes, header = view -H with @SQ M5', async () => {
    const scan = await scanCram(cramPath);
    assert.equal(scan.version, '3.0');
    assert.equal(scan.records, Number(run('samtools', ['view', '-c', cramPath]).trim()));
    assert.equal(scan.bases, seqLengths(cramPath).all);
    assert.ok(scan.containers > 3);
    assert.equal(scan.headerText, run('samtools', ['view', '-H', '--no-PG', cramPath]));
    assert.deepEqual(scan.references[0], { name: 'CHROMOSOME_I', length: 1009800, m5: '8ede36131e0dbf3417807e48f77f3ebd' });
    assert.equal(scan.references.length, 7);
    assert.equal(scan.sourceBytes, cram.length);
    assert.equal(scan.flags, undefined);
  });

  it('countFlags: primary/secondary/supplementary/mapped = samtools flagstat, primary bases = primary SEQ lengths', async () => {
    const scan = await scanCram(cramPath, { countFlags: true });
    const fs = flagstat(cramPath);
    assert.deepEqual(scan.flags, {
      primary: fs.primary, secondary: fs.secondary, supplementary: fs.supplementary, mapped: fs.mapped,
      unmapped: fs['in total'] - fs.mapped, primaryMapped: fs['primary mapped'], primaryBases: seqLengths(cramPath).primary,
    });
  });

  it('truncated and corrupt copies are FormatErrors naming the container or what is missing', async () => {
    const write = (name: string, bytes: Buffer) => { const p = join(tmp.dir, name); writeFileSync(p, bytes); return p; };
    const failure = async (path: string): Promise<string> => {
      try {
        await scanCram(path);
      } catch (err) {
        assert.ok(err instanceof FormatError, `expected a FormatError, got ${String(err)}`);
        assert.ok(err.message.length <= 120, err.message);
        return err.message;
      }
      assert.fail(`expected a FormatError for ${path}`);
    };
    assert.match(await failure(write('half.cram', cram.subarray(0, Math.floor(cram.length / 2)))), /^truncated CRAM: container \d+ at byte \d+ needs \d+ bytes past the end/);
    assert.match(await failure(write('noeof.cram', cram.subarray(0, cram.length - 38))), /^truncated CRAM: no EOF container after \d+ containers/);
    // A byte of the second container's header changed: its CRC32 no longer matches.
    const second = Buffer.from(cram);
    const secondAt = secondContainerOffset(cram);
    second[secondAt + 5] ^= 0xff;
    assert.match(await failure(write('crc.cram', second)), /^corrupt CRAM: (CRC32 mismatch in )?container 2 at byte \d+/);
    assert.match(await failure(write('tiny.cram', cram.subarray(0, 10))), /^not a CRAM file/);
    assert.match(await failure(write('sam.cram', Buffer.from('@HD\tVN:1.6\n'.repeat(10)))), /^not a CRAM file: no "CRAM" magic/);
  });
});

/** Where the first data container starts: after the file definition and the header container. */
function secondContainerOffset(cram: Buffer): number {
  // CRAM 3 container header: int32 length, then ITF8 fields; the header container's block length tells its end.
  const length = cram.readInt32LE(26);
  let pos = 30;
  // refSeqId, refSeqStart, alignmentSpan, numRecords (ITF8), recordCounter, bases (LTF8), numBlocks (ITF8), landmarks array, crc32
  const itf8 = () => {
    const b = cram[pos];
    const n = b < 0x80 ? 1 : b < 0xc0 ? 2 : b < 0xe0 ? 3 : b < 0xf0 ? 4 : 5;
    pos += n;
  };
  const ltf8 = () => {
    const b = cram[pos];
    let n = 1;
    for (let mask = 0x80; n < 9 && b & mask; mask >>= 1) n++;
    pos += n;
  };
  itf8(); itf8(); itf8(); itf8(); ltf8(); ltf8(); itf8();
  const landmarks = cram[pos]; // small count, one byte
  itf8();
  for (let i = 0; i < landmarks; i++) itf8();
  pos += 4; // crc32
  return pos + length;
}
