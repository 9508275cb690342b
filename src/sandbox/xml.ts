/**
 * XML helpers for the REST-XML and Query protocols, on top of fast-xml-parser.
 *
 * Parsed documents drop namespace prefixes (`xsi:type` → `@_type`) and keep every value as a
 * string; builders take plain objects where arrays become repeated elements and `@_name` keys
 * become attributes.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { SandboxError } from './types.ts';

/** Element names that may repeat in the S3 request bodies the sandbox reads. */
const REPEATED = new Set(['Tag', 'Grant', 'Rule', 'EncryptionType', 'Field']);

const parser = new XMLParser({
  ignoreAttributes: false,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

const builder = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: true });

/** A parsed XML node: nested records, strings, and arrays of repeated elements. */
export type XmlNode = Record<string, unknown>;

/**
 * Parse an XML request body. An empty body parses to `{}`; a body that is not well-formed XML
 * answers `MalformedXML` (400), as S3 does.
 */
export function parseXml(body: Buffer | string): XmlNode {
  const text = body.toString().trim();
  if (text === '') return {};
  try {
    const parsed: unknown = parser.parse(text, true);
    return isNode(parsed) ? parsed : {};
  } catch {
    throw new SandboxError(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
      400,
    );
  }
}

/** Serialize `{ Root: {...} }` into an XML document with declaration. */
export function buildXml(doc: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(doc) as string}`;
}

/** True for a parsed element with children (as opposed to a text value). */
export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A child element as a node (`{}` when missing or textual). */
export function child(node: XmlNode, name: string): XmlNode {
  const value = node[name];
  return isNode(value) ? value : {};
}

/** A child element's text (`undefined` when missing). */
export function text(node: XmlNode, name: string): string | undefined {
  const value = node[name];
  if (typeof value === 'string') return value;
  if (isNode(value) && typeof value['#text'] === 'string') return value['#text'];
  return value === '' ? '' : undefined;
}

/** Repeated text elements as a list of strings (an element with children is skipped). */
export function texts(node: XmlNode, name: string): string[] {
  const value = node[name];
  const list: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.flatMap((v) =>
    typeof v === 'string' ? [v] : isNode(v) && typeof v['#text'] === 'string' ? [v['#text']] : [],
  );
}

/** Repeated child elements as a list of nodes. */
export function children(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter(isNode);
}
