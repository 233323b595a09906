import { XMLBuilder, XMLParser } from 'fast-xml-parser';

// An ordered XML tree for editing libvirt's own XML in place: fast-xml-parser's preserveOrder
// mode keeps every element, attribute, comment and their order, so an edit changes what it means
// to and nothing else (libvirt's `<seclabel>`, `<address>`, `<metadata>` of other tools, …).
// Values are set through these helpers only; the builder escapes every text and attribute.

/** An element: `{ [tag]: children, ':@'?: { '@_name': value } }`, or a text/comment node. */
export type XNode = Record<string, unknown>;

const OPTS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  preserveOrder: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  commentPropName: '#comment',
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
} as const;

const SPECIAL = new Set([':@', '#text', '#comment']);

/** The document's single root element, checked by name. */
export function parseTree(xml: string, rootName: string): XNode {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('XML with a DOCTYPE is not accepted');
  const doc: unknown = new XMLParser(OPTS).parse(xml);
  const roots = Array.isArray(doc) ? (doc as XNode[]).filter((n) => tagOf(n) !== null) : [];
  const root = roots[0];
  if (roots.length !== 1 || !root || tagOf(root) !== rootName) {
    throw new Error(`expected one <${rootName}> root element`);
  }
  return root;
}

export function buildTree(node: XNode): string {
  const builder = new XMLBuilder({ ...OPTS, format: true, indentBy: '  ', suppressEmptyNode: true });
  return (builder.build([node]) as string).trim();
}

export function tagOf(node: XNode): string | null {
  for (const k of Object.keys(node)) if (!SPECIAL.has(k)) return k;
  return null;
}

/** The element's child nodes (elements, text and comments), the live array. */
export function kids(node: XNode): XNode[] {
  const tag = tagOf(node);
  if (tag === null) return [];
  const v = node[tag];
  if (!Array.isArray(v)) {
    node[tag] = [];
    return node[tag] as XNode[];
  }
  return v as XNode[];
}

export function elements(node: XNode, tag: string): XNode[] {
  return kids(node).filter((k) => tagOf(k) === tag);
}

export function first(node: XNode | undefined, tag: string): XNode | undefined {
  return node ? elements(node, tag)[0] : undefined;
}

/** Follows single children: `at(domain, 'os', 'type')`. */
export function at(node: XNode | undefined, ...tags: string[]): XNode | undefined {
  let cur = node;
  for (const t of tags) cur = first(cur, t);
  return cur;
}

export function getAttr(node: XNode | undefined, name: string): string | undefined {
  const attrs = node?.[':@'] as Record<string, unknown> | undefined;
  const v = attrs?.[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}

/** Sets (or, with undefined, removes) an attribute. */
export function setAttr(node: XNode, name: string, value: string | number | undefined): void {
  const attrs = (node[':@'] as Record<string, unknown> | undefined) ?? {};
  if (value === undefined) delete attrs[`@_${name}`];
  else attrs[`@_${name}`] = String(value);
  if (Object.keys(attrs).length > 0) node[':@'] = attrs;
  else delete node[':@'];
}

export function textOf(node: XNode | undefined): string | undefined {
  if (!node) return undefined;
  const t = kids(node).find((k) => '#text' in k);
  return t ? String(t['#text']) : '';
}

/** Replaces the element's text content (its child elements stay). */
export function setText(node: XNode, value: string | number): void {
  const list = kids(node);
  const rest = list.filter((k) => !('#text' in k));
  list.length = 0;
  list.push({ '#text': String(value) }, ...rest);
}

/** A new element: `el('source', { file: '/x' })`, `el('vcpu', {}, [txt(2)])`. */
export function el(
  tag: string,
  attrs: Record<string, string | number | undefined> = {},
  children: XNode[] = [],
): XNode {
  const node: XNode = { [tag]: children };
  for (const [k, v] of Object.entries(attrs)) setAttr(node, k, v);
  return node;
}

export function txt(value: string | number): XNode {
  return { '#text': String(value) };
}

/** The child with this tag, made (and appended, or put before `before`) when missing. */
export function ensure(node: XNode, tag: string, before?: string[]): XNode {
  const found = first(node, tag);
  if (found) return found;
  const made = el(tag);
  insert(node, made, before);
  return made;
}

/** Appends a child, or puts it before the first child whose tag is one of `before`. */
export function insert(node: XNode, child: XNode, before?: string[]): void {
  const list = kids(node);
  const i = before ? list.findIndex((k) => before.includes(tagOf(k) ?? '')) : -1;
  if (i < 0) list.push(child);
  else list.splice(i, 0, child);
}

/** Removes these children (by identity); returns how many went. */
export function remove(node: XNode, pred: (child: XNode) => boolean): number {
  const list = kids(node);
  const keep = list.filter((k) => !pred(k));
  const n = list.length - keep.length;
  list.length = 0;
  list.push(...keep);
  return n;
}

/** Replaces a child (by identity) with another. */
export function replace(node: XNode, old: XNode, next: XNode): void {
  const list = kids(node);
  const i = list.indexOf(old);
  if (i < 0) throw new Error('not a child of this element');
  list[i] = next;
}

/** A deep copy, to edit a device without touching the document it came from. */
export function clone(node: XNode): XNode {
  return structuredClone(node);
}
