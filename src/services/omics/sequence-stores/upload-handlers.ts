/**
 * Direct upload: CreateMultipartReadSetUpload, UploadReadSetPart, ListReadSetUploadParts,
 * ListMultipartReadSetUploads, CompleteMultipartReadSetUpload, AbortMultipartReadSetUpload.
 * Completion creates the read set PROCESSING_UPLOAD and queues it for upload-processing.ts,
 * which joins, checks and stores the file in the background and moves it to ACTIVE or
 * UPLOAD_FAILED.
 */
import type { CallContext, Handler } from '../../../core/service.ts';
import type { StagedHandler } from '../../../core/staged-call.ts';
import type { StagedObject } from '../../../objects/object-store.ts';
import type { Params } from '../../../wire/types.ts';
import { decodePageToken, encodePageToken } from '../../shared/page-token.ts';
import { parseOmicsArn, storageId } from '../arns.ts';
import type { OmicsDeps } from '../deps.ts';
import { OMICS_FILES_BUCKET } from '../files.ts';
import type { TagMap } from '../tags/tag-store.ts';
import { invalid, notFound } from './errors.ts';
import { omicsBodyError, openPartBody } from './part-body.ts';
import type { SequenceStorePlaneState } from './plane-state.ts';
import type { ReadSetFileType } from './read-set-repo.ts';
import { addResource, storeOf } from './store-handlers.ts';
import { partKey, uploadFolder, type PartSource, type ReadSetUpload, type UploadPart } from './upload-repo.ts';

function uploadOutput(u: ReadSetUpload): Params {
  return {
    sequenceStoreId: u.storeId, uploadId: u.id, sourceFileType: u.sourceFileType, subjectId: u.subjectId, sampleId: u.sampleId,
    generatedFrom: u.generatedFrom, referenceArn: u.referenceArn, name: u.name, description: u.description, tags: u.tags,
    creationTime: new Date(u.creationTime),
  };
}

function partOutput(p: UploadPart): Params {
  return {
    partNumber: p.partNumber, partSize: p.partSize, partSource: p.partSource, checksum: p.checksum,
    creationTime: new Date(p.creationTime), lastUpdatedTime: new Date(p.lastUpdatedTime),
  };
}

