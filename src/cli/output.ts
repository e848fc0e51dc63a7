/**
 * Output formats: aligned text tables, CSV (guarded against formula injection) and JSON, all on
 * stdout; nothing else a command prints goes there.
 */
import { Option } from 'commander';
import { stringify } from 'csv-stringify/sync';

export type OutputFormat = 'table' | 'json' | 'csv';

export function outputOption(formats: OutputFormat[] = ['table', 'json']): Option {
  return new Option('--output <format>', 'output format').choices(formats).default('table');
}

export interface Column<T> {
  header: string;
  value(row: T): string | number | boolean | Date | null | undefined;
}

export function cellText(v: string | number | boolean | Date | null | undefined): string {
  if (v === null || v === undefined || v === '') return '';
  if (v instanceof Date) return isoSeconds(v);
  return String(v);
}

/** `2026-01-02T03:04:05Z`, or with milliseconds when the time has them. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.000Z$/, 'Z');
}

/** Rows under a header and a rule, columns two spaces apart; an empty cell shows as "-". */
export function renderTable<T>(rows: T[], columns: Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => cellText(c.value(r)) || '-'));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** A table printed row by row (--follow): columns have fixed minimum widths instead. */
export function streamingTable<T>(columns: (Column<T> & { width: number })[]) {
  const line = (values: string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(columns[i]!.width))).join('  ').trimEnd();
  return {
    header: () => `${line(columns.map((c) => c.header))}\n${line(columns.map((c) => '-'.repeat(c.width)))}\n`,
    row: (r: T) => `${line(columns.map((c) => cellText(c.value(r)) || '-'))}\n`,
  };
}

/** Two columns, Field and Value, for one object. */
export function renderFields(fields: [string, string | number | boolean | Date | null | undefined][]): string {
  const present = fields.filter(([, v]) => v !== undefined && v !== null && v !== '');
  return renderTable(present, [{ header: 'Field', value: ([k]) => k }, { header: 'Value', value: ([, v]) => v }]);
}

/**
 * A cell a spreadsheet would run as a formula (= + - @, and tab or CR that some treat alike)
 * gets a leading apostrophe (OWASP's CSV injection advice).
 */
export function csvSafe(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function renderCsv<T>(rows: T[], columns: Column<T>[], header = true): string {
  const records = rows.map((r) => columns.map((c) => csvSafe(cellText(c.value(r)))));
  return stringify(header ? [columns.map((c) => c.header), ...records] : records, { record_delimiter: 'unix' });
}

export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Writes to stdout and resolves once the text is handed to the OS (large outputs, pipes). */
export function writeOut(text: string): Promise<void> {
  if (text === '') return Promise.resolve();
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

/** An SDK response without its `$metadata`. */
export function withoutMetadata<T extends object>(response: T): Omit<T, '$metadata'> {
  const { $metadata: _, ...rest } = response as T & { $metadata?: unknown };
  return rest;
}
