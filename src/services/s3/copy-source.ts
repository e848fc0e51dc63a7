/** x-amz-copy-source: `bucket/key` or `/bucket/key`, URL-encoded, optionally `?versionId=`. */
import { percentDecode } from '../../wire/protocols/codecs.ts';
import { S3Errors } from './errors.ts';

export interface CopySource {
  bucket: string;
  key: string;
}

export function parseCopySource(value: string): CopySource {
  const q = value.indexOf('?');
  if (q >= 0 && !/^versionId=/.test(value.slice(q + 1))) throw invalid();
  if (q >= 0 && value.slice(q + 1) !== 'versionId=null') {
    throw S3Errors.notImplemented('Copying a specific object version');
  }
  const decoded = percentDecode(q < 0 ? value : value.slice(0, q));
  if (decoded === undefined) throw invalid();
  const path = decoded.startsWith('/') ? decoded.slice(1) : decoded;
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw invalid();
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}

function invalid() {
  return S3Errors.invalidArgument('Invalid copy source object key', 'x-amz-copy-source', '');
}
