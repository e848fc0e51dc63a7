/**
 * Bounds the work of one PATCH while it is applied. A few bytes of patch can ask for much more
 * work than they weigh (a JSON Patch `copy` doubles the document each time; a FHIRPath Patch
 * evaluates its path over the whole document per operation), so each operation is charged before
 * it runs: the document may not grow past the resource size limit, and the bytes serialized or
 * traversed in total may not pass a fixed multiple of it. Either stops the patch with a 4xx.
 */
import { FhirError } from './errors.ts';

/** Work allowed per patch, in multiples of the resource size limit. */
const WORK_FACTOR = 4;

export const jsonBytes = (value: unknown): number => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));

export class PatchBudget {
  /** An upper bound of the document's size: additions are counted, removals only when re-measured. */
  private size: number;
  private work = 0;

  constructor(private doc: () => unknown, readonly maxBytes: number) {
    this.size = jsonBytes(doc());
    this.charge(this.size);
  }

  /** Counts bytes of work done or about to be done (serializing, copying, traversing). */
  charge(bytes: number): void {
    this.work += bytes;
    if (this.work > WORK_FACTOR * this.maxBytes) {
      throw new FhirError(422, `The patch is too costly to apply (it would process more than ${WORK_FACTOR * this.maxBytes} bytes).`, { issueCode: 'too-costly' });
    }
  }

  /** Called before an operation adds `bytes` to the document; refuses when the result would be too large. */
  grow(bytes: number): void {
    if (this.size + bytes > this.maxBytes) {
      // The bound may be loose (removals are not counted): measure once before refusing.
      this.size = jsonBytes(this.doc());
      this.charge(this.size);
      if (this.size + bytes > this.maxBytes) {
        throw new FhirError(422, `The patched resource would be larger than the resource size limit of ${this.maxBytes} bytes.`, { issueCode: 'too-long' });
      }
    }
    this.size += bytes;
    this.charge(bytes);
  }

  /** The document's current size bound (what one pass over it costs at most). */
  get documentBytes(): number {
    return this.size;
  }
}
