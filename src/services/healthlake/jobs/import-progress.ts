/**
 * An import job's committed progress point: the input files (listed once, when the job starts),
 * the cursor (file index and lines consumed in it) and the counters behind JobProgressReport and
 * manifest.json. Saved in the same transaction as the resources of the lines it counts.
 */
import type { Params } from '../../../wire/types.ts';

export interface InputFile {
  key: string;
  size: number;
}

export interface ImportProgress {
  files: InputFile[];
  fileIndex: number;
  /** Lines of files[fileIndex] already processed (imported or failed). */
  line: number;
  /** Of the current file: lines imported and lines with a customer error so far. */
  fileImported: number;
  fileErrors: number;
  scannedFiles: number;
  scannedBytes: number;
  importedFiles: number;
  filesWithCustomerError: number;
  resourcesScanned: number;
  resourcesImported: number;
  customerErrors: number;
  serverErrors: number;
  importedBytes: number;
  /** Wall-clock milliseconds spent importing (for Throughput), summed across restarts. */
  activeMs: number;
}

export function newProgress(files: InputFile[]): ImportProgress {
  return {
    files, fileIndex: 0, line: 0, fileImported: 0, fileErrors: 0, scannedFiles: 0, scannedBytes: 0, importedFiles: 0,
    filesWithCustomerError: 0, resourcesScanned: 0, resourcesImported: 0, customerErrors: 0, serverErrors: 0, importedBytes: 0, activeMs: 0,
  };
}

const MB = 1024 * 1024;
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** JobProgressReport of DescribeFHIRImportJob. */
export function progressReport(stored: Record<string, unknown>): Params {
  const p = stored as unknown as ImportProgress;
  return {
    TotalNumberOfScannedFiles: p.scannedFiles,
    TotalSizeOfScannedFilesInMB: round6(p.scannedBytes / MB),
    TotalNumberOfImportedFiles: p.importedFiles,
    TotalNumberOfResourcesScanned: p.resourcesScanned,
    TotalNumberOfResourcesImported: p.resourcesImported,
    TotalNumberOfResourcesWithCustomerError: p.customerErrors,
    TotalNumberOfFilesReadWithCustomerError: p.filesWithCustomerError,
    // Resources imported per second of work.
    Throughput: p.activeMs > 0 ? round6(p.resourcesImported / (p.activeMs / 1000)) : 0,
  };
}

/** manifest.json of the job's output folder (spec §1.6). */
export function manifest(p: ImportProgress, inputUri: string, outputUri: string, kmsKeyId: string): Record<string, unknown> {
  return {
    inputDataConfig: { s3Uri: inputUri },
    outputDataConfig: { s3Uri: outputUri, encryptionKeyID: kmsKeyId },
    successOutput: { successOutputS3Uri: `${outputUri}SUCCESS/` },
    failureOutput: { failureOutputS3Uri: `${outputUri}FAILURE/` },
    numberOfScannedFiles: p.scannedFiles,
    numberOfFilesImported: p.importedFiles,
    sizeOfScannedFilesInMB: round6(p.scannedBytes / MB),
    sizeOfDataImportedSuccessfullyInMB: round6(p.importedBytes / MB),
    numberOfResourcesScanned: p.resourcesScanned,
    numberOfResourcesImportedSuccessfully: p.resourcesImported,
    numberOfResourcesWithCustomerError: p.customerErrors,
    numberOfResourcesWithServerError: p.serverErrors,
  };
}
