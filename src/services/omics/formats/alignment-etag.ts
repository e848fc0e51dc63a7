/**
 * alignmentEtag: the ETag of a BAM, uBAM or CRAM read set (AWS's BAM_MD5up / CRAM_MD5up and
 * their SHA256up / SHA512up forms).
 *
 * AWS defines it as the hash of "the alignment section of the file as represented in SAM",
 * without documenting the canonical SAM text. Our exact definition:
 *
 *   hash( stdout of `samtools view [-T <reference.fasta>] <file>` )
 *
 * i.e. the headerless SAM text of every record (primary, secondary, supplementary and unmapped
 * alike) in file order, each line as samtools 1.16 formats it (tags in stored order) and ending
 * in "\n"; a CRAM decoded against the reference given, with htslib's default decoding (which
 * regenerates the MD/NM tags a CRAM encoder drops, so a CRAM's ETag can differ from that of the
 * BAM it was made from). The header is left out, as AWS's is (AWS adds an @CO line on import, so
 * an exported file's header differs anyway). The same records give the same ETag whatever the
 * BAM compression. Self-consistent, but not provably equal to AWS's values
 * (spec/omics-formats.md §4.1).
 *
 * samtools runs as a child process because it is the only SAM formatter verified here; without
 * it this throws ToolUnavailableError (callers fail the job item with its message). htslib is
 * kept off the network (REF_PATH points nowhere): a CRAM whose reference is neither given nor
 * embedded fails. The reference needs its `.fai` beside it (htslib writes one otherwise).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startDigests } from '../../s3/digests.ts';
import { FormatError } from './format-error.ts';
import { ToolUnavailableError } from './tool-unavailable-error.ts';

export type AlignmentEtagAlgorithm = 'md5' | 'sha256' | 'sha512';

export interface AlignmentEtagOptions {
  /** Default 'md5'. */
  algorithm?: AlignmentEtagAlgorithm;
  /** Reference FASTA for a CRAM (samtools -T). */
  reference?: string;
  /** The samtools executable; default `samtools` on PATH. */
  samtools?: string;
  signal?: AbortSignal;
}

export interface AlignmentEtag {
  algorithm: AlignmentEtagAlgorithm;
  /** Hex digest. */
  hash: string;
  /** SAM lines hashed (= records). */
  records: number;
  /** Bytes of SAM text hashed. */
  samBytes: number;
}

/** stderr kept for the error message. */
const STDERR_KEPT = 16 * 1024;

export async function alignmentEtag(path: string, opts: AlignmentEtagOptions = {}): Promise<AlignmentEtag> {
  const algorithm = opts.algorithm ?? 'md5';
  const samtools = opts.samtools ?? 'samtools';
  const args = ['view', ...(opts.reference ? ['-T', opts.reference] : []), path];
  const env = { ...process.env, REF_PATH: join(tmpdir(), 'healthtrail-no-reference-download', '%s'), REF_CACHE: '' };
  const child = spawn(samtools, args, { stdio: ['ignore', 'pipe', 'pipe'], env, signal: opts.signal });
  const digester = startDigests([algorithm], Number.MAX_SAFE_INTEGER);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => { if (stderr.length < STDERR_KEPT) stderr += text; });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  exited.catch(() => undefined);
  let records = 0;
  let samBytes = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      samBytes += chunk.length;
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) records++;
      const wait = digester.update(chunk);
      if (wait) await wait;
    }
    const code = await exited;
    const problem = samtoolsProblem(stderr);
    if (code !== 0 || problem) {
      throw new FormatError(`samtools view failed${code !== 0 ? ` (exit ${code})` : ''}: ${problem ?? lastLine(stderr) ?? 'no message'}`);
    }
    const hash = (await digester.digests()).get(algorithm)!.toString('hex');
    return { algorithm, hash, records, samBytes };
  } catch (err) {
    digester.abort();
    if (child.exitCode === null) child.kill('SIGKILL');
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && (err as NodeJS.ErrnoException).syscall?.startsWith('spawn')) {
      throw new ToolUnavailableError(`samtools is not installed (needed for the BAM/CRAM ETag): ${samtools} not found`);
    }
    throw err;
  }
}

/** htslib's error lines, and the warning it gives for a truncated BGZF file (exit status stays 0). */
function samtoolsProblem(stderr: string): string | undefined {
  for (const line of stderr.split('\n')) {
    if (line.startsWith('[E::') || /EOF marker is absent/.test(line)) return line.replace(/^\[[EW]::[^\]]*\]\s*/, '');
  }
  return undefined;
}

function lastLine(text: string): string | undefined {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] || undefined;
}
