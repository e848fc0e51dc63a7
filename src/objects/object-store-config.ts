/**
 * Which object store to use, from the environment:
 *
 *   HEALTHTRAIL_OBJECT_STORE          local (default) | s3
 *   HEALTHTRAIL_S3_ENDPOINT           e.g. http://minio:9000 (default: AWS's endpoint for the region)
 *   HEALTHTRAIL_S3_REGION             default us-east-1
 *   HEALTHTRAIL_S3_BUCKET             the one external bucket that holds everything (required for s3)
 *   HEALTHTRAIL_S3_PREFIX             key prefix inside it, e.g. healthtrail/ (default none)
 *   HEALTHTRAIL_S3_ACCESS_KEY_ID, HEALTHTRAIL_S3_SECRET_ACCESS_KEY
 *                                     default: the AWS SDK's credential chain
 *   HEALTHTRAIL_S3_FORCE_PATH_STYLE   true for MinIO/Ceph-style endpoints (default false)
 */
export type ObjectStoreConfig =
  | { kind: 'local' }
  | {
    kind: 's3';
    endpoint?: string;
    region: string;
    bucket: string;
    keyPrefix: string;
    accessKeyId?: string;
    secretAccessKey?: string;
    forcePathStyle: boolean;
  };

export function loadObjectStoreConfig(env: NodeJS.ProcessEnv): ObjectStoreConfig {
  const kind = (env.HEALTHTRAIL_OBJECT_STORE || 'local').toLowerCase();
  if (kind === 'local') return { kind: 'local' };
  if (kind !== 's3') throw new Error(`HEALTHTRAIL_OBJECT_STORE must be local or s3, got ${JSON.stringify(kind)}`);
  const bucket = env.HEALTHTRAIL_S3_BUCKET;
  if (!bucket) throw new Error('HEALTHTRAIL_S3_BUCKET is required when HEALTHTRAIL_OBJECT_STORE=s3');
  const accessKeyId = env.HEALTHTRAIL_S3_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.HEALTHTRAIL_S3_SECRET_ACCESS_KEY || undefined;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new Error('set both HEALTHTRAIL_S3_ACCESS_KEY_ID and HEALTHTRAIL_S3_SECRET_ACCESS_KEY, or neither');
  }
  const config: ObjectStoreConfig = {
    kind: 's3',
    region: env.HEALTHTRAIL_S3_REGION || 'us-east-1',
    bucket,
    keyPrefix: env.HEALTHTRAIL_S3_PREFIX ?? '',
    forcePathStyle: /^(1|true|yes|on)$/i.test(env.HEALTHTRAIL_S3_FORCE_PATH_STYLE ?? ''),
  };
  if (env.HEALTHTRAIL_S3_ENDPOINT) config.endpoint = env.HEALTHTRAIL_S3_ENDPOINT;
  if (accessKeyId) Object.assign(config, { accessKeyId, secretAccessKey });
  return config;
}
