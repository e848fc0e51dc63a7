/**
 * scanFasta (src/services/omics/formats/fasta-scanner.ts) against the shared FASTA files with
 * MANIFEST.md's numbers, and against samtools as the oracle: `samtools faidx` for the .fai (byte
 * for byte), `samtools dict` for the per-contig M5, `md5sum` for the file MD5; on generated files
 * (odd line shapes, CRLF, gzip, bgzip, every chunk boundary), and on broken ones (each a
 * FormatError naming the problem and the line).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { scanFasta, type FastaScan } from '../../../../src/services/omics/formats/fasta-scanner.ts';
import { FormatError } from '../../../../src/services/omics/formats/format-error.ts';
import { chunked, collectingSink, GENOMICS, genomicsSkip, md5sum, run, samtoolsSkip, tempDir } from './testdata.ts';

const CE = join(GENOMICS, 'htslib', 'ce.fa');
const SARS = join(GENOMICS, 'bcftools', 'csq', 'EMN908947', 'EMN908947.fa');

/** MANIFEST.md, "htslib/ce.fa": name, length, MD5 of the upper-case sequence. */
const CE_MANIFEST = [
  ['CHROMOSOME_I', 1009800, '8ede36131e0dbf3417807e48f77f3ebd'],
  ['CHROMOSOME_II', 5000, '8e7993f7a93158587ee897d7287948ec'],
  ['CHROMOSOME_III', 5000, '3adcb065e1cf74fafdbba1e8c352b323'],
  ['CHROMOSOME_IV', 5000, '251af66a69ee589c9f3757340ec2de6f'],
  ['CHROMOSOME_V', 5000, 'cf200a65fb754836dcc56b24b3170ee8'],
  ['CHROMOSOME_X', 5000, '6f9368fd2192c89c613718399d2d31fc'],
  ['CHROMOSOME_MtDNA', 5000, 'cd05857ece6411f40257a565ccfe15bb'],
];

/** samtools faidx's index of a file (built in a temporary directory). */
function samtoolsFai(dir: string, name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  run('samtools', ['faidx', path]);
  return readFileSync(`${path}.fai`, 'utf8');
}

/** samtools dict's M5s in file order (its SN differs from faidx's name for '>  name'). */
function samtoolsM5(path: string): string[] {
  const out: string[] = [];
  for (const line of run('samtools', ['dict', path]).split('\n')) {
    if (!line.startsWith('@SQ')) continue;
    out.push(/\tM5:([0-9a-f]{32})/.exec(line)![1]);
  }
  return out;
}

async function scanBytes(bytes: Buffer, chunk = 65536): Promise<FastaScan> {
  return scanFasta(chunked(bytes, chunk));
}

async function formatError(bytes: Buffer | string): Promise<string> {
  try {
    await scanBytes(Buffer.from(bytes));
  } catch (err) {
    assert.ok(err instanceof FormatError, `expected a FormatError, got ${String(err)}`);
    assert.ok(err.message.length <= 120, err.message);
    return err.message;
  }
  assert.fail('expected a FormatError');
}

/** A FASTA with the shapes samtools accepts: short last lines, lower case, IUPAC codes, blank lines at a contig's end, a name after blanks, no final line feed. */
function oddFasta(eol: string): Buffer {
  const line = (n: number, seed: number) => Array.from({ length: n }, (_, i) => 'ACGTNacgtnRYKMSWBDHVryk'[(i * 7 + seed) % 23]).join('');
  const parts = [
    `>one description here${eol}`, `${line(60, 1)}${eol}`.repeat(1), `${line(60, 2)}${eol}`, `${line(17, 3)}${eol}`,
    `>two${eol}`, `${line(33, 4)}${eol}`, `${line(33, 5)}${eol}`, `${line(33, 6)}${eol}`, `${eol}`, `${eol}`,
    `>  three\tx${eol}`, `${line(5, 7)}${eol}`,
    `>four${eol}`, line(80, 8), `${eol}`, line(12, 9),
  ];
  return Buffer.from(parts.join(''));
}

