/**
 * A variant store as AWS's documented table (the one Athena queries through Lake Formation):
 * one row per record and sample, with importjobid, contigname, start (0-based), end,
 * names, referenceallele, alternatealleles, qual, filters, splitfrommultiallelic, attributes,
 * phased, calls, genotypelikelihoods, phredlikelihoods, alleledepths, conditionalquality, spl,
 * depth, ps, sampleid, information, annotations. Arrays and maps are JSON text (SQLite's
 * json_extract / json_each read them). A sites-only record has one row with no sample.
 *
 * It is a TEMP view named after the store on a connection of the caller's (read-only for the
 * CLI), over the stored rows of COMPLETED items only; the per-sample columns come from the
 * `vcf_calls` table-valued function, so only the rows a query reaches are expanded, and a
 * condition on contigname/start uses the (store_key, contigname, start) index.
 */
import type Database from 'better-sqlite3';
import { sampleCalls } from './sample-calls.ts';

const CALL_COLUMNS = ['sampleid', 'phased', 'calls', 'genotypelikelihoods', 'phredlikelihoods', 'alleledepths', 'conditionalquality',
  'depth', 'ps', 'spl', 'information'] as const;

export function registerVcfCalls(sql: Database.Database): void {
  sql.table('vcf_calls', {
    columns: [...CALL_COLUMNS],
    parameters: ['format', 'samples', 'names'],
    *rows(...args: unknown[]) {
      const [format, samples, names] = args as [string | null, string | null, string | null];
      const sampleNames = names ? JSON.parse(names) as string[] : [];
      for (const c of sampleCalls(format, samples, sampleNames)) yield c as unknown as Record<string, unknown>;
    },
  });
}

/** Store names are [a-z][a-z0-9_]{2,254} (the model's pattern), so they are safe as identifiers. */
export function createVariantView(sql: Database.Database, storeName: string, storeKey: number): void {
  if (!Number.isSafeInteger(storeKey)) throw new Error(`${storeKey} is not a store key`);
  if (!/^[a-z][a-z0-9_]{2,254}$/.test(storeName)) throw new Error(`${storeName} is not a variant store name`);
  registerVcfCalls(sql);
  sql.exec(`CREATE TEMP VIEW "${storeName}" AS
    SELECT i.job_id AS importjobid, v.contigname, v.start, v."end", v.names, v.referenceallele, v.alternatealleles, v.qual,
      v.filters, v.splitfrommultiallelic, v.attributes, c.phased, c.calls, c.genotypelikelihoods, c.phredlikelihoods,
      c.alleledepths, c.conditionalquality, c.spl, c.depth, c.ps, c.sampleid, c.information, v.annotations
    FROM main.omics_variant_rows v
    JOIN main.omics_variant_import_items i ON i.item_key = v.item_key AND i.status = 'COMPLETED'
    LEFT JOIN vcf_calls(v.format, v.samples, i.sample_names) c
    WHERE v.store_key = ${storeKey}`);
}
