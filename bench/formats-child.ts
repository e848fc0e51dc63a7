/**
 * One measured pass for bench/formats.ts, in its own process so its peak RSS is its own.
 * argv: <kind> <path> [reference]. Kinds: the scanners (fasta, fastq, bam, cram, etag), and the
 * baselines read+md5 (the file read and MD5-hashed on this thread, as fast as node reads) and
 * read+gunzip (the file inflated by node:zlib and discarded). Prints one JSON line:
 * { seconds, maxRssMB, summary }.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { scanFasta } from '../src/services/omics/formats/fasta-scanner.ts';
import { scanFastq } from '../src/services/omics/formats/fastq-scanner.ts';
import { scanBam } from '../src/services/omics/formats/bam-scanner.ts';
import { scanCram } from '../src/services/omics/formats/cram-scanner.ts';
import { alignmentEtag } from '../src/services/omics/formats/alignment-etag.ts';

const [kind, path, reference] = process.argv.slice(2);
const read = () => createReadStream(path!, { highWaterMark: 1 << 20 });

async function measure(): Promise<unknown> {
  switch (kind) {
    case 'fasta': {
      const r = await scanFasta(read());
      return { contigs: r.contigs.length, bytes: r.sourceBytes, md5: r.md5 };
    }
    case 'fastq': {
      const r = await scanFastq(read());
      return { reads: r.reads, bases: r.bases, bytes: r.fastqBytes, md5: r.hashes.md5 };
    }
    case 'bam': {
      const r = await scanBam(read());
      return { records: r.records, primary: r.primary, bases: r.bases, bytes: r.sourceBytes };
    }
    case 'cram': {
      const r = await scanCram(path!);
      return { records: r.records, bases: r.bases, containers: r.containers };
    }
    case 'etag': {
      const r = await alignmentEtag(path!, { reference });
      return { records: r.records, hash: r.hash };
    }
    case 'read+md5': {
      const hash = createHash('md5');
      let bytes = 0;
      for await (const chunk of read()) { hash.update(chunk as Buffer); bytes += (chunk as Buffer).length; }
      return { bytes, md5: hash.digest('hex') };
    }
    case 'read+gunzip': {
      let bytes = 0;
      for await (const chunk of read().pipe(createGunzip({ chunkSize: 256 * 1024 }))) bytes += (chunk as Buffer).length;
      return { decompressed: bytes };
    }
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

const started = performance.now();
const summary = await measure();
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, summary })}\n`);