export function uploadHandlers(deps: OmicsDeps, state: SequenceStorePlaneState): { handlers: Record<string, Handler>; staged: Record<string, StagedHandler> } {
  const { uploads, readSets, completions } = state;

  const uploadOf = (ctx: CallContext, input: Params): ReadSetUpload => {
    const store = storeOf(state, ctx, input.sequenceStoreId as string);
    const upload = uploads.get(store.id, input.uploadId as string);
    if (!upload) throw notFound('upload', input.uploadId as string);
    return upload;
  };

  /** BAM and CRAM read sets are aligned to a reference, which must exist (it is the reference
   * store plane's: looked up through the shared resource registry). */
  const checkReference = (ctx: CallContext, fileType: ReadSetFileType, referenceArn: string | undefined): void => {
    if (!referenceArn) {
      if (fileType === 'BAM' || fileType === 'CRAM') throw invalid(`A ${fileType} read set needs a referenceArn (the reference it is aligned to).`);
      return;
    }
    const parsed = parseOmicsArn(referenceArn);
    if (!parsed || parsed.type !== 'reference') throw invalid(`Invalid reference ARN: ${referenceArn}`);
    if (parsed.accountId !== ctx.accountId || parsed.region !== ctx.region || !state.resources?.exists(ctx, parsed)) {
      throw notFound('reference', referenceArn);
    }
  };

  const createUpload: Handler = (ctx, input) => {
    const store = storeOf(state, ctx, input.sequenceStoreId as string);
    const token = input.clientToken as string | undefined;
    const existing = token ? uploads.byClientToken(store.id, token) : undefined;
    if (existing) return uploadOutput(existing);
    const fileType = input.sourceFileType as ReadSetFileType;
    const referenceArn = input.referenceArn as string | undefined;
    checkReference(ctx, fileType, referenceArn);
    const upload = uploads.create({
      id: storageId(ctx.ids), storeId: store.id, accountId: ctx.accountId, region: ctx.region, sourceFileType: fileType,
      subjectId: input.subjectId as string, sampleId: input.sampleId as string, generatedFrom: input.generatedFrom as string | undefined,
      referenceArn, name: input.name as string, description: input.description as string | undefined,
      tags: input.tags as TagMap | undefined, clientToken: token,
    }, ctx.now.getTime());
    return uploadOutput(upload);
  };

  const uploadPart: StagedHandler<{ staged: StagedObject; uploadId: string; source: PartSource; partNumber: number; checksum: string }> = {
    async prepare(ctx, input) {
      const upload = uploadOf(ctx, input);
      const source = input.partSource as PartSource;
      if (source === 'SOURCE2' && upload.sourceFileType !== 'FASTQ') {
        throw invalid(`SOURCE2 is for the second file of paired FASTQ; this upload is ${upload.sourceFileType}.`);
      }
      const max = deps.config.omicsPartSizeBytes;
      const declared = Number(ctx.http?.headers['x-amz-decoded-content-length'] ?? ctx.http?.headers['content-length']);
      if (declared > max) throw invalid(`Each part can be at most ${max} bytes; this one has ${declared}.`);
      const body = openPartBody(ctx, max);
      const partNumber = input.partNumber as number;
      let staged: StagedObject;
      try {
        staged = await deps.files.store.stage(OMICS_FILES_BUCKET, partKey(upload.storeId, upload.id, source, partNumber), body.stream,
          { userMetadata: {} }, { etag: () => `"${body.checksum()}"` });
      } catch (e) {
        throw omicsBodyError(e);
      }
      return { staged, uploadId: upload.id, source, partNumber, checksum: body.checksum() };
    },
    commit(ctx, input, s) {
      uploadOf(ctx, input);
      uploads.putPart(s.uploadId, { partSource: s.source, partNumber: s.partNumber, partSize: s.staged.info.size, checksum: s.checksum }, ctx.now.getTime());
      return { checksum: s.checksum };
    },
    publish: async (_ctx, s) => deps.files.store.publish(s.staged),
    discard: async (_ctx, s) => deps.files.store.discard(s.staged),
  };

  const listUploadParts: Handler = (ctx, input) => {
    const upload = uploadOf(ctx, input);
    const source = input.partSource as PartSource;
    const filter = (input.filter ?? {}) as { createdAfter?: Date; createdBefore?: Date };
    const params = { upload: upload.id, source, filter };
    const limit = (input.maxResults as number | undefined) ?? 100;
    const offset = input.nextToken ? decodePageToken(input.nextToken as string, 'ListReadSetUploadParts', params) : 0;
    const page = uploads.parts(upload.id, source, filter, offset, limit + 1);
    const out: Params = { parts: page.slice(0, limit).map(partOutput) };
    if (page.length > limit) out.nextToken = encodePageToken(offset + limit, 'ListReadSetUploadParts', params);
    return out;
  };

  const listUploads: Handler = (ctx, input) => {
    const store = storeOf(state, ctx, input.sequenceStoreId as string);
    const limit = (input.maxResults as number | undefined) ?? 100;
    const offset = input.nextToken ? decodePageToken(input.nextToken as string, 'ListMultipartReadSetUploads', store.id) : 0;
    const page = uploads.list(store.id, offset, limit + 1);
    // MultipartReadSetUploadListItem requires generatedFrom and referenceArn: '' when not given.
    const out: Params = {
      uploads: page.slice(0, limit).map((u) => ({ ...uploadOutput(u), generatedFrom: u.generatedFrom ?? '', referenceArn: u.referenceArn ?? '' })),
    };
    if (page.length > limit) out.nextToken = encodePageToken(offset + limit, 'ListMultipartReadSetUploads', store.id);
    return out;
  };

  /** Checks the caller's part list against what was stored: every part named once, with the
   * checksum its upload answered, numbered 1..n without gaps per source, SOURCE2 only for FASTQ. */
  const partsToJoin = (upload: ReadSetUpload, given: { partNumber: number; partSource: PartSource; checksum: string }[]) => {
    if (given.length === 0) throw invalid('parts must name at least one part.');
    const stored = new Map<string, UploadPart>();
    for (const source of ['SOURCE1', 'SOURCE2'] as PartSource[]) {
      for (const p of uploads.parts(upload.id, source)) stored.set(`${source}/${p.partNumber}`, p);
    }
    const seen = new Set<string>();
    for (const g of given) {
      const key = `${g.partSource}/${g.partNumber}`;
      if (seen.has(key)) throw invalid(`Part ${g.partNumber} of ${g.partSource} is listed twice.`);
      seen.add(key);
      const p = stored.get(key);
      if (!p) throw invalid(`Part ${g.partNumber} of ${g.partSource} was never uploaded.`);
      if (p.checksum !== g.checksum.toLowerCase()) {
        throw invalid(`The checksum of part ${g.partNumber} of ${g.partSource} does not match the uploaded part (expected ${p.checksum}, got ${g.checksum.slice(0, 128)}).`);
      }
    }
    const ordered: UploadPart[] = [];
    for (const source of ['SOURCE1', 'SOURCE2'] as PartSource[]) {
      const nums = given.filter((g) => g.partSource === source).map((g) => g.partNumber).sort((a, b) => a - b);
      nums.forEach((n, i) => {
        if (n !== i + 1) throw invalid(`Parts of ${source} must be numbered 1 to ${nums.length} without gaps; part ${i + 1} is missing.`);
        ordered.push(stored.get(`${source}/${n}`)!);
      });
    }
    if (!ordered.some((p) => p.partSource === 'SOURCE1')) throw invalid('parts must include SOURCE1.');
    if (upload.sourceFileType !== 'FASTQ' && ordered.some((p) => p.partSource === 'SOURCE2')) {
      throw invalid(`SOURCE2 is for the second file of paired FASTQ; this upload is ${upload.sourceFileType}.`);
    }
    return ordered;
  };

  const completeUpload: Handler = (ctx, input) => {
    const upload = uploadOf(ctx, input);
    const parts = partsToJoin(upload, input.parts as { partNumber: number; partSource: PartSource; checksum: string }[]);
    const readSetId = storageId(ctx.ids);
    const rs = readSets.create({
      id: readSetId, storeId: upload.storeId, accountId: upload.accountId, region: upload.region, name: upload.name,
      description: upload.description, subjectId: upload.subjectId, sampleId: upload.sampleId, generatedFrom: upload.generatedFrom,
      referenceArn: upload.referenceArn, fileType: upload.sourceFileType, status: 'PROCESSING_UPLOAD', creationType: 'UPLOAD',
    }, ctx.now.getTime());
    deps.tags.put(rs.arn, upload.tags);
    completions.add({
      readSetId, uploadId: upload.id, storeId: upload.storeId, principal: ctx.principal,
      parts: parts.map((p) => ({ partSource: p.partSource, partNumber: p.partNumber, partSize: p.partSize, checksum: p.checksum })),
    });
    // The upload is over; its part files stay until processing has joined them.
    uploads.remove(upload.id);
    addResource(ctx, { type: 'AWS::Omics::ReadSet', name: rs.id, arn: rs.arn });
    deps.jobs.wake();
    return { readSetId };
  };

  const abortUpload: StagedHandler<{ storeId: string; uploadId: string }> = {
    async prepare(ctx, input) {
      const u = uploadOf(ctx, input);
      return { storeId: u.storeId, uploadId: u.id };
    },
    commit(ctx, input, s) {
      uploadOf(ctx, input);
      uploads.remove(s.uploadId);
      return {};
    },
    publish: async (_ctx, s) => deps.files.deleteFolder(uploadFolder(s.storeId, s.uploadId)),
  };

  return {
    handlers: {
      CreateMultipartReadSetUpload: createUpload, ListReadSetUploadParts: listUploadParts,
      ListMultipartReadSetUploads: listUploads, CompleteMultipartReadSetUpload: completeUpload,
    },
    staged: { UploadReadSetPart: uploadPart as StagedHandler, AbortMultipartReadSetUpload: abortUpload as StagedHandler },
  };
}
