/**
 * Bounds on unpacking a workflow definition, so that a small zip cannot make the server write or
 * hold unbounded data (a "zip bomb"). AWS's own limits: definitionZip ≤ 4.4 MB, definitionUri
 * ≤ 100 MB (zipped), a Git repository ≤ 1 GiB with ≤ 100 MiB per file. A definition is source
 * code plus small scripts, so we allow:
 *   - at most 10,000 entries,
 *   - at most 100 MiB uncompressed per file (AWS's per-file repository limit),
 *   - at most 1 GiB uncompressed in total (AWS's repository limit),
 * counted from the sizes the zip declares; decompression never writes past a declared size.
 * Files are inflated in batches of at most 32 MiB so memory stays bounded whatever the total.
 */
export interface UnpackLimits {
  maxEntries: number;
  maxFileBytes: number;
  maxTotalBytes: number;
  batchBytes: number;
}

export const DEFAULT_UNPACK_LIMITS: UnpackLimits = {
  maxEntries: 10_000,
  maxFileBytes: 100 * 2 ** 20,
  maxTotalBytes: 2 ** 30,
  batchBytes: 32 * 2 ** 20,
};
