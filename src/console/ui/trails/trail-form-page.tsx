/**
 * Create or edit a trail: CreateTrail/UpdateTrail, then PutEventSelectors when the selectors
 * differ from the default (or changed), then StartLogging when asked on create.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { EventSelectorsOutput, ListBucketsOutput, ListTopicsOutput, ReadWriteType, Trail } from '../api/aws-types.ts';
import type { ConsoleApi } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import { useConsole } from '../shell/console-context.tsx';
import { ErrorAlert, Notice } from '../shell/error-alert.tsx';
import { usePageTitle } from '../shell/page-title.ts';
import { Link, navigate } from '../shell/router.tsx';
import { useLoad } from '../shell/use-load.ts';
import { describeTrail, trailPath } from './trail-api.ts';
import { DEFAULT_SELECTORS, formFromSelectors, isDefaultSelectors, selectorsInput, type SelectorForm } from './selectors.ts';

interface TrailForm {
  name: string;
  bucket: string;
  prefix: string;
  snsTopic: string;
  includeGlobal: boolean;
  multiRegion: boolean;
  organization: boolean;
  validation: boolean;
  startLogging: boolean;
  selectors: SelectorForm;
}

const EMPTY: TrailForm = {
  name: '', bucket: '', prefix: '', snsTopic: '', includeGlobal: true, multiRegion: false, organization: false,
  validation: true, startLogging: true, selectors: DEFAULT_SELECTORS,
};

interface Loaded {
  buckets: string[];
  topics: string[];
  trail: Trail | null;
  form: TrailForm;
}

async function listBuckets(api: ConsoleApi, region: string, signal: AbortSignal): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const out: ListBucketsOutput = await api.call<ListBucketsOutput>('s3', 'ListBuckets', token ? { ContinuationToken: token } : {}, region, signal);
    names.push(...(out.Buckets ?? []).map((b) => b.Name ?? '').filter(Boolean));
    token = out.ContinuationToken;
  } while (token);
  return names.sort();
}

async function listTopics(api: ConsoleApi, region: string, signal: AbortSignal): Promise<string[]> {
  const arns: string[] = [];
  let token: string | undefined;
  do {
    const out: ListTopicsOutput = await api.call<ListTopicsOutput>('sns', 'ListTopics', token ? { NextToken: token } : {}, region, signal);
    arns.push(...(out.Topics ?? []).map((t) => t.TopicArn ?? '').filter(Boolean));
    token = out.NextToken;
  } while (token);
  return arns.sort();
}

export function TrailFormPage({ trailArn }: { trailArn?: string }) {
  const editing = trailArn !== undefined;
  usePageTitle(editing ? 'Edit trail' : 'Create trail');
  const { api, region } = useConsole();
  const id = useId();

  const loaded = useLoad<Loaded>(async (signal) => {
    const [buckets, topics, trail, selectors] = await Promise.all([
      listBuckets(api, region, signal),
      listTopics(api, region, signal),
      editing ? describeTrail(api, region, trailArn, signal) : Promise.resolve(null),
      editing ? api.call<EventSelectorsOutput>('cloudtrail', 'GetEventSelectors', { TrailName: trailArn }, region, signal) : Promise.resolve(null),
    ]);
    const form: TrailForm = trail ? {
      name: trail.Name ?? '',
      bucket: trail.S3BucketName ?? '',
      prefix: trail.S3KeyPrefix ?? '',
      snsTopic: trail.SnsTopicARN ?? '',
      includeGlobal: trail.IncludeGlobalServiceEvents ?? true,
      multiRegion: !!trail.IsMultiRegionTrail,
      organization: !!trail.IsOrganizationTrail,
      validation: !!trail.LogFileValidationEnabled,
      startLogging: false,
      selectors: selectors ? formFromSelectors(selectors) : DEFAULT_SELECTORS,
    } : { ...EMPTY, bucket: buckets[0] ?? '' };
    return { buckets, topics, trail, form };
  }, [api, region, trailArn]);

  const [form, setForm] = useState<TrailForm | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ error: ApiError; title: string; created?: Trail } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (loaded.data && !form) setForm(loaded.data.form);
  }, [loaded.data, form]);

  if (editing && loaded.data && !loaded.data.trail) {
    return <section><h1>Trail not found</h1><p>No trail {trailArn} in {region}. <Link to="/trails">Back to trails</Link></p></section>;
  }

  const set = <K extends keyof TrailForm>(key: K, value: TrailForm[K]) => setForm((f) => (f ? { ...f, [key]: value } : f));
  const setSel = <K extends keyof SelectorForm>(key: K, value: SelectorForm[K]) =>
    setForm((f) => (f ? { ...f, selectors: { ...f.selectors, [key]: value } } : f));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!form || !loaded.data) return;
    setProblem(null);
    setError(null);
    const selectors = selectorsInput(form.selectors);
    if (!selectors.ok) {
      setProblem(selectors.message);
      return;
    }
    if (!form.bucket) {
      setProblem('Choose the S3 bucket the trail delivers to.');
      return;
    }
    const original = loaded.data.form;
    const settings = {
      S3BucketName: form.bucket,
      IncludeGlobalServiceEvents: form.includeGlobal,
      IsMultiRegionTrail: form.multiRegion,
      IsOrganizationTrail: form.organization,
      EnableLogFileValidation: form.validation,
    };
    setBusy(true);
    let trail: Trail | null = null;
    try {
      if (editing) {
        trail = await api.call<Trail>('cloudtrail', 'UpdateTrail', {
          Name: trailArn,
          ...settings,
          // An empty string clears a prefix or topic that was set.
          ...(form.prefix !== original.prefix ? { S3KeyPrefix: form.prefix } : {}),
          ...(form.snsTopic !== original.snsTopic ? { SnsTopicName: form.snsTopic } : {}),
        }, region);
      } else {
        trail = await api.call<Trail>('cloudtrail', 'CreateTrail', {
          Name: form.name.trim(),
          ...settings,
          ...(form.prefix ? { S3KeyPrefix: form.prefix } : {}),
          ...(form.snsTopic ? { SnsTopicName: form.snsTopic } : {}),
        }, region);
      }
    } catch (err) {
      setError({ error: toApiError(err), title: editing ? 'Could not update the trail' : 'Could not create the trail' });
      setBusy(false);
      return;
    }
    const arn = trail.TrailARN ?? trailArn ?? form.name;
    const selectorsChanged = editing
      ? JSON.stringify(form.selectors) !== JSON.stringify(original.selectors)
      : !isDefaultSelectors(form.selectors);
    try {
      if (selectorsChanged) {
        await api.call('cloudtrail', 'PutEventSelectors', { TrailName: arn, ...selectors.input }, region);
      }
      if (!editing && form.startLogging) await api.call('cloudtrail', 'StartLogging', { Name: arn }, region);
    } catch (err) {
      setError({
        error: toApiError(err),
        title: `The trail was ${editing ? 'updated' : 'created'}, but ${selectorsChanged ? 'setting its event selectors' : 'starting logging'} failed`,
        created: trail,
      });
      setBusy(false);
      return;
    }
    navigate(trailPath({ ...trail, TrailARN: arn }, 'view'));
  };

  return (
    <section aria-labelledby="page-title">
      <p className="breadcrumbs"><Link to="/trails">Trails</Link> › {editing ? 'Edit' : 'Create'}</p>
      <h1 id="page-title">{editing ? `Edit trail ${loaded.data?.trail?.Name ?? ''}` : 'Create trail'}</h1>
      <ErrorAlert error={loaded.error} title="Could not load the form's choices" />
      {loaded.loading && !form ? <p className="muted">Loading…</p> : null}
      {form && loaded.data ? (
        <form onSubmit={submit} className="form-grid" noValidate={false}>
          <fieldset>
            <legend>General details</legend>
            <div className="field">
              <label htmlFor={`${id}-name`}>Trail name</label>
              <input id={`${id}-name`} value={form.name} required disabled={editing} spellCheck={false}
                pattern="[A-Za-z0-9][A-Za-z0-9._\-]{1,126}[A-Za-z0-9]" aria-describedby={`${id}-name-hint`}
                onChange={(e) => set('name', e.target.value)} />
              <p className="hint" id={`${id}-name-hint`}>3–128 letters, digits, periods, underscores and hyphens; starts and ends with a letter or digit.</p>
            </div>
            <div className="field">
              <label htmlFor={`${id}-bucket`}>S3 bucket</label>
              {loaded.data.buckets.length > 0 ? (
                <select id={`${id}-bucket`} value={form.bucket} required onChange={(e) => set('bucket', e.target.value)}>
                  {form.bucket && !loaded.data.buckets.includes(form.bucket) ? <option value={form.bucket}>{form.bucket}</option> : null}
                  {loaded.data.buckets.map((b) => <option key={b} value={b}>{b}</option>)}
                </select>
              ) : (
                <Notice kind="warning">There are no S3 buckets yet. Create one first (for example <code>aws s3 mb s3://audit-logs</code>).</Notice>
              )}
            </div>
            <div className="field">
              <label htmlFor={`${id}-prefix`}>S3 key prefix <span className="muted">(optional)</span></label>
              <input id={`${id}-prefix`} value={form.prefix} maxLength={200} spellCheck={false} onChange={(e) => set('prefix', e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-sns`}>SNS topic for delivery notifications</label>
              <select id={`${id}-sns`} value={form.snsTopic} onChange={(e) => set('snsTopic', e.target.value)}>
                <option value="">None</option>
                {form.snsTopic && !loaded.data.topics.includes(form.snsTopic) ? <option value={form.snsTopic}>{form.snsTopic}</option> : null}
                {loaded.data.topics.map((t) => <option key={t} value={t}>{t}</option>)}
              </select>
            </div>
            <div className="checkbox-group">
              <label className="checkbox"><input type="checkbox" checked={form.multiRegion} onChange={(e) => set('multiRegion', e.target.checked)} /> Multi-region trail (logs every region)</label>
              <label className="checkbox"><input type="checkbox" checked={form.organization} onChange={(e) => set('organization', e.target.checked)} /> Organization trail (logs every member account)</label>
              <label className="checkbox"><input type="checkbox" checked={form.validation} onChange={(e) => set('validation', e.target.checked)} /> Log file validation (hourly signed digest files)</label>
              <label className="checkbox"><input type="checkbox" checked={form.includeGlobal} onChange={(e) => set('includeGlobal', e.target.checked)} /> Include global service events (IAM, STS)</label>
              {!editing ? (
                <label className="checkbox"><input type="checkbox" checked={form.startLogging} onChange={(e) => set('startLogging', e.target.checked)} /> Start logging when the trail is created</label>
              ) : null}
            </div>
          </fieldset>

          <fieldset>
            <legend>Event selectors</legend>
            {form.selectors.warning ? <Notice kind="warning">{form.selectors.warning}</Notice> : null}
            <div className="radio-row" role="radiogroup" aria-label="Selector kind">
              <label className="checkbox"><input type="radio" name={`${id}-mode`} checked={form.selectors.mode === 'basic'} onChange={() => setSel('mode', 'basic')} /> Basic event selectors</label>
              <label className="checkbox"><input type="radio" name={`${id}-mode`} checked={form.selectors.mode === 'advanced'} onChange={() => setSel('mode', 'advanced')} /> Advanced event selectors (JSON)</label>
            </div>
            {form.selectors.mode === 'basic' ? (
              <>
                <div className="field">
                  <label htmlFor={`${id}-rw`}>Read/write events</label>
                  <select id={`${id}-rw`} value={form.selectors.readWriteType} onChange={(e) => setSel('readWriteType', e.target.value as ReadWriteType)}>
                    <option value="All">All (read and write)</option>
                    <option value="ReadOnly">Read only</option>
                    <option value="WriteOnly">Write only</option>
                  </select>
                </div>
                <label className="checkbox"><input type="checkbox" checked={form.selectors.managementEvents} onChange={(e) => setSel('managementEvents', e.target.checked)} /> Management events</label>
                <label className="checkbox"><input type="checkbox" checked={form.selectors.s3DataEvents} onChange={(e) => setSel('s3DataEvents', e.target.checked)} /> S3 data events (object-level calls)</label>
                {form.selectors.s3DataEvents ? (
                  <div className="field">
                    <label htmlFor={`${id}-s3`}>S3 resources, one ARN prefix per line</label>
                    <textarea id={`${id}-s3`} rows={3} spellCheck={false} value={form.selectors.s3Values} aria-describedby={`${id}-s3-hint`}
                      onChange={(e) => setSel('s3Values', e.target.value)} />
                    <p className="hint" id={`${id}-s3-hint`}><code>arn:aws:s3</code> for all buckets, <code>arn:aws:s3:::bucket/</code> for one bucket, <code>arn:aws:s3:::bucket/prefix</code> for a prefix.</p>
                  </div>
                ) : null}
              </>
            ) : (
              <div className="field">
                <label htmlFor={`${id}-adv`}>Advanced event selectors</label>
                <textarea id={`${id}-adv`} className="code-input" rows={14} spellCheck={false} value={form.selectors.advancedJson}
                  aria-describedby={`${id}-adv-hint`} onChange={(e) => setSel('advancedJson', e.target.value)} />
                <p className="hint" id={`${id}-adv-hint`}>A JSON array of <code>{'{"Name", "FieldSelectors": [{"Field", "Equals" | "StartsWith" | ...}]}'}</code>, as PutEventSelectors takes it.</p>
              </div>
            )}
          </fieldset>

          {problem ? <p className="field-error" role="alert">{problem}</p> : null}
          {error ? (
            <>
              <ErrorAlert error={error.error} title={error.title} />
              {error.created ? <p><Link to={trailPath(error.created, 'view')}>View the trail</Link></p> : null}
            </>
          ) : null}
          <div className="button-row">
            <button type="submit" className="button primary" disabled={busy || loaded.data.buckets.length === 0}>
              {busy ? 'Saving…' : editing ? 'Save changes' : 'Create trail'}
            </button>
            <Link to={editing ? trailPath({ TrailARN: trailArn }, 'view') : '/trails'} className="button">Cancel</Link>
          </div>
        </form>
      ) : null}
    </section>
  );
}