describe('scanFasta on the shared FASTA files', { skip: genomicsSkip }, () => {
  it('ce.fa: names, lengths and M5 as MANIFEST.md lists them, the .fai byte-identical to ce.fa.fai, md5 = md5sum', async () => {
    const scan = await scanFasta(createReadStream(CE));
    assert.deepEqual(scan.contigs.map((c) => [c.name, c.length, c.m5]), CE_MANIFEST);
    assert.equal(scan.fai, readFileSync(`${CE}.fai`, 'utf8'));
    assert.equal(scan.md5, md5sum(CE));
    assert.equal(scan.md5, 'cfdd101d3d08fc60f60f2aa63a7055d4');
    assert.equal(scan.compression, 'none');
    assert.equal(scan.sourceBytes, readFileSync(CE).length);
    assert.equal(scan.fastaBytes, scan.sourceBytes);
  });

  it('EMN908947.fa: MN908947.3, 29,903 bp, M5 105c8280…, .fai as shipped', async () => {
    const scan = await scanFasta(createReadStream(SARS));
    assert.deepEqual(scan.contigs, [{ name: 'MN908947.3', length: 29903, m5: '105c82802b67521950854a851fc6eefd' }]);
    assert.equal(scan.fai, readFileSync(`${SARS}.fai`, 'utf8'));
    assert.equal(scan.md5, md5sum(SARS));
  });
});

describe('scanFasta against samtools', { skip: samtoolsSkip || genomicsSkip }, () => {
  let tmp: ReturnType<typeof tempDir>;
  before(() => { tmp = tempDir('fasta-scan'); });
  after(() => tmp.remove());

  it('ce.fa: the .fai equals `samtools faidx` and the M5s equal `samtools dict`', async () => {
    const scan = await scanFasta(createReadStream(CE));
    assert.equal(scan.fai, samtoolsFai(tmp.dir, 'ce.fa', readFileSync(CE)));
    assert.deepEqual(scan.contigs.map((c) => c.m5), samtoolsM5(CE));
  });

  for (const [label, eol] of [['LF', '\n'], ['CRLF', '\r\n']] as const) {
    it(`generated ${label} FASTA with short last lines, blank lines, lower case and IUPAC codes: .fai = samtools faidx, M5 = samtools dict, at every chunk size`, async () => {
      const bytes = oddFasta(eol);
      const expected = samtoolsFai(tmp.dir, `odd-${label}.fa`, bytes);
      const m5 = samtoolsM5(join(tmp.dir, `odd-${label}.fa`));
      for (const chunk of [1, 2, 3, 7, 61, 1 << 20]) {
        const scan = await scanBytes(bytes, chunk);
        assert.equal(scan.fai, expected, `chunk ${chunk}`);
        assert.deepEqual(scan.contigs.map((c) => c.name), ['one', 'two', 'three', 'four']);
        assert.deepEqual(scan.contigs.map((c) => c.m5), m5, `chunk ${chunk}`);
        assert.equal(scan.md5, createHash('md5').update(bytes).digest('hex'));
      }
    });
  }

  it('gzip input: md5 of the bytes as uploaded, the .fai of the decompressed FASTA, the sink gets the decompressed FASTA', async () => {
    const plain = readFileSync(CE);
    const gz = gzipSync(plain);
    const { sink, bytes } = collectingSink();
    const scan = await scanFasta(chunked(gz, 4096), { sink });
    assert.equal(scan.compression, 'gzip');
    assert.equal(scan.md5, createHash('md5').update(gz).digest('hex'));
    assert.equal(scan.sourceBytes, gz.length);
    assert.equal(scan.fastaBytes, plain.length);
    assert.equal(scan.fai, readFileSync(`${CE}.fai`, 'utf8'));
    assert.ok((await bytes()).equals(plain));
  });

  it('bgzip input (multi-member gzip): same contigs, and the .fai equals what samtools faidx writes for the bgzip file', async () => {
    const path = join(tmp.dir, 'ce.fa');
    writeFileSync(path, readFileSync(CE));
    run('bgzip', ['-f', path]);
    run('samtools', ['faidx', `${path}.gz`]);
    const scan = await scanFasta(createReadStream(`${path}.gz`));
    assert.equal(scan.compression, 'gzip');
    assert.deepEqual(scan.contigs.map((c) => [c.name, c.length, c.m5]), CE_MANIFEST);
    assert.equal(scan.fai, readFileSync(`${path}.gz.fai`, 'utf8'));
    assert.equal(scan.md5, md5sum(`${path}.gz`));
  });
});

