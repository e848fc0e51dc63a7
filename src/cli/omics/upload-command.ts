/**
 * `healthtrail omics upload <file> [<file2>]`: a local FASTQ (or paired R1/R2), BAM, CRAM or uBAM
 * as a read set, in parts: CreateMultipartReadSetUpload, UploadReadSetPart per part (each part
 * streamed from the file), CompleteMultipartReadSetUpload with the parts' checksums, then
 * GetReadSetMetadata until the read set leaves PROCESSING_UPLOAD (ACTIVE, or UPLOAD_FAILED with
 * its message). A failed part aborts the upload, so no half-uploaded read set is left behind.
 */
import { Option, type Command } from 'commander';
import {
  AbortMultipartReadSetUploadCommand, CompleteMultipartReadSetUploadCommand, CreateMultipartReadSetUploadCommand,
  FileType, GetReadSetMetadataCommand, ReadSetPartSource, UploadReadSetPartCommand,
  type CompleteReadSetUploadPartListItem, type GetReadSetMetadataCommandOutput, type OmicsClient,
} from '@aws-sdk/client-omics';
import { addClientOptions, withClients, type ClientOptions } from '../client-context.ts';
import { CliError, EXIT, usageError } from '../exit-codes.ts';
import { helpFooter } from '../examples.ts';
import { pollUntil } from '../job-wait.ts';
import { outputOption, renderFields, renderJson, withoutMetadata, writeOut, type OutputFormat } from '../output.ts';
import { formatBytes, startProgress, type Progress } from '../progress.ts';
import { fileTypeOf, localFileSize, openPart, partRanges } from './file-parts.ts';
import { collectTag, MiB, parsePartSize } from './omics-options.ts';
import { readSetFields } from './read-set-fields.ts';

interface UploadOptions extends ClientOptions {
  sequenceStoreId: string;
  subjectId: string;
  sampleId: string;
  name: string;
  fileType?: FileType;
  referenceArn?: string;
  generatedFrom?: string;
  description?: string;
  tag?: Record<string, string>;
  clientToken?: string;
  partSize: number;
  wait: boolean;
  output: OutputFormat;
}

interface Source {
  path: string;
  partSource: ReadSetPartSource;
  size: number;
}

/** Uploads every part of every source in order; the parts' checksums for Complete. */
async function uploadParts(omics: OmicsClient, storeId: string, uploadId: string, sources: Source[], partSize: number,
  progress: Progress): Promise<CompleteReadSetUploadPartListItem[]> {
  const total = sources.reduce((n, s) => n + s.size, 0);
  const done: CompleteReadSetUploadPartListItem[] = [];
  let sent = 0;
  for (const source of sources) {
    const parts = partRanges(source.path, source.size, partSize);
    for (const part of parts) {
      const body = openPart(source.path, part);
      const where = `${source.partSource} part ${part.partNumber}/${parts.length}`;
      // Bytes read from the file lead the socket by at most the stream's buffer: close enough for a bar.
      const tick = setInterval(() => progress.update(sent + body.bytesRead, `${formatBytes(sent + body.bytesRead)} / ${formatBytes(total)} | ${where}`), 250);
      try {
        const { checksum } = await omics.send(new UploadReadSetPartCommand({
          sequenceStoreId: storeId, uploadId, partSource: source.partSource, partNumber: part.partNumber, payload: body,
        }));
        if (!checksum) throw new CliError(`UploadReadSetPart answered no checksum for ${where}`, EXIT.failed);
        done.push({ partNumber: part.partNumber, partSource: source.partSource, checksum });
      } finally {
        clearInterval(tick);
        body.destroy();
      }
      sent += part.end + 1 - part.start;
      progress.update(sent, `${formatBytes(sent)} / ${formatBytes(total)} | ${where}`);
    }
  }
  return done;
}

