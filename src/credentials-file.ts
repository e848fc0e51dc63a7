/**
 * `<data dir>/credentials`: an AWS shared-credentials file with profile `healthtrail`, written
 * when the first start generates the root key, so the CLI and SDKs can use it at once.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RootCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export function credentialsFilePath(dataDir: string): string {
  return join(dataDir, 'credentials');
}

export function writeCredentialsFile(dataDir: string, root: RootCredentials, region: string): string {
  const path = credentialsFilePath(dataDir);
  writeFileSync(path, [
    '[healthtrail]',
    `aws_access_key_id = ${root.accessKeyId}`,
    `aws_secret_access_key = ${root.secretAccessKey}`,
    `region = ${region}`,
    '',
  ].join('\n'), { mode: 0o600 });
  return path;
}

/** Adds a profile (e.g. `healthtrail-<account id>` for an organization member's root key). */
export function appendCredentialsProfile(dataDir: string, profile: string, key: RootCredentials, region: string): void {
  appendFileSync(credentialsFilePath(dataDir), [
    '',
    `[${profile}]`,
    `aws_access_key_id = ${key.accessKeyId}`,
    `aws_secret_access_key = ${key.secretAccessKey}`,
    `region = ${region}`,
    '',
  ].join('\n'), { mode: 0o600 });
}
