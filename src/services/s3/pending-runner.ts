/**
 * Doing the object-store work committed calls owe (pending-work.ts): right after each commit,
 * and at start-up for whatever a crash left undone. Every step is idempotent.
 */
import { forEachLimit } from '../../objects/each-limit.ts';
import type { ObjectStore } from '../../objects/object-store.ts';
import type { Logger } from 'pino';
import type { PendingWork, PendingWorkRepository } from './pending-work.ts';

/** Internal bucket of the object store that holds multipart parts (no S3 name starts with '.'). */
export const UPLOADS_BUCKET = '.uploads';

export function partKey(uploadId: string, partNumber: number): string {
  return `${uploadId}/${partNumber}`;
}

/** Parts of an upload deleted at once when purging it (each delete waits on small syscalls). */
const PURGE_CONCURRENCY = 16;

/** Deletes every stored part of an upload (a completed upload's parts: the object it became
 * does not depend on them, see ObjectStore.stageJoined). */
export async function purgeUpload(store: ObjectStore, uploadId: string): Promise<void> {
  for (;;) {
    const page = await store.list(UPLOADS_BUCKET, { prefix: `${uploadId}/`, maxKeys: 1000 });
    await forEachLimit(page.objects, PURGE_CONCURRENCY, (o) => store.delete(UPLOADS_BUCKET, o.key));
    if (!page.isTruncated || page.objects.length === 0) return;
  }
}

export async function doPendingWork(store: ObjectStore, work: PendingWork): Promise<void> {
  switch (work.kind) {
    case 'publish':
      await store.publish({ id: work.id, bucket: work.bucket, key: work.key });
      return;
    case 'delete':
      await store.delete(work.bucket, work.key);
      return;
    case 'purge':
      await purgeUpload(store, work.key);
  }
}

/** Outcome of start-up recovery: work done, and work set aside because it could not be done. */
export interface Recovery {
  done: number;
  setAside: number;
}

/**
 * Replays what a crash left undone, then drops staged bytes nothing refers to. One entry that
 * cannot be carried out never stops the server: it is logged (one line naming it), set aside in
 * the database (counted in /health) and the rest goes on.
 */
export async function recoverPendingWork(store: ObjectStore, pending: PendingWorkRepository, log: Logger,
  now: () => number = Date.now): Promise<Recovery> {
  const outcome: Recovery = { done: 0, setAside: 0 };
  for (const work of pending.all()) {
    try {
      await doPendingWork(store, work);
      pending.remove(work.id);
      outcome.done++;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      pending.setAside(work.id, reason, now());
      outcome.setAside++;
      log.error({ pendingWork: { id: work.id, kind: work.kind, bucket: work.bucket, key: work.key }, err },
        's3 pending work set aside: start-up recovery could not carry it out (row kept in s3_pending_work, set_aside_at)');
    }
  }
  try {
    await store.sweepStaged(pending.setAsidePublishIds(), 60 * 60 * 1000);
  } catch (err) {
    log.error({ err }, 'sweeping staged objects at start-up failed; serving anyway');
  }
  return outcome;
}
