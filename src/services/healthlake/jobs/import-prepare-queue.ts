/**
 * The import's batches between reading and committing. Each batch is cut into chunks; the
 * pool's worker threads get the oldest chunks (up to a few batches' worth at a time), and when
 * the committing thread needs a chunk a worker has not returned yet, it prepares a chunk still
 * waiting to be sent (the newest) instead of idling. So the two sides share the work whichever
 * is faster: measured on 2 cores, the committing thread otherwise waited 10-80 ms a batch for
 * the one worker (1.4 s of a 9 s import of 100,000 lines), and prepared the first batches alone
 * while the worker loaded the R4 definitions.
 */
import type { ValidationLevel } from '../fhir/validation.ts';
import { prepareLines, type InputLine, type PreparedLine } from './import-prepare.ts';
import type { PreparePool } from './import-prepare-pool.ts';

const CHUNK_LINES = 250;
/** Lines a worker is given ahead: enough to keep it busy through one commit. */
const LINES_PER_WORKER = 3000;

interface Chunk {
  lines: InputLine[];
  /** 'waiting': not sent to a worker (the committing thread may take it). */
  state: 'waiting' | 'sent' | 'done';
  result?: PreparedLine[];
  returned?: Promise<void>;
}

export class PrepareQueue {
  private readonly batches: Chunk[][] = [];
  private atWorkers = 0;

  constructor(
    private readonly pool: Pick<PreparePool, 'ready' | 'size' | 'whenReady' | 'prepare'> | undefined,
    private readonly level: ValidationLevel,
    private readonly now: () => number,
    private readonly key: (name: string) => number,
  ) {
    // A worker that becomes ready finds the chunks read meanwhile.
    void pool?.whenReady().then(() => this.feed());
  }

  /** Batches added and not yet taken. */
  get length(): number {
    return this.batches.length;
  }

  add(lines: InputLine[]): void {
    const chunks: Chunk[] = [];
    for (let i = 0; i < lines.length; i += CHUNK_LINES) chunks.push({ lines: lines.slice(i, i + CHUNK_LINES), state: 'waiting' });
    if (chunks.length === 0) chunks.push({ lines: [], state: 'waiting' });
    this.batches.push(chunks);
    this.feed();
  }

  /** The oldest batch, every line prepared, in input order. */
  async next(): Promise<PreparedLine[]> {
    const chunks = this.batches[0]!;
    for (const chunk of chunks) {
      while (chunk.state !== 'done') {
        if (chunk.state === 'waiting') {
          this.prepareHere(chunk);
        } else {
          const spare = this.newestWaiting();
          if (spare) this.prepareHere(spare);
          else await chunk.returned;
        }
      }
    }
    this.batches.shift();
    return chunks.flatMap((c) => c.result!);
  }

  private prepareHere(chunk: Chunk): void {
    chunk.result = prepareLines(chunk.lines, this.level, this.now());
    chunk.state = 'done';
  }

  private newestWaiting(): Chunk | undefined {
    for (let b = this.batches.length - 1; b >= 0; b--) {
      const chunks = this.batches[b]!;
      for (let c = chunks.length - 1; c >= 0; c--) if (chunks[c]!.state === 'waiting') return chunks[c];
    }
    return undefined;
  }

  /** Sends the oldest waiting chunks to the workers, once one is ready, up to their share. */
  private feed(): void {
    const pool = this.pool;
    if (!pool?.ready) return;
    const limit = pool.size * LINES_PER_WORKER;
    for (const chunks of this.batches) {
      for (const chunk of chunks) {
        if (this.atWorkers >= limit) return;
        if (chunk.state !== 'waiting') continue;
        chunk.state = 'sent';
        this.atWorkers += chunk.lines.length;
        chunk.returned = pool.prepare(chunk.lines, this.level, this.now(), this.key).then((result) => {
          chunk.result = result;
          chunk.state = 'done';
          this.atWorkers -= chunk.lines.length;
          this.feed();
        });
      }
    }
  }
}
