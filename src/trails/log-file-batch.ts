/**
 * Gathers the records a trail takes into one pending log file per (account, region), the
 * grouping AWS's key layout implies. Records are the stored JSON text, joined without
 * re-serialising, so the digest hashes exactly the bytes the store holds.
 */

export interface LogFileContent {
  accountId: string;
  region: string;
  /** The uncompressed file: {"Records":[...]} */
  json: Buffer;
  oldestEventTime: number;
  newestEventTime: number;
  eventCount: number;
}

interface Group {
  accountId: string;
  region: string;
  records: string[];
  oldest: number;
  newest: number;
}

export class LogFileBatch {
  private readonly groups = new Map<string, Group>();
  /** Approximate uncompressed size of everything gathered. */
  bytes = 0;

  add(accountId: string, region: string, eventTime: number, record: string): void {
    const key = `${accountId}/${region}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { accountId, region, records: [], oldest: eventTime, newest: eventTime };
      this.groups.set(key, group);
    }
    group.records.push(record);
    if (eventTime < group.oldest) group.oldest = eventTime;
    if (eventTime > group.newest) group.newest = eventTime;
    this.bytes += record.length + 1;
  }

  get isEmpty(): boolean {
    return this.groups.size === 0;
  }

  files(): LogFileContent[] {
    return [...this.groups.values()].map((g) => ({
      accountId: g.accountId,
      region: g.region,
      json: Buffer.from(`{"Records":[${g.records.join(',')}]}`, 'utf8'),
      oldestEventTime: g.oldest,
      newestEventTime: g.newest,
      eventCount: g.records.length,
    }));
  }
}
