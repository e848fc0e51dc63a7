/**
 * XML escaping for every string we write into XML (query/rest-xml responses and errors).
 * Attackers control most echoed strings: markup characters are escaped, and characters XML 1.0
 * cannot carry at all (C0 controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD.
 */

// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NEEDS_ESCAPE = /[&<>\r"']/;

/** Escapes element text; CR is written as a character reference so parsers keep it. */
export function escapeXml(text: string): string {
  let s = text;
  INVALID_XML.lastIndex = 0;
  if (INVALID_XML.test(s)) s = s.replace(INVALID_XML, '\ufffd');
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/[&<>\r"']/g, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      case "'": return '&apos;';
      default: return '&#xD;';
    }
  });
}

/** Escapes an attribute value (also tab and newline, which attribute normalisation would eat). */
export function escapeXmlAttr(text: string): string {
  return escapeXml(text).replace(/\n/g, '&#xA;').replace(/\t/g, '&#x9;');
}
