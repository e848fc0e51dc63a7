/**
 * A job item's statusMessage: the file, then the problem (a FormatError names the line), kept
 * within the model's JobStatusMessage (1..127 characters of letters, marks, separators, symbols,
 * numbers, punctuation — no control characters). The file is its URI, or for a long URI its last
 * path part, so the problem keeps most of the room.
 */
const MAX = 127;
const LONGEST_FILE = 72;

export function statusMessage(file: string | undefined, problem: string): string {
  const clean = (s: string) => s.replace(/\p{C}/gu, '?');
  if (file === undefined) return cut(clean(problem));
  let name = clean(file);
  if (name.length > LONGEST_FILE) name = name.slice(name.lastIndexOf('/') + 1);
  if (name.length > LONGEST_FILE) name = `...${name.slice(-(LONGEST_FILE - 3))}`;
  return cut(`${name}: ${clean(problem)}`);
}

function cut(s: string): string {
  const t = s.length === 0 ? 'failed' : s;
  return t.length > MAX ? `${t.slice(0, MAX - 3)}...` : t;
}
