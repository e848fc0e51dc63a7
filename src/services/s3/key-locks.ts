/**
 * One writer at a time per object key, from commit to publish, so that the order of the
 * CloudTrail records is the order in which object changes become visible. In-process only:
 * several servers sharing an S3-compatible store do not coordinate (last publish wins).
 */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Resolves with the release function once the lock is held. */
  async acquire(bucket: string, key: string): Promise<() => void> {
    const name = `${bucket}\n${key}`;
    const previous = this.tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const tail = previous.then(() => held);
    this.tails.set(name, tail);
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      if (this.tails.get(name) === tail) this.tails.delete(name);
    };
  }
}
