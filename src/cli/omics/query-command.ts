/**
 * `healthtrail omics query --store NAME "SELECT ..."`: read-only SQL over a variant store's
 * imported variants, in AWS's variant table schema (the table is named after the store, as the
 * Athena table is). Runs on the server's machine against its data directory (no API call: AWS
 * offers none either; variants were read through Athena). See
 * services/omics/variant-stores/query/store-query.ts for what makes it read-only.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { queryVariantStore, QueryRefused } from '../../services/omics/variant-stores/query/store-query.ts';
import { usageError } from '../exit-codes.ts';
import { helpFooter } from '../examples.ts';
import { outputOption, renderJson, renderTable, writeOut, type OutputFormat } from '../output.ts';
import { parsePositiveInt } from '../time-arg.ts';

interface QueryOptions {
  store: string;
  dataDir?: string;
  accountId?: string;
  region?: string;
  maxRows?: number;
  output: OutputFormat;
}

export function registerOmicsQuery(group: Command): void {
  const query = group.command('query')
    .description('read-only SQL over a variant store\'s variants (AWS\'s variant table schema; the table is the store\'s name)')
    .argument('<sql>', 'one SELECT statement')
    .requiredOption('--store <name>', 'the variant store')
    .option('--data-dir <dir>', 'the server\'s data directory (default HEALTHTRAIL_DATA_DIR or ./data)')
    .option('--account-id <id>', 'the store\'s account, when stores of several accounts share the name')
    .option('--region <region>', 'the store\'s Region, when stores of several Regions share the name')
    .option('--max-rows <n>', 'print at most this many rows', parsePositiveInt)
    .addOption(outputOption());
  helpFooter(query, [
    'healthtrail omics query --store my_variants "SELECT contigname, start, referenceallele, alternatealleles, sampleid, calls FROM my_variants LIMIT 10"',
    'healthtrail omics query --store my_variants "SELECT count(*) FROM my_variants WHERE contigname = \'20\' AND start BETWEEN 100000 AND 200000"',
    'healthtrail omics query --store my_variants --output json "SELECT * FROM my_variants WHERE json_extract(calls, \'$[1]\') = 1"',
  ], ['Columns: importjobid, contigname, start (0-based), end, names, referenceallele, alternatealleles, qual, filters,',
    'splitfrommultiallelic, attributes, phased, calls, genotypelikelihoods, phredlikelihoods, alleledepths,',
    'conditionalquality, spl, depth, ps, sampleid, information, annotations: one row per record and sample.',
    'Arrays and maps are JSON text (use json_extract / json_each). Anything but one read-only SELECT is refused.']);
  query.action(async (sqlText: string, o: QueryOptions) => {
    const dataDir = o.dataDir ?? loadConfig().dataDir;
    let result;
    try {
      result = queryVariantStore(join(dataDir, 'healthtrail.db'), { storeName: o.store, accountId: o.accountId, region: o.region }, sqlText, o.maxRows);
    } catch (err) {
      if (err instanceof QueryRefused) throw usageError(err.message);
      if ((err as { code?: string }).code === 'SQLITE_CANTOPEN') throw usageError(`no HealthTrail database in ${dataDir}`);
      throw err;
    }
    if (o.output === 'json') {
      await writeOut(renderJson(result.rows));
      return;
    }
    await writeOut(renderTable(result.rows, result.columns.map((c) => ({ header: c, value: (r: Record<string, unknown>) => cell(r[c]) }))));
  });
}

function cell(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (Buffer.isBuffer(v)) return `<${v.length} bytes>`;
  return String(v);
}
