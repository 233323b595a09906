import { AppError } from '@quantix/shared';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { z } from 'zod';

// The one place that touches fast-xml-parser. Builders hand it plain objects (attributes under
// `@_name`, text under `#text`) and it escapes every text node and attribute value; nothing here
// concatenates user values into markup.

export type XmlValue = string | number | XmlObject | XmlValue[] | undefined;
export interface XmlObject {
  [key: string]: XmlValue;
}

/** A node as parsed: an element is an object (possibly empty), a bare text element a string. */
export type XmlNode = Record<string, unknown> | string;

const ATTR = '@_';

export function buildXml(root: XmlObject): string {
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: ATTR,
    textNodeName: '#text',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
    processEntities: true,
  });
  return builder.build(root) as string;
}

/** Parses libvirt's own output. A DOCTYPE never appears there, so one is refused (no entity expansion). */
export function parseXml(xml: string): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('XML with a DOCTYPE is not accepted');
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: ATTR,
    textNodeName: '#text',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    // decodes numeric character references (&#39;) as well as the five XML entities
    htmlEntities: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  const doc: unknown = parser.parse(xml, true);
  if (!isObject(doc)) throw new Error('not an XML document');
  return doc;
}

/** The document's root element, checked by name. */
export function rootElement(xml: string, name: string): XmlNode {
  const root = parseXml(xml)[name];
  if (root === undefined || Array.isArray(root)) throw new Error(`expected one <${name}> root element`);
  return root as XmlNode;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asNode(v: unknown): XmlNode | undefined {
  if (typeof v === 'string' || isObject(v)) return v;
  return undefined;
}

/** All children with this tag, whether the parser made one value or an array. */
export function children(node: XmlNode | undefined, tag: string): XmlNode[] {
  if (node === undefined || typeof node === 'string') return [];
  const v = node[tag];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map(asNode).filter((n): n is XmlNode => n !== undefined);
}

export function child(node: XmlNode | undefined, tag: string): XmlNode | undefined {
  return children(node, tag)[0];
}

/** Follows a path of single children: `path(domain, 'os', 'type')`. */
export function path(node: XmlNode | undefined, ...tags: string[]): XmlNode | undefined {
  let cur = node;
  for (const tag of tags) cur = child(cur, tag);
  return cur;
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const v = node[ATTR + name];
  return typeof v === 'string' ? v : undefined;
}

export function text(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node;
  const v = node['#text'];
  return typeof v === 'string' ? v : '';
}

export function int(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

// libvirt's scaled integers (formatdomain "memory", formatstorage "capacity").
const UNIT_BYTES: Record<string, number> = {
  b: 1,
  bytes: 1,
  kb: 1e3,
  k: 2 ** 10,
  kib: 2 ** 10,
  mb: 1e6,
  m: 2 ** 20,
  mib: 2 ** 20,
  gb: 1e9,
  g: 2 ** 30,
  gib: 2 ** 30,
  tb: 1e12,
  t: 2 ** 40,
  tib: 2 ** 40,
  pb: 1e15,
  p: 2 ** 50,
  pib: 2 ** 50,
  eb: 1e18,
  e: 2 ** 60,
  eib: 2 ** 60,
};

/** A scaled element such as `<memory unit='KiB'>2048</memory>` in bytes, or undefined. */
export function scaledBytes(node: XmlNode | undefined, defaultUnit: string): number | undefined {
  const value = int(text(node));
  const unit = (attr(node, 'unit') ?? defaultUnit).toLowerCase();
  const factor = UNIT_BYTES[unit];
  if (value === undefined || factor === undefined) return undefined;
  return value * factor;
}

/** Validates builder input; a bad value is the caller's fault, so it is a VALIDATION_FAILED. */
export function validate<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`);
  throw new AppError('VALIDATION_FAILED', `invalid ${what}: ${issues.join('; ')}`, {
    cause: result.error,
    details: { issues: result.error.issues },
  });
}
