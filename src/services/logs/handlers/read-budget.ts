/** A read's response bound: at most `limit` events and MAX_READ_BYTES (messages in UTF-8 plus
 * 26 bytes each), and always at least one event so a reader moves on. */
import { EVENT_OVERHEAD_BYTES, MAX_READ_BYTES } from '../limits.ts';

export class ReadBudget {
  private events = 0;
  private bytes = 0;

  constructor(private readonly limit: number) {}

  /** Whether one more event with this message fits; counts it when it does. */
  take(message: string): boolean {
    const size = Buffer.byteLength(message, 'utf8') + EVENT_OVERHEAD_BYTES;
    if (this.events >= this.limit || (this.events > 0 && this.bytes + size > MAX_READ_BYTES)) return false;
    this.events++;
    this.bytes += size;
    return true;
  }

  get full(): boolean {
    return this.events >= this.limit;
  }
}
