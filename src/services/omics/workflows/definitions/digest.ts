import { createHash } from 'node:crypto';

/**
 * A workflow's `digest` as AWS shows it: "sha256:" + the hex SHA-256 of the definition bytes
 * (AWS's GetRun example: "sha256:a23a6fc54040d36784206234c02147302ab8658bed89860a86976048f6cad5ac").
 * That is 71 characters although the model's WorkflowDigest says max 64: AWS returns it anyway,
 * and output members are not validated by clients.
 */
export function definitionDigest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
