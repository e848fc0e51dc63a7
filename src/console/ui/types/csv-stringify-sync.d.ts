/**
 * The part of csv-stringify's browser sync build the console uses. Its own declarations pull in
 * @types/node, which would let Node globals (Buffer, process) type-check in browser code;
 * tsconfig.json maps the module here instead.
 */
export interface Options {
  /** Prefix ' to cells starting with = + - @ tab or CR (and their full-width forms). */
  escape_formulas?: boolean;
  record_delimiter?: 'unix' | 'windows' | 'mac' | 'ascii' | 'unicode' | string;
  header?: boolean;
  quoted?: boolean;
}

export function stringify(records: readonly (readonly string[])[], options?: Options): string;
