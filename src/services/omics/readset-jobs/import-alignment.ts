// TEMP placeholder until the formats scanners for BAM/CRAM land.
import type { RoleScopedObjects } from '../../shared/role-scoped-objects.ts';
import type { FastqHashAlgorithm } from '../formats/fastq-scanner.ts';
import type { ReadSetFileName } from '../sequence-stores/read-set-repo.ts';
import { ItemFailure } from './import-source.ts';
import type { ImportSource } from './import-runner.ts';
import type { ReadSetJobsDeps } from './readset-jobs-deps.ts';

export interface AlignmentImport {
  reads: number;
  bases: number;
  alignment: string;
  etag: string;
  files: Partial<Record<ReadSetFileName, { key: string; contentLength: number }>>;
}

export async function importAlignment(_d: ReadSetJobsDeps, _objects: RoleScopedObjects | undefined, source: ImportSource,
  _keyOf: (file: ReadSetFileName) => string, _hash: FastqHashAlgorithm): Promise<AlignmentImport> {
  throw new ItemFailure(`${source.sourceFileType} import is not built yet.`);
}
