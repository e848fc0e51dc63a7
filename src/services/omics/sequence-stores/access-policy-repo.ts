/** S3 access policies of stores' access points (omics_s3_access_policies), keyed by access point ARN. */
import type { Db } from '../../../storage/db.ts';

export type StoreType = 'SEQUENCE_STORE' | 'REFERENCE_STORE';

export interface S3AccessPolicy {
  accessPointArn: string;
  storeId: string;
  storeType: StoreType;
  policy: string;
  updateTime: number;
}

export class AccessPolicyRepo {
  constructor(private readonly db: Db) {}

  put(p: S3AccessPolicy): void {
    this.db.stmt(`INSERT INTO omics_s3_access_policies (access_point_arn, store_id, store_type, policy, update_time) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (access_point_arn) DO UPDATE SET policy = excluded.policy, update_time = excluded.update_time`)
      .run(p.accessPointArn, p.storeId, p.storeType, p.policy, p.updateTime);
  }

  get(accessPointArn: string): S3AccessPolicy | undefined {
    const r = this.db.stmt('SELECT * FROM omics_s3_access_policies WHERE access_point_arn = ?').get(accessPointArn) as
      { access_point_arn: string; store_id: string; store_type: string; policy: string; update_time: number } | undefined;
    return r ? { accessPointArn: r.access_point_arn, storeId: r.store_id, storeType: r.store_type as StoreType, policy: r.policy, updateTime: r.update_time } : undefined;
  }

  remove(accessPointArn: string): void {
    this.db.stmt('DELETE FROM omics_s3_access_policies WHERE access_point_arn = ?').run(accessPointArn);
  }
}
