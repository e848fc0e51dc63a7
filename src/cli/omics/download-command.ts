/**
 * `healthtrail omics download read-set | reference`: one file of a read set (SOURCE1, SOURCE2,
 * INDEX) or of a reference (SOURCE, INDEX), read part by part (GetReadSet / GetReference with
 * partNumber, as the metadata's totalParts says) and streamed into a local file with progress.
 * The file is written beside the target and renamed at the end, so an interrupted download
 * leaves nothing that looks complete.
 */
import { createWriteStream, renameSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import {
  GetReadSetCommand, GetReadSetMetadataCommand, GetReferenceCommand, GetReferenceMetadataCommand, ReadSetFile, ReferenceFile,
  type FileInformation,
} from '@aws-sdk/client-omics';
import { addClientOptions, withClients, type ClientOptions } from '../client-context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { helpFooter } from '../examples.ts';
import { writeOut } from '../output.ts';
import { formatBytes, startProgress } from '../progress.ts';

/** What a downloaded file is called when the target is a directory. */
const READ_SET_SUFFIX: Record<string, Record<string, string>> = {
  // FASTQ read sets are kept gzip, as AWS keeps them, and come back so.
  FASTQ: { SOURCE1: '_1.fastq.gz', SOURCE2: '_2.fastq.gz' },
  BAM: { SOURCE1: '.bam', INDEX: '.bam.bai' },
  UBAM: { SOURCE1: '.bam' },
  CRAM: { SOURCE1: '.cram', INDEX: '.cram.crai' },
};
const REFERENCE_SUFFIX: Record<string, string> = { SOURCE: '.fasta', INDEX: '.fasta.fai' };

function targetPath(target: string, defaultName: string): string {
  try {
    if (statSync(target).isDirectory()) return join(target, defaultName);
  } catch {
    // A new file.
  }
  return target;
}

/** Streams parts 1..totalParts of one file into `target`, with a progress bar. */
async function downloadParts(info: FileInformation, target: string, getPart: (partNumber: number) => Promise<Readable>): Promise<number> {
  const total = info.contentLength;
  const parts = info.totalParts ?? 0;
  const progress = startProgress({ label: 'download', total });
  const partial = join(dirname(target), `.${basename(target)}.healthtrail-${process.pid}`);
  const out: WriteStream = createWriteStream(partial);
  let done = 0;
  try {
    for (let partNumber = 1; partNumber <= parts; partNumber++) {
      const count = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          done += chunk.length;
          progress.update(done, `${formatBytes(done)}${total !== undefined ? ` / ${formatBytes(total)}` : ''} | part ${partNumber}/${parts}`);
          callback(null, chunk);
        },
      });
      await pipeline(await getPart(partNumber), count, out, { end: false });
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    renameSync(partial, target);
  } catch (err) {
    out.destroy();
    rmSync(partial, { force: true });
    throw err;
  } finally {
    progress.stop();
  }
  return done;
}

function missingFile(what: string, file: string): CliError {
  return new CliError(`${what} has no ${file} file.`, EXIT.failed);
}

export function registerOmicsDownload(group: Command): void {
  const download = group.command('download').description('download a file of a read set or a reference, part by part');
  helpFooter(download, [
    'healthtrail omics download read-set --sequence-store-id 1234567890 --read-set-id 9876543210 ./reads/',
    'healthtrail omics download reference --reference-store-id 1234567890 --reference-id 5555555555 --file INDEX hg38.fasta.fai',
  ]);

  const readSet = download.command('read-set').description('one file of a read set (GetReadSetMetadata, then GetReadSet per part)')
    .argument('<target>', 'local file, or a directory (the file is named <read set id>_1.fastq.gz, <id>.bam, ...)')
    .requiredOption('--sequence-store-id <id>', 'the sequence store')
    .requiredOption('--read-set-id <id>', 'the read set')
    .addOption(new Option('--file <file>', 'which file').choices(Object.values(ReadSetFile)).default(ReadSetFile.SOURCE1));
  addClientOptions(readSet);
  helpFooter(readSet, [
    'healthtrail omics download read-set --sequence-store-id 1234567890 --read-set-id 9876543210 reads_1.fastq.gz',
    'healthtrail omics download read-set --sequence-store-id 1234567890 --read-set-id 9876543210 --file SOURCE2 ./reads/',
  ], ['FASTQ read sets come back gzip-compressed (as AWS HealthOmics serves them), whatever was uploaded.']);
  readSet.action(async (target: string, o: ClientOptions & { sequenceStoreId: string; readSetId: string; file: ReadSetFile }) => {
    await withClients(o, async (ctx) => {
      const omics = ctx.omics();
      const meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId: o.sequenceStoreId, id: o.readSetId }));
      const key = ({ SOURCE1: 'source1', SOURCE2: 'source2', INDEX: 'index' } as const)[o.file];
      const info = meta.files?.[key];
      if (!info) throw missingFile(`read set ${o.readSetId} (${meta.fileType ?? 'unknown type'}, ${meta.status ?? 'unknown status'})`, o.file);
      const path = targetPath(target, `${o.readSetId}${READ_SET_SUFFIX[meta.fileType ?? '']?.[o.file] ?? `.${o.file.toLowerCase()}`}`);
      const bytes = await downloadParts(info, path, async (partNumber) => {
        const part = await omics.send(new GetReadSetCommand({ sequenceStoreId: o.sequenceStoreId, id: o.readSetId, file: o.file, partNumber }));
        return part.payload as Readable;
      });
      await writeOut(`download: read set ${o.readSetId} ${o.file} to ${path} (${bytes} bytes)\n`);
    });
  });

  const reference = download.command('reference').description('one file of a reference (GetReferenceMetadata, then GetReference per part)')
    .argument('<target>', 'local file, or a directory (the file is named <reference id>.fasta or .fasta.fai)')
    .requiredOption('--reference-store-id <id>', 'the reference store')
    .requiredOption('--reference-id <id>', 'the reference')
    .addOption(new Option('--file <file>', 'which file: the FASTA or its .fai index').choices(Object.values(ReferenceFile)).default(ReferenceFile.SOURCE));
  addClientOptions(reference);
  helpFooter(reference, [
    'healthtrail omics download reference --reference-store-id 1234567890 --reference-id 5555555555 hg38.fasta',
    'healthtrail omics download reference --reference-store-id 1234567890 --reference-id 5555555555 --file INDEX ./',
  ]);
  reference.action(async (target: string, o: ClientOptions & { referenceStoreId: string; referenceId: string; file: ReferenceFile }) => {
    await withClients(o, async (ctx) => {
      const omics = ctx.omics();
      const meta = await omics.send(new GetReferenceMetadataCommand({ referenceStoreId: o.referenceStoreId, id: o.referenceId }));
      const info = o.file === ReferenceFile.INDEX ? meta.files?.index : meta.files?.source;
      if (!info) throw missingFile(`reference ${o.referenceId} (${meta.status ?? 'unknown status'})`, o.file);
      const path = targetPath(target, `${o.referenceId}${REFERENCE_SUFFIX[o.file]}`);
      const bytes = await downloadParts(info, path, async (partNumber) => {
        const part = await omics.send(new GetReferenceCommand({ referenceStoreId: o.referenceStoreId, id: o.referenceId, file: o.file, partNumber }));
        return part.payload as Readable;
      });
      await writeOut(`download: reference ${o.referenceId} ${o.file} to ${path} (${bytes} bytes)\n`);
    });
  });
}
