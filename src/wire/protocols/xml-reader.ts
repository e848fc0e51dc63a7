/**
 * Shape-driven XML input on fast-xml-parser: rest-xml request bodies (S3's
 * CompleteMultipartUpload, DeleteObjects...) and, in tests, query/rest-xml responses read back
 * the way a client would. DTDs are refused outright (no entity expansion), and nesting is bounded
 * (no request shape nests deeper than a few levels; the parser recurses per level).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AwsError } from '../../core/aws-error.ts';
import type { ServiceModel, Shape, ShapeRef } from '../types.ts';
import { parseScalarText, setOwn } from './codecs.ts';

/** A parsed element: its text when it has no children or attributes, else an object whose
 * keys are child names (each an array of elements), '#text' and '@_attribute'. */
export type XmlNode = string | { [key: string]: XmlNode[] | string | undefined };

export type XmlErrorFactory = (message: string) => AwsError;

export const malformedXml: XmlErrorFactory = (message) => new AwsError('MalformedXML', message, { status: 400 });

/** Deepest element nesting accepted (S3's deepest request document, a lifecycle rule, has 6). */
const MAX_XML_DEPTH = 64;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (_name: string, _jpath: unknown, _isLeaf: boolean, isAttribute: boolean) => !isAttribute,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: true,
  maxNestedTags: MAX_XML_DEPTH,
});

/** Parses a document and returns its root element's local name and node. */
export function parseXmlDocument(text: string, onError: XmlErrorFactory = malformedXml): { name: string; node: XmlNode } {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw onError('DTDs are not allowed');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw onError(`The XML you provided was not well-formed: ${valid.err.msg}`);
  let doc: Record<string, XmlNode[]>;
  try {
    doc = parser.parse(text) as Record<string, XmlNode[]>;
  } catch (e) {
    // The parser's own limits (nesting, entity expansion) throw plain Errors.
    throw onError(`The XML you provided was not well-formed or did not validate against our published schema: ${(e as Error).message.slice(0, 200)}`);
  }
  const name = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  if (!name) throw onError('The XML you provided was empty');
  return { name, node: doc[name]![0]! };
}

/** The child elements called `name`. */
export function xmlChildren(node: XmlNode | undefined, name: string): XmlNode[] {
  if (node === undefined || typeof node === 'string') return [];
  const c = node[name];
  return Array.isArray(c) ? c : [];
}

export function xmlChild(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return xmlChildren(node, name)[0];
}

export function xmlText(node: XmlNode | undefined): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node;
  const t = node['#text'];
  return typeof t === 'string' ? t : '';
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function isFlattened(ref: ShapeRef, shape: Shape): boolean {
  return ref.flattened === true || shape.flattened === true;
}

/**
 * The element name a member is written under. Flattened lists differ by direction: botocore's
 * response parsers name the items after the list member's locationName, while its rest-xml
 * request serializer names them after the structure member (`requestNames`).
 */
function memberElementName(model: ServiceModel, name: string, ref: ShapeRef, requestNames: boolean): string {
  const shape = model.shapes[ref.shape]!;
  if (!requestNames && shape.type === 'list' && isFlattened(ref, shape) && shape.member?.locationName) return shape.member.locationName;
  return ref.locationName ?? name;
}

export function readXmlStructure(model: ServiceModel, shape: Shape, node: XmlNode, onError: XmlErrorFactory = malformedXml,
  requestNames = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    if (ref.location) continue;
    const target = model.shapes[ref.shape]!;
    if (ref.xmlAttribute) {
      if (typeof node === 'string') continue;
      const attr = node[`@_${localName(ref.locationName ?? name)}`];
      if (typeof attr === 'string') out[name] = readXmlScalar(ref, target, attr, onError);
      continue;
    }
    const elements = xmlChildren(node, memberElementName(model, name, ref, requestNames));
    if (elements.length === 0) continue;
    if ((target.type === 'list' || target.type === 'map') && isFlattened(ref, target)) {
      out[name] = target.type === 'list'
        ? elements.map((e) => readXmlValue(model, target.member!, e, onError, requestNames))
        : readXmlMapEntries(model, target, elements, onError, requestNames);
    } else {
      out[name] = readXmlValue(model, ref, elements[0]!, onError, requestNames);
    }
  }
  return out;
}

function readXmlMapEntries(model: ServiceModel, shape: Shape, entries: XmlNode[], onError: XmlErrorFactory, requestNames: boolean) {
  const keyName = shape.key!.locationName ?? 'key';
  const valueName = shape.value!.locationName ?? 'value';
  const out: Record<string, unknown> = {};
  for (const entry of entries) {
    const k = xmlChild(entry, keyName);
    const v = xmlChild(entry, valueName);
    if (k === undefined || v === undefined) continue;
    setOwn(out, xmlText(k), readXmlValue(model, shape.value!, v, onError, requestNames));
  }
  return out;
}

export function readXmlValue(model: ServiceModel, ref: ShapeRef, node: XmlNode, onError: XmlErrorFactory = malformedXml,
  requestNames = false): unknown {
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'structure':
      return readXmlStructure(model, shape, node, onError, requestNames);
    case 'list': {
      const itemName = shape.member!.locationName ?? 'member';
      return xmlChildren(node, itemName).map((e) => readXmlValue(model, shape.member!, e, onError, requestNames));
    }
    case 'map':
      return readXmlMapEntries(model, shape, xmlChildren(node, 'entry'), onError, requestNames);
    default:
      return readXmlScalar(ref, shape, xmlText(node), onError);
  }
}

function readXmlScalar(ref: ShapeRef, shape: Shape, text: string, onError: XmlErrorFactory): unknown {
  const v = parseScalarText(shape.type, text, ref.timestampFormat ?? shape.timestampFormat ?? 'iso8601', (t: string) => t.replace(/\s+/g, ''));
  if (v === undefined) {
    const shown = shape.sensitive ? '***' : text.trim().slice(0, 100);
    throw onError(`Value '${shown}' can not be converted to ${shape.type}`);
  }
  return v;
}
