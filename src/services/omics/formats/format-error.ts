/**
 * The one error the genomics scanners throw for bad input (corrupt, truncated or invalid files).
 * Its message names the problem and where it is (a line number, a record number or a byte
 * offset) and is kept short enough to be an Omics job item's statusMessage as it is. Anything
 * else a scanner throws (an I/O error of the source, a failing sink) is not the file's fault.
 */
export class FormatError extends Error {
  override readonly name = 'FormatError';

  constructor(message: string) {
    super(message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 3)}...` : message);
  }
}

/** Omics statusMessage values are short; this keeps one line readable in a console table. */
const MAX_MESSAGE = 120;

/** A name or text taken from the file, cut and made printable so it can sit in a message. */
export function quote(text: string, max = 40): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(printable.length > max ? `${printable.slice(0, max)}...` : printable);
}
