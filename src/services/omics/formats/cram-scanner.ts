/**
 * scanCram: checks a CRAM file's structure and counts its records and bases with @gmod/cram
 * 8.0.4, without the reference: the file definition, the SAM header (with @SQ), then every
 * container header in turn (each carries its record and base counts, and CRAM 3's CRC32, which
 * the library verifies), up to the EOF container that must end the file — a file that stops
 * before it, or whose containers run past its end, is truncated.
 *
 * Counts from container headers (the default, fast: no slice is decoded): `records` = every
 * record, `bases` = the sum of read lengths over every record (secondary and supplementary
 * included) — not the same as scanBam's primary-only `bases`. With `countFlags`, every slice is
 * decoded (record flags and lengths need no reference) to give the scanBam counts too — about
 * 40 k records/s here, so only when the caller needs flagstat-style numbers.
 *
 * Takes a path: @gmod/cram reads by random access (container by container), not as a stream.
 */
import { stat } from 'node:fs/promises';
import { CramFile } from '@gmod/cram';
import { FormatError } from './format-error.ts';
import { parseSqLines, type SamReference } from './sam-header.ts';

export interface CramFlagCounts {
  primary: number;
  secondary: number;
  supplementary: number;
  mapped: number;
  unmapped: number;
  primaryMapped: number;
  /** Sum of read lengths over primary records (scanBam's `bases`). */
  primaryBases: number;
}

export interface CramScan {
  /** "3.0", "3.1", "2.1". */
  version: string;
  headerText: string;
  /** The header text's @SQ lines. */
  references: SamReference[];
  /** Every record, from the container headers. */
  records: number;
  /** Sum of read lengths over every record, from the container headers. */
  bases: number;
  containers: number;
  /** File size. */
  sourceBytes: number;
  /** Only with `countFlags`. */
  flags?: CramFlagCounts;
}

export interface CramScanOptions {
  /** Decode every slice for flagstat-style counts (slow; see the module comment). */
  countFlags?: boolean;
}

/** The file definition before the first container: "CRAM", 2 version bytes, a 20-byte id. */
const FILE_DEFINITION_BYTES = 26;
/** refSeqStart of the EOF container (CRAM spec §9: 4542278 = 0x454f46, "EOF"). */
const EOF_REF_START = 4542278;

export async function scanCram(path: string, opts: CramScanOptions = {}): Promise<CramScan> {
  const size = (await stat(path)).size;
  // The library caches decoded slices; one is enough for a single pass.
  const cram = new CramFile({ path, cacheSize: 1 });
  let version: string;
  let headerText: string;
  try {
    const definition = await cram.getDefinition();
    version = `${definition.majorVersion}.${definition.minorVersion}`;
    headerText = ((await cram.getHeaderText()) ?? '').replace(/\0+$/, '');
  } catch (err) {
    if (size < FILE_DEFINITION_BYTES) throw new FormatError(`not a CRAM file: only ${size} bytes`);
    throw cramError(err, 'the file definition or SAM header');
  }
  const flags: CramFlagCounts | undefined = opts.countFlags
    ? { primary: 0, secondary: 0, supplementary: 0, mapped: 0, unmapped: 0, primaryMapped: 0, primaryBases: 0 }
    : undefined;
  let position = FILE_DEFINITION_BYTES;
  let containers = 0;
  let records = 0;
  let bases = 0;
  let sawEof = false;
  while (position < size) {
    const where = `container ${containers + 1} at byte ${position}`;
    if (sawEof) throw new FormatError(`corrupt CRAM: data after the EOF container (${where})`);
    const container = cram.getContainerAtPosition(position);
    let header: Awaited<ReturnType<typeof container.getHeader>>;
    try {
      header = await container.getHeader();
    } catch (err) {
      throw cramError(err, where);
    }
    const end = position + header._size + header.length;
    if (header.length < 0 || end > size) throw new FormatError(`truncated CRAM: ${where} needs ${end - size} bytes past the end of the file`);
    if (header.numRecords === 0 && header.refSeqStart === EOF_REF_START && header.refSeqId === -1) sawEof = true;
    if (containers > 0 && header.numRecords > 0) {
      records += header.numRecords;
      bases += header.numBases ?? 0;
      if (flags) {
        try {
          await countSliceFlags(container, header, flags);
        } catch (err) {
          throw cramError(err, where);
        }
      }
    }
    containers++;
    position = end;
  }
  if (!sawEof) throw new FormatError(`truncated CRAM: no EOF container after ${containers} containers (${size} bytes)`);
  return { version, headerText, references: parseSqLines(headerText), records, bases, containers, sourceBytes: size, flags };
}

type Container = ReturnType<CramFile['getContainerAtPosition']>;

async function countSliceFlags(container: Container, header: { landmarks: number[]; length: number }, flags: CramFlagCounts): Promise<void> {
  const { landmarks } = header;
  for (let s = 0; s < landmarks.length; s++) {
    const start = landmarks[s];
    const end = s + 1 < landmarks.length ? landmarks[s + 1] : header.length;
    for (const record of await container.getSlice(start, end - start).getAllRecords()) {
      const flag = record.flags;
      const mapped = (flag & 4) === 0;
      if (mapped) flags.mapped++;
      else flags.unmapped++;
      if (flag & 0x100) flags.secondary++;
      else if (flag & 0x800) flags.supplementary++;
      else {
        flags.primary++;
        flags.primaryBases += record.readLength;
        if (mapped) flags.primaryMapped++;
      }
    }
  }
}

/** The library's errors (malformed data, short reads, CRC mismatches) as a FormatError. */
function cramError(err: unknown, where: string): FormatError {
  const message = err instanceof Error ? err.message : String(err);
  if (/does not match magic/i.test(message)) return new FormatError('not a CRAM file: no "CRAM" magic');
  if (/crc mismatch/i.test(message)) return new FormatError(`corrupt CRAM: CRC32 mismatch in ${where}`);
  return new FormatError(`corrupt CRAM: ${where}: ${message}`);
}
