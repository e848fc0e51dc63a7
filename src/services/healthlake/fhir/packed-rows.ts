/**
 * A resource's search-index rows (indexer.ts IndexRows) packed into one flat array without
 * duplicates, the form the repository writes. One array of plain values is what an import's
 * worker thread hands to the writing thread: cheap to copy between threads, no per-row objects.
 *
 * Layout: for each row, its table's number (INDEX_TABLES order), the index key — its name, or
 * the repository's integer for the name once resolved — then the table's values (TABLE_ARITY).
 */
import type { IndexRows } from './indexer.ts';

export type PackedRows = (string | number | null)[];

export const INDEX_TABLES = ['token', 'string', 'reference', 'date', 'number', 'quantity', 'uri', 'composite'] as const;
export type IndexTable = (typeof INDEX_TABLES)[number];

/** Values per row of each table, after the key name. */
export const TABLE_ARITY: Record<IndexTable, number> = { token: 3, string: 2, reference: 2, date: 2, number: 1, quantity: 4, uri: 1, composite: 7 };

function sameRow(a: unknown[], b: unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Rows of one table without repeats (two paths can yield the same value); first occurrence kept. */
function unique(list: unknown[][]): unknown[][] {
  if (list.length < 2) return list;
  if (list.length <= 32) {
    return list.filter((row, i) => {
      for (let j = 0; j < i; j++) if (sameRow(list[j]!, row)) return false;
      return true;
    });
  }
  const seen = new Set<string>();
  return list.filter((row) => {
    const k = JSON.stringify(row);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function packRows(rows: IndexRows): PackedRows {
  const out: PackedRows = [];
  INDEX_TABLES.forEach((t, n) => {
    const arity = TABLE_ARITY[t] + 1;
    for (const row of unique(rows[t] as unknown[][])) {
      if (row.length !== arity) throw new Error(`index row of ${t} has ${row.length} values, expected ${arity}`);
      out.push(n, ...(row as (string | number | null)[]));
    }
  });
  return out;
}

/** Replaces every row's key (slot) by fn(key), in place. */
export function mapKeys(rows: PackedRows, fn: (key: string | number) => string | number): void {
  for (let i = 0; i < rows.length; i += 2 + TABLE_ARITY[INDEX_TABLES[rows[i] as number]!]) rows[i + 1] = fn(rows[i + 1]!);
}
