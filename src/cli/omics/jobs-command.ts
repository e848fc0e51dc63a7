/**
 * `healthtrail omics jobs`: the read-set import, export and activation jobs of a sequence store
 * (ListReadSetImportJobs, ListReadSetExportJobs, ListReadSetActivationJobs) and the reference
 * import jobs of a reference store (ListReferenceImportJobs), in one table, newest first.
 */
import { Option, type Command } from 'commander';
import {
  paginateListReadSetActivationJobs, paginateListReadSetExportJobs, paginateListReadSetImportJobs, paginateListReferenceImportJobs,
  type OmicsClient,
} from '@aws-sdk/client-omics';
import { addClientOptions, withClients, type ClientOptions } from '../client-context.ts';
import { usageError } from '../exit-codes.ts';
import { helpFooter } from '../examples.ts';
import { outputOption, renderJson, renderTable, writeOut, type Column, type OutputFormat } from '../output.ts';
import { parsePositiveInt, parseTime } from '../time-arg.ts';

const KINDS = ['import', 'export', 'activation', 'reference-import'] as const;
type Kind = (typeof KINDS)[number];
const STATUSES = ['SUBMITTED', 'IN_PROGRESS', 'CANCELLING', 'CANCELLED', 'FAILED', 'COMPLETED', 'COMPLETED_WITH_FAILURES'];

/** A list item of any of the four job lists, with the kind it came from. */
export interface OmicsJobRow {
  kind: Kind;
  id?: string;
  sequenceStoreId?: string;
  referenceStoreId?: string;
  status?: string;
  roleArn?: string;
  creationTime?: Date;
  completionTime?: Date;
  destination?: string;
}

interface JobsOptions extends ClientOptions {
  sequenceStoreId?: string;
  referenceStoreId?: string;
  kind?: Kind[];
  status?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  maxItems?: number;
  output: OutputFormat;
}

const COLUMNS: Column<OmicsJobRow>[] = [
  { header: 'Kind', value: (j) => j.kind },
  { header: 'Job ID', value: (j) => j.id },
  { header: 'Store ID', value: (j) => j.sequenceStoreId ?? j.referenceStoreId },
  { header: 'Status', value: (j) => j.status },
  { header: 'Created', value: (j) => j.creationTime },
  { header: 'Completed', value: (j) => j.completionTime },
  { header: 'Role or destination', value: (j) => j.roleArn ?? j.destination },
];

async function collect<T>(pages: AsyncIterable<T>, items: (page: T) => object[] | undefined, kind: Kind, max: number | undefined): Promise<OmicsJobRow[]> {
  const rows: OmicsJobRow[] = [];
  for await (const page of pages) {
    rows.push(...(items(page) ?? []).map((j) => ({ kind, ...j })));
    if (max !== undefined && rows.length >= max) break;
  }
  return rows;
}

async function listJobs(omics: OmicsClient, o: JobsOptions, kinds: Kind[]): Promise<OmicsJobRow[]> {
  const filter = { status: o.status as never, createdAfter: o.createdAfter, createdBefore: o.createdBefore };
  const config = { client: omics, pageSize: Math.min(100, o.maxItems ?? 100) };
  const rows: OmicsJobRow[] = [];
  if (o.sequenceStoreId) {
    const store = { sequenceStoreId: o.sequenceStoreId, filter };
    if (kinds.includes('import')) rows.push(...await collect(paginateListReadSetImportJobs(config, store), (p) => p.importJobs, 'import', o.maxItems));
    if (kinds.includes('export')) {
      rows.push(...(await collect(paginateListReadSetExportJobs(config, store), (p) => p.exportJobs, 'export', o.maxItems)));
    }
    if (kinds.includes('activation')) rows.push(...await collect(paginateListReadSetActivationJobs(config, store), (p) => p.activationJobs, 'activation', o.maxItems));
  }
  if (o.referenceStoreId && kinds.includes('reference-import')) {
    rows.push(...await collect(paginateListReferenceImportJobs(config, { referenceStoreId: o.referenceStoreId, filter }),
      (p) => p.importJobs, 'reference-import', o.maxItems));
  }
  rows.sort((a, b) => (b.creationTime?.getTime() ?? 0) - (a.creationTime?.getTime() ?? 0));
  return rows.slice(0, o.maxItems);
}

export function registerOmicsJobs(group: Command): void {
  const jobs = group.command('jobs')
    .description('import, export and activation jobs of a sequence store, and reference import jobs of a reference store, newest first')
    .option('--sequence-store-id <id>', 'list this sequence store\'s read-set import, export and activation jobs')
    .option('--reference-store-id <id>', 'list this reference store\'s reference import jobs')
    .addOption(new Option('--kind <kind...>', 'only these kinds of job').choices([...KINDS]))
    .addOption(new Option('--status <status>', 'only jobs in this status').choices(STATUSES))
    .option('--created-after <time>', 'only jobs created after this time (ISO 8601, or 30m, 2h, 7d back)', (v) => parseTime(v))
    .option('--created-before <time>', 'only jobs created before this time', (v) => parseTime(v))
    .option('--max-items <n>', 'at most this many jobs', parsePositiveInt)
    .addOption(outputOption());
  addClientOptions(jobs);
  helpFooter(jobs, [
    'healthtrail omics jobs --sequence-store-id 1234567890',
    'healthtrail omics jobs --reference-store-id 1234567890 --status IN_PROGRESS',
    'healthtrail omics jobs --sequence-store-id 1234567890 --kind import export --created-after 2h --output json',
  ], ['At least one of --sequence-store-id and --reference-store-id. JSON is one array of the list items as the API',
    'returns them, each with a "kind" member (import, export, activation, reference-import).']);
  jobs.action(async (o: JobsOptions) => {
    if (!o.sequenceStoreId && !o.referenceStoreId) throw usageError('name a store: --sequence-store-id, --reference-store-id, or both.');
    const kinds: Kind[] = o.kind ?? [...KINDS];
    if (!o.sequenceStoreId && !kinds.includes('reference-import')) throw usageError('--kind import, export and activation need --sequence-store-id.');
    if (!o.referenceStoreId && kinds.length === 1 && kinds[0] === 'reference-import') throw usageError('--kind reference-import needs --reference-store-id.');
    await withClients(o, async (ctx) => {
      const rows = await listJobs(ctx.omics(), o, kinds);
      await writeOut(o.output === 'json' ? renderJson(rows) : renderTable(rows, COLUMNS));
    });
  });
}
