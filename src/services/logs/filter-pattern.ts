/**
 * CloudWatch Logs filter patterns for unstructured events ("Filter pattern syntax for metric
 * filters, subscription filters, filter log events, and Live Tail"), the part HealthTrail
 * supports:
 *
 *   ERROR              events containing the term (case-sensitive, anywhere in the message)
 *   ERROR ARGUMENTS    events containing every term
 *   ?ERROR ?WARN       events containing any of the ?-terms; next to plain or excluded terms the
 *                      ?-terms are ignored, as CloudWatch documents
 *   ERROR -ARGUMENTS   events containing ERROR and not ARGUMENTS
 *   "INTERNAL ERROR"   an exact phrase (quote terms holding anything but letters, digits and _;
 *                      \" and \\ inside quotes stand for " and \)
 *   "" or " "          every event
 *
 * JSON patterns ({ $.x = ... }), space-delimited patterns ([a, b, ...]) and regular expressions
 * (%...%) are not supported: they, an unquoted term with other characters, or an unclosed quote
 * are refused with InvalidParameterException rather than matched some other way.
 */
import { AwsError } from '../../core/aws-error.ts';

export type MessageMatcher = (message: string) => boolean;

interface Term {
  text: string;
  kind: 'required' | 'optional' | 'excluded';
}

const BARE_TERM = /^[A-Za-z0-9_]+$/;

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}

/** Parses a pattern into a matcher, or throws InvalidParameterException. */
export function compileFilterPattern(pattern: string | undefined): MessageMatcher {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  const first = text[0]!;
  if (first === '{' || first === '[' || first === '%') {
    const kind = first === '{' ? 'JSON' : first === '[' ? 'Space-delimited' : 'Regular-expression';
    throw invalid(`${kind} filter patterns are not supported by HealthTrail; use terms, ?terms, -terms and "quoted phrases".`);
  }
  const terms = parseTerms(text);
  if (terms.length === 1 && terms[0]!.kind === 'required' && terms[0]!.text.trim() === '' ) return () => true;
  const required = terms.filter((t) => t.kind === 'required').map((t) => t.text);
  const excluded = terms.filter((t) => t.kind === 'excluded').map((t) => t.text);
  const optional = terms.filter((t) => t.kind === 'optional').map((t) => t.text);
  if (required.length === 0 && excluded.length === 0) {
    return (m) => optional.some((t) => m.includes(t));
  }
  return (m) => required.every((t) => m.includes(t)) && !excluded.some((t) => m.includes(t));
}

function parseTerms(text: string): Term[] {
  const terms: Term[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ' || text[i] === '\t') {
      i++;
      continue;
    }
    let kind: Term['kind'] = 'required';
    if (text[i] === '?') kind = 'optional';
    else if (text[i] === '-') kind = 'excluded';
    if (kind !== 'required') i++;
    if (text[i] === '"') {
      const { phrase, next } = readQuoted(text, i);
      if (phrase === '' && kind !== 'required') throw invalid(`Invalid filter pattern: an empty quoted term after '${kind === 'optional' ? '?' : '-'}'.`);
      terms.push({ text: phrase, kind });
      i = next;
      continue;
    }
    let end = i;
    while (end < text.length && text[end] !== ' ' && text[end] !== '\t') end++;
    const word = text.slice(i, end);
    if (!BARE_TERM.test(word)) {
      throw invalid(`Invalid character(s) in term '${word.slice(0, 100)}': enclose terms with characters other than letters, digits and _ in double quotes.`);
    }
    terms.push({ text: word, kind });
    i = end;
  }
  return terms;
}

/** The phrase of the quoted term that opens at `start`, and the index after its closing quote. */
function readQuoted(text: string, start: number): { phrase: string; next: number } {
  let phrase = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      phrase += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '"') {
      const next = i + 1;
      if (next < text.length && text[next] !== ' ' && text[next] !== '\t') {
        throw invalid(`Invalid filter pattern: a quoted term must be followed by a space or the end of the pattern (at position ${next}).`);
      }
      return { phrase, next };
    }
    phrase += c;
    i++;
  }
  throw invalid('Invalid filter pattern: unterminated quoted term.');
}
