/**
 * Bounds the work of one PATCH while it is applied. A few bytes of patch can ask for much more
 * work than they weigh (a JSON Patch `copy` doubles the document each time; a FHIRPath Patch
 * evaluates its path over the whole document per operation), so each operation is charged before
 * it runs: the document may not grow past the resource size limit, and the bytes serialized or
 * traversed in total may not pass a fixed multiple of it — per request, so the patches of one
 * batch or transaction Bundle share it. Either stops the patch with a 4xx.
 */
import { FhirError } from './errors.ts';

/** Work allowed per request, in multiples of the resource size limit. */
const WORK_FACTOR = 4;

/** What a patch needs to know of its request: the limit, and the object that stands for the request. */
export interface PatchRequest {
  maxResourceBytes: number;
}

const workByRequest = new WeakMap<PatchRequest, { bytes: number }>();

export const jsonBytes = (value: unknown): number => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));

export class PatchBudget {
  /** An upper bound of the document's size: additions are counted, removals only when re-measured. */
  private size: number;
  private readonly work: { bytes: number };
  readonly maxBytes: number;

  constructor(private doc: () => unknown, request: PatchRequest) {
    this.maxBytes = request.maxResourceBytes;
    this.work = workByRequest.get(request) ?? { bytes: 0 };
    workByRequest.set(request, this.work);
    this.size = jsonBytes(doc());
    this.charge(this.size);
  }

  /** Counts bytes of work done or about to be done (serializing, copying, traversing). */
  charge(bytes: number): void {
    this.work.bytes += bytes;
    if (this.work.bytes > WORK_FACTOR * this.maxBytes) {
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
