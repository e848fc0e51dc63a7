/** Reference-store helpers for tests: wait for an import job, read a reference part, make a big FASTA. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import {
  GetReferenceCommand, GetReferenceImportJobCommand, type GetReferenceImportJobCommandOutput, type OmicsClient,
} from '@aws-sdk/client-omics';

const ENDED = new Set(['COMPLETED', 'COMPLETED_WITH_FAILURES', 'FAILED', 'CANCELLED']);

export async function waitReferenceImport(omics: OmicsClient, referenceStoreId: string, id: string, timeoutMs = 120_000): Promise<GetReferenceImportJobCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await omics.send(new GetReferenceImportJobCommand({ referenceStoreId, id }));
    if (ENDED.has(job.status!)) return job;
    if (Date.now() > deadline) throw new Error(`reference import ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The bytes GetReference returns for one part (and Range). */
export async function referencePart(omics: OmicsClient, referenceStoreId: string, id: string, partNumber: number,
  file: 'SOURCE' | 'INDEX' = 'SOURCE', range?: string): Promise<Buffer> {
  const out = await omics.send(new GetReferenceCommand({ referenceStoreId, id, partNumber, file, ...(range ? { range } : {}) }));
  return Buffer.from(await out.payload!.transformToByteArray());
}

/** Writes a FASTA of about `bytes` bytes: contigs of `contigBases` bases in 60-base lines, seeded bases. */
export async function writeGeneratedFasta(path: string, bytes: number, contigBases = 5_000_000): Promise<void> {
  const out = createWriteStream(path);
  const alphabet = 'ACGTACGTACGTNacgt';
  let seed = 42;
  const line = Buffer.alloc(61);
  line[60] = 10;
  let written = 0;
  for (let contig = 1; written < bytes; contig++) {
    const header = `>contig${contig} generated\n`;
    written += header.length;
    if (!out.write(header)) await once(out, 'drain');
    const lines = contigBases / 60;
    const block: Buffer[] = [];
    for (let l = 0; l < lines && written < bytes; l++) {
      for (let i = 0; i < 60; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        line[i] = alphabet.charCodeAt(seed % alphabet.length);
      }
      block.push(Buffer.from(line));
      written += 61;
      if (block.length === 4096) {
        if (!out.write(Buffer.concat(block.splice(0)))) await once(out, 'drain');
      }
    }
    if (block.length && !out.write(Buffer.concat(block))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
