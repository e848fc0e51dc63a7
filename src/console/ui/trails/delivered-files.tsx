/**
 * The files a trail delivered: ListObjectsV2 under [<prefix>/]AWSLogs/, folder by folder or as
 * one flat list, each downloadable (through /console/api/s3-object) or viewable (gunzipped).
 */
import { useEffect, useId, useState } from 'react';
import type { ListObjectsV2Output, S3Object } from '../api/aws-types.ts';
import { isAbort, toApiError, type ApiError } from '../api/errors.ts';
import { saveFile } from '../api/save-file.ts';
import { useConsole } from '../shell/console-context.tsx';
import { ErrorAlert } from '../shell/error-alert.tsx';
import { formatBytes, formatTime } from '../shell/format.ts';

interface Listing {
  folders: string[];
  files: S3Object[];
  nextToken?: string;
}

const VIEW_LIMIT = 5 * 1024 * 1024;

async function readText(blob: Blob): Promise<string> {
  const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
  // gzip magic: the object is stored compressed (log and digest files are).
  if (head[0] === 0x1f && head[1] === 0x8b) {
    return new Response(blob.stream().pipeThrough(new DecompressionStream('gzip'))).text();
  }
  return blob.text();
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** `refreshKey` (the trail's latest delivery time) lists the files again when it changes. */
export function DeliveredFiles({ bucket, root, refreshKey }: { bucket: string; root: string; refreshKey?: string }) {
  const { api, region } = useConsole();
  const id = useId();
  const [prefix, setPrefix] = useState(root);
  const [flat, setFlat] = useState(false);
  const [listing, setListing] = useState<Listing | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [generation, setGeneration] = useState(0);
  const [viewing, setViewing] = useState<{ key: string; text: string } | null>(null);
  const [fileError, setFileError] = useState<ApiError | null>(null);

  useEffect(() => setPrefix(root), [root]);

  const list = async (token: string | undefined, signal?: AbortSignal) => {
    const out = await api.call<ListObjectsV2Output>('s3', 'ListObjectsV2', {
      Bucket: bucket,
      Prefix: flat ? root : prefix,
      ...(flat ? {} : { Delimiter: '/' }),
      MaxKeys: 200,
      ...(token ? { ContinuationToken: token } : {}),
    }, region, signal);
    return {
      folders: (out.CommonPrefixes ?? []).map((p) => p.Prefix ?? '').filter(Boolean),
      files: out.Contents ?? [],
      ...(out.IsTruncated && out.NextContinuationToken ? { nextToken: out.NextContinuationToken } : {}),
    };
  };

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    list(undefined, controller.signal).then(
      (l) => {
        if (!controller.signal.aborted) {
          setListing(l);
          setLoading(false);
        }
      },
      (e: unknown) => {
        if (controller.signal.aborted || isAbort(e)) return;
        setError(toApiError(e));
        setListing(null);
        setLoading(false);
      },
    );
    return () => controller.abort();
    // `list` reads only bucket, prefix, flat and region, all in the dependencies.
  }, [bucket, prefix, flat, region, generation, refreshKey]);

  const more = async () => {
    if (!listing?.nextToken) return;
    setLoading(true);
    try {
      const next = await list(listing.nextToken);
      setListing({ folders: [...listing.folders, ...next.folders], files: [...listing.files, ...next.files], ...(next.nextToken ? { nextToken: next.nextToken } : {}) });
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setLoading(false);
    }
  };

  const name = (key: string) => key.slice(key.lastIndexOf('/') + 1);

  const download = async (key: string) => {
    setFileError(null);
    try {
      saveFile(name(key), await api.s3Object(bucket, key, region));
    } catch (e) {
      setFileError(toApiError(e));
    }
  };

  const view = async (obj: S3Object) => {
    setFileError(null);
    const key = obj.Key!;
    if ((obj.Size ?? 0) > VIEW_LIMIT) {
      setViewing({ key, text: `This file is ${formatBytes(obj.Size)}; download it to read it.` });
      return;
    }
    try {
      setViewing({ key, text: pretty(await readText(await api.s3Object(bucket, key, region))) });
    } catch (e) {
      setFileError(toApiError(e));
    }
  };

  // Breadcrumbs from the logs root to the current folder.
  const crumbs: { label: string; prefix: string }[] = [{ label: root, prefix: root }];
  if (!flat && prefix.startsWith(root) && prefix !== root) {
    let acc = root;
    for (const part of prefix.slice(root.length).split('/').filter(Boolean)) {
      acc += `${part}/`;
      crumbs.push({ label: part, prefix: acc });
    }
  }
  const files = [...(listing?.files ?? [])].sort((a, b) => (b.Key ?? '').localeCompare(a.Key ?? ''));

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <div className="panel-header">
        <h2 id={`${id}-title`}>Delivered files</h2>
        <div className="button-row">
          <label className="checkbox"><input type="checkbox" checked={flat} onChange={(e) => setFlat(e.target.checked)} /> All files in one list</label>
          <button type="button" className="button small" onClick={() => setGeneration((g) => g + 1)} disabled={loading}>Refresh</button>
        </div>
      </div>
      <p className="muted small">s3://{bucket}/{flat ? root : prefix}</p>
      {!flat ? (
        <nav aria-label="Folder" className="breadcrumbs">
          {crumbs.map((c, i) => (
            <span key={c.prefix}>
              {i > 0 ? ' / ' : ''}
              {i === crumbs.length - 1 ? <span aria-current="location">{c.label}</span>
                : <button type="button" className="button-link" onClick={() => setPrefix(c.prefix)}>{c.label}</button>}
            </span>
          ))}
        </nav>
      ) : null}
      <ErrorAlert error={error} title="Could not list the files" />
      <ErrorAlert error={fileError} title="Could not read the file" onDismiss={() => setFileError(null)} />
      {loading && !listing ? <p className="muted">Loading…</p> : null}
      {listing && listing.folders.length === 0 && files.length === 0 ? (
        <p className="muted">No files here yet. A logging trail delivers its first file within the delivery interval after events happen.</p>
      ) : null}
      {listing && (listing.folders.length > 0 || files.length > 0) ? (
        <div className="table-scroll">
          <table className="data-table files-table">
            <caption className="visually-hidden">Files and folders</caption>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Last modified</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              {listing.folders.map((f) => (
                <tr key={f}>
                  <td colSpan={4}>
                    <button type="button" className="button-link" onClick={() => setPrefix(f)}>
                      <span aria-hidden="true">📁 </span>{f.slice(prefix.length)}
                    </button>
                  </td>
                </tr>
              ))}
              {files.map((o) => (
                <tr key={o.Key}>
                  <td className="wrap-anywhere">{flat ? o.Key!.slice(root.length) : name(o.Key!)}</td>
                  <td className="nowrap">{formatBytes(o.Size)}</td>
                  <td className="nowrap">{formatTime(o.LastModified)}</td>
                  <td className="nowrap">
                    <button type="button" className="button small" onClick={() => void view(o)} aria-label={`View ${name(o.Key!)}`}>View</button>{' '}
                    <button type="button" className="button small" onClick={() => void download(o.Key!)} aria-label={`Download ${name(o.Key!)}`}>Download</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {listing?.nextToken ? <button type="button" className="button" onClick={() => void more()} disabled={loading}>Load more</button> : null}
      {viewing ? (
        <div className="file-view">
          <div className="panel-header">
            <h3 className="wrap-anywhere">{name(viewing.key)}</h3>
            <button type="button" className="button small" onClick={() => setViewing(null)}>Close</button>
          </div>
          <pre className="code-block" tabIndex={0} aria-label={`Contents of ${name(viewing.key)}`}><code>{viewing.text}</code></pre>
        </div>
      ) : null}
    </section>
  );
}