export function registerOmicsUpload(group: Command): void {
  const upload = group.command('upload')
    .description('upload a local FASTQ (or paired FASTQ), BAM, CRAM or uBAM file as a read set, in parts')
    .argument('<file>', 'the file (SOURCE1): .fastq, .fq (plain or .gz), .bam, .cram')
    .argument('[file2]', 'the second file of paired FASTQ (SOURCE2, e.g. the R2 of an R1/R2 pair)')
    .requiredOption('--sequence-store-id <id>', 'the sequence store')
    .requiredOption('--subject-id <id>', 'the subject the reads come from')
    .requiredOption('--sample-id <id>', 'the sample the reads come from')
    .requiredOption('--name <name>', 'the read set\'s name')
    .addOption(new Option('--file-type <type>', 'the file\'s type (default: from its name; uBAM must be given)').choices(Object.values(FileType)))
    .option('--reference-arn <arn>', 'the reference of aligned reads (needed for BAM and CRAM)')
    .option('--generated-from <text>', 'where the reads were generated')
    .option('--description <text>', 'a description of the read set')
    .option('--tag <key=value>', 'a tag of the read set (repeatable)', collectTag)
    .option('--client-token <token>', 'idempotency token of CreateMultipartReadSetUpload')
    .option('--part-size <MiB>', 'part size in MiB, 1 to 100', parsePartSize, 100)
    .option('--no-wait', 'return once the upload is complete, without waiting for the read set to become ACTIVE')
    .addOption(outputOption());
  addClientOptions(upload);
  helpFooter(upload, [
    'healthtrail omics upload sample.fastq.gz --sequence-store-id 1234567890 --subject-id patient-7 --sample-id blood-1 --name run42',
    'healthtrail omics upload R1.fastq.gz R2.fastq.gz --sequence-store-id 1234567890 --subject-id p7 --sample-id s1 --name pair --part-size 50',
    'healthtrail omics upload aligned.bam --sequence-store-id 1234567890 --subject-id p7 --sample-id s1 --name aligned \\\n'
      + '      --reference-arn arn:aws:omics:us-east-1:123456789012:referenceStore/1234567890/reference/1234567890',
  ], [
    'Progress goes to stderr. When the upload is complete it waits (unless --no-wait) until the read set is',
    'ACTIVE and prints its metadata; it exits 1 when the read set ends UPLOAD_FAILED, printing the reason.',
    'A part that fails aborts the upload (AbortMultipartReadSetUpload).',
  ]);
  upload.action(async (file: string, file2: string | undefined, o: UploadOptions) => {
    const fileType = o.fileType ?? fileTypeOf(file);
    if (!fileType) throw usageError(`cannot tell the file type of ${file} from its name: give --file-type (${Object.values(FileType).join(', ')}).`);
    if (file2 !== undefined && fileType !== FileType.FASTQ) throw usageError('a second file (SOURCE2) is for paired FASTQ only.');
    const sources: Source[] = [{ path: file, partSource: ReadSetPartSource.SOURCE1, size: localFileSize(file) }];
    if (file2 !== undefined) sources.push({ path: file2, partSource: ReadSetPartSource.SOURCE2, size: localFileSize(file2) });
    const partSize = o.partSize * MiB;
    for (const s of sources) partRanges(s.path, s.size, partSize);

    await withClients(o, async (ctx) => {
      const omics = ctx.omics();
      const { uploadId } = await omics.send(new CreateMultipartReadSetUploadCommand({
        sequenceStoreId: o.sequenceStoreId, sourceFileType: fileType, subjectId: o.subjectId, sampleId: o.sampleId, name: o.name,
        referenceArn: o.referenceArn, generatedFrom: o.generatedFrom, description: o.description, tags: o.tag, clientToken: o.clientToken,
      }));
      if (!uploadId) throw new CliError('CreateMultipartReadSetUpload answered no uploadId', EXIT.failed);
      const progress = startProgress({ label: 'upload', total: sources.reduce((n, s) => n + s.size, 0) });
      let readSetId: string | undefined;
      try {
        const parts = await uploadParts(omics, o.sequenceStoreId, uploadId, sources, partSize, progress);
        ({ readSetId } = await omics.send(new CompleteMultipartReadSetUploadCommand({ sequenceStoreId: o.sequenceStoreId, uploadId, parts })));
      } catch (err) {
        progress.stop();
        await omics.send(new AbortMultipartReadSetUploadCommand({ sequenceStoreId: o.sequenceStoreId, uploadId })).catch(() => undefined);
        throw err;
      }
      progress.stop();
      if (!readSetId) throw new CliError('CompleteMultipartReadSetUpload answered no readSetId', EXIT.failed);
      const get = () => omics.send(new GetReadSetMetadataCommand({ sequenceStoreId: o.sequenceStoreId, id: readSetId }));
      let readSet: GetReadSetMetadataCommandOutput;
      if (o.wait) {
        process.stderr.write(`healthtrail: upload ${uploadId} complete: read set ${readSetId}\n`);
        readSet = await pollUntil(get, (r) => r.status !== 'PROCESSING_UPLOAD', startProgress({ label: 'processing' }),
          (r) => ({ value: 0, text: r.status ?? '' }));
      } else {
        readSet = await get();
      }
      await writeOut(o.output === 'json' ? renderJson(withoutMetadata(readSet)) : renderFields(readSetFields(readSet)));
      if (readSet.status === 'UPLOAD_FAILED') {
        throw new CliError(`UPLOAD_FAILED: read set ${readSetId}${readSet.statusMessage ? `: ${readSet.statusMessage}` : ''}`, EXIT.failed);
      }
    });
  });
}
