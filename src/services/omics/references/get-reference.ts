/**
 * GetReference: part N (1-based) of the stored FASTA (file=SOURCE, the default) or its .fai
 * (file=INDEX) — bytes [(N-1)·partSize, N·partSize) — with an optional Range header applied
 * within the part (how AWS combines the two is undocumented; this is the reading the model's
 * "part of the file" plus HTTP's Range gives). The model allows only digits and punctuation in
 * Range (`[\p{N}||\p{P}]+`), so `bytes=` cannot be sent: the value is `first-last`, `first-`
 * or `-suffixLength` (inclusive offsets, as in HTTP). A Range answers 206 with Content-Range
 * relative to the part. A malformed Range, one that starts past the part, or a part past the
 * file's last is RangeNotSatisfiableException (416), as S3 answers a partNumber past the end.
 * The bytes stream from the object store.
 */
import type { Readable } from 'node:stream';
import { AwsError } from '../../../core/aws-error.ts';
import type { StagedHandler } from '../../../core/staged-call.ts';
import { resolveRange } from '../../s3/preconditions.ts';
import type { OmicsFiles } from '../files.ts';
import { fileInformation, reachReference } from './reference-handlers.ts';

interface ServedPart {
  body: Readable;
  length: number;
  /** Content-Range when a Range was applied. */
  contentRange?: string;
}

export function getReferenceHandler(files: OmicsFiles): StagedHandler<ServedPart> {
  return {
    async prepare(ctx, input) {
      const { ref } = reachReference(ctx, input.referenceStoreId as string, input.id as string);
      const which = (input.file as string | undefined) ?? 'SOURCE';
      const size = which === 'INDEX' ? ref.index_bytes : ref.source_bytes;
      const key = which === 'INDEX' ? ref.index_key : ref.source_key;
      const { totalParts } = fileInformation(size, ref.part_size) as { totalParts: number };
      const part = input.partNumber as number;
      if (part > totalParts) {
        throw new AwsError('RangeNotSatisfiableException', `partNumber ${part} is past the last part of the ${which} file (it has ${totalParts}).`);
      }
      const partStart = (part - 1) * ref.part_size;
      const partLength = Math.min(ref.part_size, size - partStart);
      const range = partRange(input.range as string | undefined, partLength);
      if (range.kind === 'unsatisfiable') {
        throw new AwsError('RangeNotSatisfiableException', `The range ${String(input.range)} is outside part ${part} (${partLength} bytes).`);
      }
      const within = range.kind === 'range' ? range.range : { start: 0, end: partLength - 1 };
      const got = await files.get(key, () => ({ start: partStart + within.start, end: partStart + within.end }));
      if (!got) throw new AwsError('InternalServerException', `The stored ${which} file of reference ${ref.id} is missing.`);
      return {
        body: got.body, length: within.end - within.start + 1,
        ...(range.kind === 'range' ? { contentRange: `bytes ${within.start}-${within.end}/${partLength}` } : {}),
      };
    },
    commit(ctx, _input, served) {
      ctx.responseHeaders = { 'content-length': String(served.length), ...(served.contentRange ? { 'content-range': served.contentRange } : {}) };
      if (served.contentRange) ctx.responseStatus = 206;
      return { payload: served.body };
    },
    discard: async (_ctx, served) => {
      served.body.destroy();
    },
  };
}

/** The Range within a part: `first-last`, `first-` or `-suffix` (a leading `bytes=` tolerated). */
function partRange(header: string | undefined, partLength: number): ReturnType<typeof resolveRange> {
  if (header === undefined) return { kind: 'whole' };
  const value = header.trim().replace(/^bytes\s*=\s*/i, '');
  const m = /^(\d*)-(\d*)$/.exec(value);
  if (!m || (m[1] === '' && m[2] === '') || (m[1] !== '' && m[2] !== '' && Number(m[2]) < Number(m[1]))) return { kind: 'unsatisfiable' };
  return resolveRange(`bytes=${value}`, partLength);
}
