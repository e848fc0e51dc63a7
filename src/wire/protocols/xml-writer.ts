/**
 * Shape-driven XML output for the query protocol (IAM, STS, SNS) and rest-xml (S3). Every
 * string goes through escapeXml (../xml-escape.ts), because attackers control most of them.
 */
import type { ServiceModel, Shape, ShapeRef, XmlNamespace } from '../types.ts';
import { escapeXml, escapeXmlAttr } from '../xml-escape.ts';
import { encodeBase64, formatFloat, formatTimestampText, toDate, toNumber } from './codecs.ts';

export { escapeXml, escapeXmlAttr };

/** Element names come from the model, but error fields may not: keep them to a safe alphabet. */
export function safeElementName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(s) ? s : `_${s}`;
}

function nsAttr(ns: XmlNamespace | undefined): string {
  if (!ns) return '';
  if (typeof ns === 'string') return ` xmlns="${escapeXmlAttr(ns)}"`;
  return ns.prefix ? ` xmlns:${ns.prefix}="${escapeXmlAttr(ns.uri)}"` : ` xmlns="${escapeXmlAttr(ns.uri)}"`;
}

function isFlattened(ref: ShapeRef, shape: Shape): boolean {
  return ref.flattened === true || shape.flattened === true;
}

/** The text of a scalar value, or undefined when it cannot be written. */
export function xmlScalarText(model: ServiceModel, ref: ShapeRef, shape: Shape, value: unknown): string | undefined {
  switch (shape.type) {
    case 'timestamp': {
      const d = toDate(value);
      return d ? formatTimestampText(d, ref.timestampFormat ?? shape.timestampFormat ?? 'iso8601') : undefined;
    }
    case 'blob':
      return encodeBase64(value);
    case 'float': case 'double': case 'bigdecimal': {
      const n = toNumber(value);
      return n === undefined ? undefined : String(formatFloat(n));
    }
    case 'boolean':
      return value === true || value === 'true' ? 'true' : 'false';
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

/** Writes `value` as element(s) named `name` into `out`. */
export function writeXmlValue(model: ServiceModel, ref: ShapeRef, value: unknown, name: string, out: string[]): void {
  if (value === undefined || value === null) return;
  const shape = model.shapes[ref.shape]!;
  const ns = nsAttr(ref.xmlNamespace ?? shape.xmlNamespace);
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object') return;
      const attrs = xmlAttributes(model, shape, value as Record<string, unknown>);
      out.push(`<${name}${ns}${attrs}>`);
      writeXmlMembers(model, shape, value as Record<string, unknown>, out);
      out.push(`</${name}>`);
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return;
      const member = shape.member!;
      if (isFlattened(ref, shape)) {
        const itemName = member.locationName ?? name;
        for (const item of value) writeXmlValue(model, member, item, itemName, out);
        return;
      }
      out.push(`<${name}${ns}>`);
      const itemName = member.locationName ?? 'member';
      for (const item of value) writeXmlValue(model, member, item, itemName, out);
      out.push(`</${name}>`);
      return;
    }
    case 'map': {
      if (typeof value !== 'object') return;
      const keyName = shape.key!.locationName ?? 'key';
      const valueName = shape.value!.locationName ?? 'value';
      const flat = isFlattened(ref, shape);
      if (!flat) out.push(`<${name}${ns}>`);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined || v === null) continue;
        out.push(flat ? `<${name}>` : '<entry>');
        writeXmlValue(model, shape.key!, k, keyName, out);
        writeXmlValue(model, shape.value!, v, valueName, out);
        out.push(flat ? `</${name}>` : '</entry>');
      }
      if (!flat) out.push(`</${name}>`);
      return;
    }
    default: {
      const text = xmlScalarText(model, ref, shape, value);
      if (text !== undefined) out.push(`<${name}${ns}>${escapeXml(text)}</${name}>`);
    }
  }
}

export function xmlAttributes(model: ServiceModel, shape: Shape, value: Record<string, unknown>): string {
  let attrs = '';
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    if (!ref.xmlAttribute) continue;
    const v = value[name];
    if (v === undefined || v === null) continue;
    const text = xmlScalarText(model, ref, model.shapes[ref.shape]!, v);
    if (text === undefined) continue;
    attrs += `${nsAttr(ref.xmlNamespace)} ${ref.locationName ?? name}="${escapeXmlAttr(text)}"`;
  }
  return attrs;
}

/** Writes a structure's element members (not attributes, not header/uri-bound members). */
export function writeXmlMembers(model: ServiceModel, shape: Shape, value: Record<string, unknown>, out: string[]): void {
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    if (ref.xmlAttribute || ref.location) continue;
    const v = value[name];
    if (v === undefined || v === null) continue;
    writeXmlValue(model, ref, v, ref.locationName ?? name, out);
  }
}
