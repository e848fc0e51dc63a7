/** The files of a read set or reference (GetReadSetMetadata/GetReferenceMetadata `files`): parts, sizes, S3 URIs. */
import { formatBytes, formatNumber } from '../shell/format.ts';
import type { FileInformation } from './omics-types.ts';

export function FileTable({ files, label }: { files: [string, FileInformation | undefined][]; label: string }) {
  const present = files.filter((f): f is [string, FileInformation] => !!f[1]);
  if (present.length === 0) return <p className="muted">No files yet.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="files">
        <caption className="visually-hidden">{label}</caption>
        <thead>
          <tr><th scope="col">File</th><th scope="col">Size</th><th scope="col">Parts</th><th scope="col">Part size</th><th scope="col">S3 URI</th></tr>
        </thead>
        <tbody>
          {present.map(([name, f]) => (
            <tr key={name} data-file={name}>
              <th scope="row">{name}</th>
              <td className="nowrap" title={f.contentLength !== undefined ? `${formatNumber(f.contentLength)} bytes` : undefined}>{formatBytes(f.contentLength)}</td>
              <td>{formatNumber(f.totalParts)}</td>
              <td className="nowrap">{formatBytes(f.partSize)}</td>
              <td className="wrap-anywhere">{f.s3Access?.s3Uri ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
