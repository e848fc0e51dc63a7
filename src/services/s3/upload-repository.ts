/** Multipart uploads in progress and their parts (s3_multipart_uploads, s3_upload_parts). */
import type { ObjectMetadata } from '../../objects/object-store.ts';
import type { Db } from '../../storage/db.ts';

export interface UploadRow {
  uploadId: string;
  bucket: string;
  key: string;
  initiatedAt: number;
  initiatorArn: string;
  initiatorId: string;
  metadata: ObjectMetadata;
}

export interface PartRow {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: number;
}

interface RawUpload extends Omit<UploadRow, 'metadata'> {
  metadata: string;
}

const UPLOAD_COLUMNS = `upload_id AS uploadId, bucket, key, initiated_at AS initiatedAt, initiator_arn AS initiatorArn,
  initiator_id AS initiatorId, metadata`;
const PART_COLUMNS = 'part_number AS partNumber, etag, size, last_modified AS lastModified';

function decode(row: RawUpload | undefined): UploadRow | undefined {
  return row && { ...row, metadata: JSON.parse(row.metadata) as ObjectMetadata };
}

export class UploadRepository {
  constructor(private readonly db: Db) {}

  insert(row: UploadRow): void {
    this.db.stmt(`INSERT INTO s3_multipart_uploads (upload_id, bucket, key, initiated_at, initiator_arn, initiator_id, metadata)
                  VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(row.uploadId, row.bucket, row.key, row.initiatedAt, row.initiatorArn, row.initiatorId, JSON.stringify(row.metadata));
  }

  get(uploadId: string): UploadRow | undefined {
    return decode(this.db.stmt(`SELECT ${UPLOAD_COLUMNS} FROM s3_multipart_uploads WHERE upload_id = ?`).get(uploadId) as RawUpload | undefined);
  }

  delete(uploadId: string): void {
    this.db.stmt('DELETE FROM s3_multipart_uploads WHERE upload_id = ?').run(uploadId);
  }

  idsInBucket(bucket: string): string[] {
    return (this.db.stmt('SELECT upload_id AS id FROM s3_multipart_uploads WHERE bucket = ?').all(bucket) as { id: string }[])
      .map((r) => r.id);
  }

  /** Uploads in (key, initiation) order after the (keyMarker, uploadIdMarker) position. */
  list(bucket: string, options: { prefix: string; keyMarker?: string; uploadIdMarker?: string; limit: number }): UploadRow[] {
    const keyMarker = options.keyMarker ?? '';
    // With an upload-id marker, uploads of the marker key after that upload still follow.
    const markerUpload = options.uploadIdMarker ? this.get(options.uploadIdMarker) : undefined;
    const rows = this.db.stmt(
      `SELECT ${UPLOAD_COLUMNS} FROM s3_multipart_uploads
       WHERE bucket = ? AND substr(key, 1, ?) = ?
         AND (key > ? OR (key = ? AND ? IS NOT NULL AND (initiated_at > ? OR (initiated_at = ? AND upload_id > ?))))
       ORDER BY key, initiated_at, upload_id LIMIT ?`,
    ).all(bucket, options.prefix.length, options.prefix, keyMarker, keyMarker,
      markerUpload ? 1 : null, markerUpload?.initiatedAt ?? 0, markerUpload?.initiatedAt ?? 0, markerUpload?.uploadId ?? '',
      options.limit) as RawUpload[];
    return rows.map((r) => decode(r)!);
  }

  putPart(uploadId: string, part: PartRow): void {
    this.db.stmt(`INSERT INTO s3_upload_parts (upload_id, part_number, etag, size, last_modified) VALUES (?, ?, ?, ?, ?)
                  ON CONFLICT (upload_id, part_number) DO UPDATE SET etag = excluded.etag, size = excluded.size,
                    last_modified = excluded.last_modified`)
      .run(uploadId, part.partNumber, part.etag, part.size, part.lastModified);
  }

  parts(uploadId: string, afterPart = 0, limit = 10_000): PartRow[] {
    return this.db.stmt(`SELECT ${PART_COLUMNS} FROM s3_upload_parts WHERE upload_id = ? AND part_number > ?
                         ORDER BY part_number LIMIT ?`).all(uploadId, afterPart, limit) as PartRow[];
  }
}
