/**
 * The raw query string decoded: in order as name/value pairs (what verification reads), and
 * grouped into name -> value(s), the shape @smithy/signature-v4 signs. AWS decodes what it
 * received and re-encodes it canonically, so `%41`, `A` and `%7e`/`~` all sign alike. `+`
 * stays a literal plus (RFC 3986), as SigV4 clients encode spaces as %20.
 */

export type DecodedQuery = Record<string, string | string[]>;

/**
 * The raw query's parameters decoded, in the order sent, flat: [name, value, name, value, ...].
 * Empty parameters (`a&&b`) are skipped; a parameter without '=' has the value ''.
 */
export function decodeQueryPairs(raw: string): string[] {
  const pairs: string[] = [];
  for (let start = 0; start < raw.length; ) {
    let end = raw.indexOf('&', start);
    if (end < 0) end = raw.length;
    if (end > start) {
      const eq = raw.indexOf('=', start);
      if (eq < 0 || eq > end) pairs.push(percentDecode(raw.slice(start, end)), '');
      else pairs.push(percentDecode(raw.slice(start, eq)), percentDecode(raw.slice(eq + 1, end)));
    }
    start = end + 1;
  }
  return pairs;
}

/** decodeQueryPairs() grouped by name: repeated names get an array of their values in order. */
export function queryFromPairs(pairs: readonly string[]): DecodedQuery {
  // No prototype: a parameter named __proto__ or constructor is just a parameter.
  const out: DecodedQuery = Object.create(null) as DecodedQuery;
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i]!;
    const value = pairs[i + 1]!;
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (typeof prev === 'string') out[name] = [prev, value];
    else prev.push(value);
  }
  return out;
}

/** First value of a parameter, exact (case-sensitive) name, from decodeQueryPairs() output. */
export function firstValue(pairs: readonly string[], name: string): string | undefined {
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === name) return pairs[i + 1];
  return undefined;
}

/** decodeURIComponent that never throws: a stray `%` stays literal, invalid UTF-8 becomes U+FFFD. */
export function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    const bytes: number[] = [];
    for (let i = 0; i < s.length; ) {
      if (s.charCodeAt(i) === 0x25 && i + 2 < s.length && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
        bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
        i += 3;
      } else {
        const cp = s.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
        i += ch.length;
      }
    }
    return Buffer.from(bytes).toString('utf8');
  }
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
