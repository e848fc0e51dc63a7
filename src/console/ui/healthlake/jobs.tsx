/**
 * Import and export jobs of one data store: Start*, List* (paged) and Describe*, polled while a
 * job is SUBMITTED, QUEUED or IN_PROGRESS so its status and progress move on screen.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import {
  ACTIVE_JOB_STATUSES,
  type ExportJobProperties, type ImportJobProperties, type JobProgressReport, type StartJobOutput,
} from '../api/aws-types.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import { useConsole } from '../shell/console-context.tsx';
import { ErrorAlert } from '../shell/error-alert.tsx';
import { formatNumber, formatTime } from '../shell/format.ts';
import { useAction, usePolling } from '../shell/use-load.ts';
import { loadJobDefaults, saveJobDefaults } from './job-defaults.ts';
import { StatusBadge } from '../shell/status-badge.tsx';

export type JobKind = 'import' | 'export';
type Job = ImportJobProperties | ExportJobProperties;

const OPS = {
  import: { list: 'ListFHIRImportJobs', listKey: 'ImportJobPropertiesList', describe: 'DescribeFHIRImportJob', describeKey: 'ImportJobProperties', start: 'StartFHIRImportJob' },
  export: { list: 'ListFHIRExportJobs', listKey: 'ExportJobPropertiesList', describe: 'DescribeFHIRExportJob', describeKey: 'ExportJobProperties', start: 'StartFHIRExportJob' },
} as const;

const isImport = (job: Job): job is ImportJobProperties => 'InputDataConfig' in job;

export function JobsPanel({ datastoreId, kind, datastoreActive }: { datastoreId: string; kind: JobKind; datastoreActive: boolean }) {
  const { api, region } = useConsole();
  const ops = OPS[kind];
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [nextToken, setNextToken] = useState<string | undefined>();
  const [pages, setPages] = useState(1);
  const [error, setError] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<Job | null>(null);
  const [detailError, setDetailError] = useState<ApiError | null>(null);

  const load = async (count = pages) => {
    try {
      const all: Job[] = [];
      let token: string | undefined;
      let read = 0;
      do {
        const out: Record<string, unknown> = await api.call(
          'healthlake', ops.list, { DatastoreId: datastoreId, MaxResults: 50, ...(token ? { NextToken: token } : {}) }, region,
        );
        all.push(...((out[ops.listKey] as Job[] | undefined) ?? []));
        token = out.NextToken as string | undefined;
        read++;
      } while (token && read < count);
      all.sort((a, b) => (b.SubmitTime ?? '').localeCompare(a.SubmitTime ?? ''));
      setJobs(all);
      setNextToken(token);
      setError(null);
    } catch (e) {
      setError(toApiError(e));
    }
  };

  const describe = async (jobId: string) => {
    try {
      const out: Record<string, unknown> = await api.call('healthlake', ops.describe, { DatastoreId: datastoreId, JobId: jobId }, region);
      setDetail(out[ops.describeKey] as Job);
      setDetailError(null);
    } catch (e) {
      setDetailError(toApiError(e));
    }
  };

  useEffect(() => {
    setJobs(null);
    void load(1);
  }, [api, region, datastoreId, kind]); // load reads these

  useEffect(() => {
    setDetail(null);
    if (selected) void describe(selected);
  }, [selected]); // describe reads the data store and kind, fixed for a selection

  const anyActive = !!jobs?.some((j) => ACTIVE_JOB_STATUSES.has(j.JobStatus));
  usePolling(async () => {
    await load();
    if (selected) await describe(selected);
  }, 1000, anyActive || (!!detail && ACTIVE_JOB_STATUSES.has(detail.JobStatus)));

  const label = kind === 'import' ? 'Import' : 'Export';
  return (
    <div className="stack">
      <StartJobForm datastoreId={datastoreId} kind={kind} disabled={!datastoreActive} onStarted={(jobId) => {
        setSelected(jobId);
        void load();
      }} />
      <div className="panel-header">
        <h3>{label} jobs</h3>
        <button type="button" className="button small" onClick={() => void load()}>Refresh</button>
      </div>
      <ErrorAlert error={error} title={`Could not list ${kind} jobs`} />
      {jobs && jobs.length === 0 ? <p className="muted">No {kind} jobs yet.</p> : null}
      {jobs && jobs.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table" data-testid={`${kind}-jobs`}>
            <caption className="visually-hidden">{label} jobs</caption>
            <thead>
              <tr>
                <th scope="col">Job</th><th scope="col">Status</th><th scope="col">Submitted</th><th scope="col">Ended</th>
                {kind === 'import' ? <th scope="col">Progress</th> : <th scope="col">Output</th>}
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.JobId} data-job-id={job.JobId} className={selected === job.JobId ? 'selected' : undefined}>
                  <th scope="row">
                    <button type="button" className="button-link" onClick={() => setSelected(job.JobId)} aria-label={`Details of job ${job.JobName ?? job.JobId}`}>
                      {job.JobName || job.JobId}
                    </button>
                    <div className="muted small"><code>{job.JobId}</code></div>
                  </th>
                  <td><StatusBadge status={job.JobStatus} /></td>
                  <td className="nowrap">{formatTime(job.SubmitTime)}</td>
                  <td className="nowrap">{formatTime(job.EndTime)}</td>
                  <td>{isImport(job) ? <ProgressSummary report={job.JobProgressReport} active={ACTIVE_JOB_STATUSES.has(job.JobStatus)} />
                    : <span className="wrap-anywhere">{job.OutputDataConfig?.S3Configuration?.S3Uri}</span>}</td>
                  <td className="wrap-anywhere">{job.Message ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {nextToken ? <button type="button" className="button" onClick={() => {
        setPages(pages + 1);
        void load(pages + 1);
      }}>Load more</button> : null}
      {selected ? (
        <section className="panel" aria-labelledby="job-detail-title">
          <div className="panel-header">
            <h3 id="job-detail-title">{label} job {detail?.JobName ?? selected}</h3>
            <button type="button" className="button small" onClick={() => setSelected(null)}>Close</button>
          </div>
          <ErrorAlert error={detailError} title="Could not describe the job" />
          {detail ? <JobDetail job={detail} /> : <p className="muted">Loading…</p>}
        </section>
      ) : null}
    </div>
  );
}

function ProgressSummary({ report, active }: { report: JobProgressReport | undefined; active: boolean }) {
  if (!report) return <span className="muted">{active ? 'Waiting to start…' : '—'}</span>;
  const scanned = report.TotalNumberOfResourcesScanned ?? 0;
  const imported = report.TotalNumberOfResourcesImported ?? 0;
  const failed = report.TotalNumberOfResourcesWithCustomerError ?? 0;
  return (
    <div className="progress-summary">
      <span data-testid="imported-count">{formatNumber(imported)}</span> imported of {formatNumber(scanned)} scanned
      {failed ? <>, <span className="error-code">{formatNumber(failed)} with errors</span></> : null}
      {active ? <progress aria-label="Import progress" /> : null}
    </div>
  );
}

function JobDetail({ job }: { job: Job }) {
  const rows: [string, string][] = [
    ['Job ID', job.JobId],
    ['Status', job.JobStatus],
    ['Submitted', formatTime(job.SubmitTime)],
    ['Ended', formatTime(job.EndTime)],
    ['Data access role', job.DataAccessRoleArn ?? ''],
    ['Message', job.Message ?? ''],
  ];
  if (isImport(job)) {
    rows.push(
      ['Input', job.InputDataConfig?.S3Uri ?? ''],
      ['Output', job.JobOutputDataConfig?.S3Configuration?.S3Uri ?? ''],
      ['KMS key', job.JobOutputDataConfig?.S3Configuration?.KmsKeyId ?? ''],
      ['Validation level', job.ValidationLevel ?? ''],
    );
    const r = job.JobProgressReport;
    if (r) {
      rows.push(
        ['Files scanned', formatNumber(r.TotalNumberOfScannedFiles)],
        ['Files imported', formatNumber(r.TotalNumberOfImportedFiles)],
        ['Files with errors', formatNumber(r.TotalNumberOfFilesReadWithCustomerError)],
        ['Scanned size (MB)', r.TotalSizeOfScannedFilesInMB === undefined ? '' : r.TotalSizeOfScannedFilesInMB.toFixed(3)],
        ['Resources scanned', formatNumber(r.TotalNumberOfResourcesScanned)],
        ['Resources imported', formatNumber(r.TotalNumberOfResourcesImported)],
        ['Resources with errors', formatNumber(r.TotalNumberOfResourcesWithCustomerError)],
        ['Throughput', r.Throughput === undefined ? '' : `${r.Throughput.toFixed(1)}`],
      );
    }
  } else {
    rows.push(
      ['Output', job.OutputDataConfig?.S3Configuration?.S3Uri ?? ''],
      ['KMS key', job.OutputDataConfig?.S3Configuration?.KmsKeyId ?? ''],
    );
  }
  return (
    <dl className="details-grid" data-testid="job-detail">
      {rows.filter(([, v]) => v !== '').map(([k, v]) => (
        <div key={k}><dt>{k}</dt><dd className="wrap-anywhere" data-field={k}>{k === 'Status' ? <StatusBadge status={v} /> : v}</dd></div>
      ))}
    </dl>
  );
}

function StartJobForm({ datastoreId, kind, disabled, onStarted }: { datastoreId: string; kind: JobKind; disabled: boolean; onStarted: (jobId: string) => void }) {
  const { api, region, session } = useConsole();
  const id = useId();
  const [defaults] = useState(loadJobDefaults);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [input, setInput] = useState(defaults.inputUri);
  const [output, setOutput] = useState(defaults.outputUri);
  const [kms, setKms] = useState(defaults.kmsKeyId);
  const [role, setRole] = useState(defaults.roleArn);
  const [level, setLevel] = useState('strict');
  const action = useAction();
  const label = kind === 'import' ? 'import' : 'export';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const s3 = { S3Configuration: { S3Uri: output.trim(), KmsKeyId: kms.trim() } };
      const common = {
        DatastoreId: datastoreId, DataAccessRoleArn: role.trim(), ClientToken: crypto.randomUUID(),
        ...(name.trim() ? { JobName: name.trim() } : {}),
      };
      const body = kind === 'import'
        ? { ...common, InputDataConfig: { S3Uri: input.trim() }, JobOutputDataConfig: s3, ValidationLevel: level }
        : { ...common, OutputDataConfig: s3 };
      const out = await api.call<StartJobOutput>('healthlake', OPS[kind].start, body, region);
      saveJobDefaults({ roleArn: role.trim(), kmsKeyId: kms.trim(), outputUri: output.trim(), ...(kind === 'import' ? { inputUri: input.trim() } : {}) });
      setOpen(false);
      setName('');
      onStarted(out.JobId);
    });
  };

  if (!open) {
    return (
      <div>
        <button type="button" className="button primary" disabled={disabled} onClick={() => setOpen(true)}>
          Start {label} job
        </button>
        {disabled ? <span className="muted small"> The data store must be ACTIVE.</span> : null}
      </div>
    );
  }
  return (
    <form className="panel form-grid" onSubmit={submit} aria-label={`Start ${label} job`}>
      <h3>Start {label} job</h3>
      <div className="field">
        <label htmlFor={`${id}-name`}>Job name <span className="muted">(optional)</span></label>
        <input id={`${id}-name`} value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
      </div>
      {kind === 'import' ? (
        <div className="field">
          <label htmlFor={`${id}-input`}>Input S3 URI (NDJSON files, plain or gzip)</label>
          <input id={`${id}-input`} value={input} required placeholder="s3://bucket/prefix/" spellCheck={false} onChange={(e) => setInput(e.target.value)} />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-output`}>Output S3 URI</label>
        <input id={`${id}-output`} value={output} required placeholder="s3://bucket/prefix/" spellCheck={false} onChange={(e) => setOutput(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-kms`}>KMS key for the output</label>
        <input id={`${id}-kms`} value={kms} required spellCheck={false}
          placeholder={`arn:aws:kms:${region}:${session.accountId}:key/…`} onChange={(e) => setKms(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-role`}>Data access role ARN</label>
        <input id={`${id}-role`} value={role} required spellCheck={false}
          placeholder={`arn:aws:iam::${session.accountId}:role/…`} onChange={(e) => setRole(e.target.value)} />
      </div>
      {kind === 'import' ? (
        <div className="field">
          <label htmlFor={`${id}-level`}>Validation level</label>
          <select id={`${id}-level`} value={level} onChange={(e) => setLevel(e.target.value)}>
            <option value="strict">strict</option>
            <option value="structure-only">structure-only</option>
            <option value="minimal">minimal</option>
          </select>
        </div>
      ) : null}
      <ErrorAlert error={action.error} title={`Could not start the ${label} job`} />
      <div className="button-row">
        <button type="submit" className="button primary" disabled={action.busy}>{action.busy ? 'Starting…' : `Start ${label}`}</button>
        <button type="button" className="button" onClick={() => setOpen(false)}>Cancel</button>
      </div>
    </form>
  );
}