describe('scanFasta on broken input', () => {
  it('each problem is a FormatError naming it and its line', async () => {
    const cases: Array<[string, string | Buffer, RegExp]> = [
      ['empty file', '', /no sequences/],
      ['text before the first header', 'ACGT\n>a\nACGT\n', /^line 1: expected a '>' header line/],
      ['blank lines, then text', '\n\nACGT\n', /^line 3: expected a '>' header line/],
      ['FASTQ given as FASTA', '@r1\nACGT\n+\nIIII\n', /^line 1: expected a '>' header line/],
      ['duplicate name', '>a\nACGT\n>b\nAC\n>a x\nAC\n', /^line 5: duplicate sequence name "a"/],
      ['header without a name', '>a\nAC\n> \nAC\n', /^line 3: header line without a sequence name/],
      ['invalid base', '>a\nACGT\nACXT\n', /^line 3: invalid character 'X' in contig "a"/],
      ['space inside sequence', '>a\nAC GT\n', /^line 2: invalid character 0x20/],
      ['digit', '>a\nACG1\n', /^line 2: invalid character '1'/],
      ['empty contig in the middle', '>a\n>b\nACGT\n', /^line 1: contig "a" has no sequence/],
      ['empty contig at the end', '>a\nACGT\n>b\n', /^line 3: contig "b" has no sequence/],
      ['header only, no newline', '>a', /^line 1: contig "a" has no sequence/],
      ['a short line inside a contig', '>a\nACGTACGT\nACG\nACGTACGT\n', /^line 4: contig "a": lines of different lengths/],
      ['a line longer than the first', '>a\nACGT\nACGTACGT\n', /^line 3: contig "a": line longer than its first line \(4 bases\)/],
      ['a blank line inside a contig', '>a\nACGT\n\nACGT\n', /^line 4: sequence after a blank line in contig "a"/],
      ['a blank line after a header', '>a\n\nACGT\n', /^line 2: blank line at the start of contig "a"/],
      ['a CRLF blank line after a header', '>a\r\n\r\nACGT\r\n', /^line 2: blank line at the start of contig "a"/],
      ['a lone carriage return', '>a\nAC\rGT\n', /^line 2: carriage return not followed by a line feed/],
      ['a NUL byte', Buffer.from('>a\nAC\0T\n'), /^line 2: invalid character 0x00/],
    ];
    for (const [label, bytes, pattern] of cases) {
      assert.match(await formatError(Buffer.from(bytes)), pattern, label);
    }
  });

  it('a truncated gzip file is a FormatError, and the sink is destroyed with it', async () => {
    const gz = gzipSync(readFileSync(join(GENOMICS, 'htslib', 'ce.fa')));
    const { sink } = collectingSink();
    sink.on('error', () => undefined);
    await assert.rejects(scanFasta(chunked(gz.subarray(0, gz.length - 100), 1000), { sink }),
      (err: unknown) => err instanceof FormatError && /gzip data truncated/.test(err.message));
    assert.ok(sink.destroyed);
  });

  it('corrupt gzip data is a FormatError', async () => {
    const gz = gzipSync(Buffer.from('>a\nACGT\n'.repeat(1000)));
    gz.fill(0x55, 20, 40);
    await assert.rejects(scanBytes(gz), (err: unknown) => err instanceof FormatError && /gzip/.test(err.message));
  });

  it('a sink whose reader gives up (destroys it) stops the scan with the reader\'s error, without hanging', async () => {
    const sink = new PassThrough({ highWaterMark: 1024 });
    sink.on('error', () => undefined);
    // Nobody reads: the scan soon waits for 'drain'; then the reader fails.
    setTimeout(() => sink.destroy(new Error('store write failed')), 50);
    const bytes = Buffer.from(`>a\n${'ACGT'.repeat(15)}\n`.repeat(1).concat(`${'ACGT'.repeat(15)}\n`.repeat(20000)));
    await assert.rejects(scanFasta(chunked(bytes, 4096), { sink }), /store write failed/);
  });

  it('a FormatError at the first chunk leaves the sink destroyed, not ended', async () => {
    const { sink } = collectingSink();
    sink.on('error', () => undefined);
    await assert.rejects(scanFasta(chunked(Buffer.from('nope\n'), 10), { sink }), FormatError);
    assert.ok(sink.destroyed);
  });
});
