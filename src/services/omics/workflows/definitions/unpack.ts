/**
 * Unpacks a workflow definition (a zip, or one bare definition file) into a directory, refusing
 * entries that would land outside it (zip-slip) and zips that exceed the bounds in limits.ts.
 * fflate reads the central directory; we inflate a batch of entries at a time and write them out,
 * so the whole uncompressed definition is never in memory at once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { unzipSync } from 'fflate';
import { DEFAULT_UNPACK_LIMITS, type UnpackLimits } from './limits.ts';
import { languageOfPath } from './languages.ts';

export type UnpackResult =
  | { ok: true; files: string[] }
  | { ok: false; statusMessage: string };

/** AWS's statusMessage for a definitionZip that is not a zip (issue awslabs/mcp#4485). */
export const INVALID_ZIP = 'Invalid zip file';

interface Entry { name: string; path: string; size: number; directory: boolean }

function isZip(bytes: Uint8Array): boolean {
  // Local file header "PK\3\4", or the end-of-central-directory record of an empty zip "PK\5\6".
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b
    && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

/** The entry's safe relative path, or undefined if it is absolute or climbs out with `..`. */
export function safeEntryPath(name: string): string | undefined {
  const slashed = name.replace(/\\/g, '/');
  if (slashed.includes('\0') || slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) return undefined;
  const parts = slashed.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return undefined;
  return parts.join('/');
}

export interface UnpackInput {
  bytes: Uint8Array;
  destDir: string;
  /** When the definition may be a single file rather than a zip (e.g. a definitionUri naming
   * `main.cwl`): its file name. A definitionZip that is not a zip is "Invalid zip file", as AWS. */
  bareFileName?: string;
  limits?: UnpackLimits;
}

export function unpackDefinition(input: UnpackInput): UnpackResult {
  const limits = input.limits ?? DEFAULT_UNPACK_LIMITS;
  mkdirSync(input.destDir, { recursive: true });
  if (!isZip(input.bytes)) {
    const name = input.bareFileName === undefined ? undefined : basename(input.bareFileName.replace(/\\/g, '/'));
    if (name === undefined || languageOfPath(name) === undefined) return { ok: false, statusMessage: INVALID_ZIP };
    if (input.bytes.length > limits.maxFileBytes) {
      return { ok: false, statusMessage: `The definition file is larger than ${limits.maxFileBytes} bytes` };
    }
    writeFileSync(join(input.destDir, name), input.bytes);
    return { ok: true, files: [name] };
  }

  const entries: Entry[] = [];
  let problem: string | undefined;
  let total = 0;
  try {
    // First pass: read the central directory only (the filter declines every entry).
    unzipSync(input.bytes, {
      filter: (file) => {
        if (problem !== undefined) return false;
        const path = safeEntryPath(file.name);
        if (path === undefined) {
          problem = `${INVALID_ZIP}: entry '${file.name}' would be extracted outside the definition directory`;
          return false;
        }
        if (entries.length >= limits.maxEntries) {
          problem = `${INVALID_ZIP}: more than ${limits.maxEntries} entries`;
          return false;
        }
        if (file.originalSize > limits.maxFileBytes) {
          problem = `${INVALID_ZIP}: entry '${file.name}' is larger than ${limits.maxFileBytes} bytes uncompressed`;
          return false;
        }
        total += file.originalSize;
        if (total > limits.maxTotalBytes) {
          problem = `${INVALID_ZIP}: more than ${limits.maxTotalBytes} bytes uncompressed`;
          return false;
        }
        if (file.compression !== 0 && file.compression !== 8) {
          problem = `${INVALID_ZIP}: entry '${file.name}' uses unsupported compression method ${file.compression}`;
          return false;
        }
        const directory = file.name.endsWith('/') || file.name.endsWith('\\');
        if (path !== '') entries.push({ name: file.name, path, size: file.originalSize, directory });
        return false;
      },
    });
  } catch {
    return { ok: false, statusMessage: INVALID_ZIP };
  }
  if (problem !== undefined) return { ok: false, statusMessage: problem };

  const files: string[] = [];
  try {
    for (const entry of entries.filter((e) => e.directory)) mkdirSync(join(input.destDir, entry.path), { recursive: true });
    const pending = entries.filter((e) => !e.directory);
    while (pending.length > 0) {
      const batch = new Map<string, Entry>();
      let bytes = 0;
      while (pending.length > 0 && (batch.size === 0 || bytes + pending[0]!.size <= limits.batchBytes)) {
        const next = pending.shift()!;
        batch.set(next.name, next);
        bytes += next.size;
      }
      const inflated = unzipSync(input.bytes, { filter: (file) => batch.has(file.name) });
      for (const [name, data] of Object.entries(inflated)) {
        const entry = batch.get(name)!;
        const target = join(input.destDir, entry.path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, data);
        files.push(entry.path);
      }
    }
  } catch (error) {
    // The fs code only: the message would name this server's directories.
    const code = (error as NodeJS.ErrnoException).code ?? 'write failed';
    return { ok: false, statusMessage: `${INVALID_ZIP}: its entries cannot be extracted side by side (${code})` };
  }
  return { ok: true, files: [...new Set(files)].sort() };
}
