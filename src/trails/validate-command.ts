/**
 * `healthtrail validate-logs`: the checks of `aws cloudtrail validate-logs`, offline, against the
 * server's own data directory (object storage and the digest keys kept in its database). The
 * server may be running; the database is opened read-only.
 */
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { Config } from '../config.ts';
import { Db } from '../storage/db.ts';
import { createObjectStore } from '../objects/create-object-store.ts';
import { SigningKeys } from './signing-keys.ts';
import { TrailStore } from './trail-store.ts';
import { parseTrailArn } from './trail-names.ts';
import { validateLogs, type FileResult } from './validate-logs.ts';

export interface ValidateOptions {
  trailArn: string;
  startTime: Date;
  endTime?: Date;
  s3Bucket?: string;
  s3Prefix?: string;
  accountId?: string;
  region?: string;
  verbose?: boolean;
}

/** Runs the validation, writes the CLI's report to `out`, returns the exit code. */
export async function validateLogsCommand(config: Config, o: ValidateOptions, out: (line: string) => void): Promise<number> {
  const arn = parseTrailArn(o.trailArn);
  if (!arn) throw new Error(`invalid trail ARN: ${o.trailArn}`);
  const db = new Db(join(config.dataDir, 'healthtrail.db'), { readonly: true });
  try {
    const trail = new TrailStore(db).getAny(o.trailArn);
    const bucket = o.s3Bucket ?? trail?.s3Bucket;
    if (!bucket) throw new Error(`trail ${o.trailArn} not found; pass --s3-bucket`);
    const store = createObjectStore(config);
    const keys = new SigningKeys(db);
    const region = o.region ?? arn.region;
    const end = o.endTime ?? new Date();
    const results = await validateLogs({
      async listKeys(b, prefix) {
        const found: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.list(b, { prefix, after, maxKeys: 1000 });
          found.push(...page.objects.map((x) => x.key));
          if (!page.isTruncated || !page.lastKey) return found;
          after = page.lastKey;
        }
      },
      async getObject(b, key) {
        const object = await store.get(b, key).catch(() => undefined);
        if (!object) return undefined;
        return { body: await buffer(object.body as Readable), metadata: object.info.userMetadata };
      },
      publicKey: (fingerprint) => keys.publicKeys(region, 0, Number.MAX_SAFE_INTEGER).find((k) => k.fingerprint === fingerprint)?.value,
    }, {
      bucket, prefix: o.s3Prefix ?? trail?.s3KeyPrefix, accountId: o.accountId ?? arn.accountId, region,
      trailName: arn.name, homeRegion: arn.region,
      organizationId: trail?.organizationTrail ? config.organizationId : undefined,
      start: Math.floor(o.startTime.getTime() / 1000), end: Math.floor(end.getTime() / 1000),
    });
    report(results, o, end, out);
    return results.every((r) => r.valid) ? 0 : 1;
  } finally {
    db.close();
  }
}

function report(results: FileResult[], o: ValidateOptions, end: Date, out: (line: string) => void): void {
  out(`Validating log files for trail ${o.trailArn} between ${o.startTime.toISOString()} and ${end.toISOString()}`);
  for (const r of results) {
    if (o.verbose || !r.valid) out(`${r.kind}\t${r.location}\t${r.valid ? 'valid' : `INVALID: ${r.reason}`}`);
  }
  const count = (kind: FileResult['kind']) => {
    const all = results.filter((r) => r.kind === kind);
    return `${all.filter((r) => r.valid).length}/${all.length}`;
  };
  out('');
  out(`${count('Digest file')} digest files valid`);
  out(`${count('Log file')} log files valid`);
}
