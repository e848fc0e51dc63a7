/**
 * `healthtrail upload <file> s3://bucket/key` (multipart through @aws-sdk/lib-storage) and
 * `healthtrail download s3://bucket/key <file>`, with progress on stderr.
 */
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { addClientOptions, withClients, type ClientOptions } from './client-context.ts';
import { usageError } from './exit-codes.ts';
import { helpFooter } from './examples.ts';
import { writeOut } from './output.ts';
import { formatBytes, startProgress } from './progress.ts';
import { parseS3Uri, s3Uri, type S3Location } from './s3-uri.ts';
import { parsePositiveInt } from './time-arg.ts';

const MiB = 1024 * 1024;

interface UploadOptions extends ClientOptions {
  partSize: number;
  concurrency: number;
  contentType?: string;
}

function fileSize(path: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    throw usageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  if (!stat.isFile()) throw usageError(`${path} is not a file.`);
  return stat.size;
}

const bytesText = (done: number, total: number | undefined) => `${formatBytes(done)}${total !== undefined ? ` / ${formatBytes(total)}` : ''}`;

export function registerTransfer(program: Command): void {
  const upload = program.command('upload')
    .description('upload a file to a bucket of the server (multipart for large files)')
    .argument('<file>', 'local file')
    .argument('<s3-uri>', 's3://bucket/key (a key ending in / takes the file\'s name)', parseS3Uri)
    .option('--part-size <MiB>', 'multipart part size in MiB (5 at least)', parsePositiveInt, 8)
    .option('--concurrency <n>', 'parts uploaded at once', parsePositiveInt, 4)
    .option('--content-type <type>', 'Content-Type of the object');
  addClientOptions(upload);
  helpFooter(upload, [
    'healthtrail upload patients.ndjson s3://fhir-in/batch1/',
    'healthtrail upload big.ndjson.gz s3://fhir-in/batch2/big.ndjson.gz --part-size 64',
  ]);
  upload.action(async (file: string, target: S3Location, o: UploadOptions) => {
    if (o.partSize < 5) throw usageError('--part-size is 5 MiB at least (S3\'s smallest part).');
    const size = fileSize(file);
    const dest = { bucket: target.bucket, key: !target.key || target.key.endsWith('/') ? `${target.key}${basename(file)}` : target.key };
    await withClients(o, async (ctx) => {
      const progress = startProgress({ label: 'upload', total: size });
      const transfer = new Upload({
        client: ctx.s3(),
        params: { Bucket: dest.bucket, Key: dest.key, Body: createReadStream(file), ContentType: o.contentType },
        partSize: o.partSize * MiB,
        queueSize: o.concurrency,
      });
      transfer.on('httpUploadProgress', (p) => progress.update(p.loaded ?? 0, bytesText(p.loaded ?? 0, size)));
      try {
        await transfer.done();
      } finally {
        progress.stop();
      }
      await writeOut(`upload: ${file} to ${s3Uri(dest)} (${size} bytes)\n`);
    });
  });

  const download = program.command('download')
    .description('download an object from a bucket of the server')
    .argument('<s3-uri>', 's3://bucket/key', parseS3Uri)
    .argument('<file>', 'local file (an existing directory takes the key\'s name)');
  addClientOptions(download);
  helpFooter(download, ['healthtrail download s3://fhir-out/exports/Patient-1.ndjson ./Patient-1.ndjson']);
  download.action(async (source: S3Location, file: string, o: ClientOptions) => {
    if (!source.key || source.key.endsWith('/')) throw usageError('name an object: s3://bucket/key.');
    let target = file;
    try {
      if (statSync(file).isDirectory()) target = join(file, basename(source.key));
    } catch {
      // A new file.
    }
    await withClients(o, async (ctx) => {
      const object = await ctx.s3().send(new GetObjectCommand({ Bucket: source.bucket, Key: source.key }));
      const total = object.ContentLength;
      const progress = startProgress({ label: 'download', total });
      let done = 0;
      const count = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          done += chunk.length;
          progress.update(done, bytesText(done, total));
          callback(null, chunk);
        },
      });
      // Written beside the target and renamed at the end: an interrupted download leaves no partial file.
      const partial = join(dirname(target), `.${basename(target)}.healthtrail-${process.pid}`);
      try {
        await pipeline(object.Body as Readable, count, createWriteStream(partial));
        renameSync(partial, target);
      } catch (err) {
        rmSync(partial, { force: true });
        throw err;
      } finally {
        progress.stop();
      }
      await writeOut(`download: ${s3Uri(source)} to ${target} (${done} bytes)\n`);
    });
  });
}
