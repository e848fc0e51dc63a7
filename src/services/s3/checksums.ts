/**
 * The x-amz-checksum-* algorithms S3 verifies on upload. CRC32 is node's zlib.crc32; CRC32C and
 * CRC64NVME come from @aws-sdk/checksums (what the SDKs compute them with; a dependency of
 * @aws-sdk/client-s3); SHA-1 and SHA-256 from node:crypto. Values travel as base64 of the
 * big-endian digest.
 */
import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';

export const CHECKSUM_HEADERS: Record<string, string> = {
  'x-amz-checksum-crc32': 'CRC32',
  'x-amz-checksum-crc32c': 'CRC32C',
  'x-amz-checksum-crc64nvme': 'CRC64NVME',
  'x-amz-checksum-sha1': 'SHA1',
  'x-amz-checksum-sha256': 'SHA256',
};

export interface RunningChecksum {
  update(data: Buffer): void;
  digestBase64(): Promise<string>;
}

export function runningChecksum(algorithm: string): RunningChecksum | undefined {
  switch (algorithm) {
    case 'CRC32': {
      let value = 0;
      return {
        update: (data) => { value = crc32(data, value); },
        digestBase64: async () => {
          const out = Buffer.alloc(4);
          out.writeUInt32BE(value >>> 0);
          return out.toString('base64');
        },
      };
    }
    case 'CRC32C':
    case 'CRC64NVME': {
      const impl = algorithm === 'CRC32C' ? new Crc32c() : new Crc64Nvme();
      return {
        update: (data) => impl.update(data),
        digestBase64: async () => Buffer.from(await impl.digest()).toString('base64'),
      };
    }
    case 'SHA1':
    case 'SHA256': {
      const hash: Hash = createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256');
      return {
        update: (data) => hash.update(data),
        digestBase64: async () => hash.digest('base64'),
      };
    }
    default:
      return undefined;
  }
}
