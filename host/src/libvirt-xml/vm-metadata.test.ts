import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildVmMetadataXml, parseVmMetadata, VM_METADATA, withMetadataOf } from './vm-metadata.ts';

const domain = (metadata: string) =>
  `<domain type='kvm'><name>a</name><metadata>${metadata}</metadata><devices/></domain>`;

test('reads our element by its namespace, whatever its prefix', () => {
  const xml = domain(
    `<other:vm xmlns:other="http://example.com/x"><other:tags><other:tag>evil</other:tag></other:tags></other:vm>` +
      `<qx:vm xmlns:qx="${VM_METADATA.uri}"><qx:tags><qx:tag>web</qx:tag><qx:tag>prod</qx:tag></qx:tags><qx:template>yes</qx:template></qx:vm>`,
  );
  assert.deepEqual(parseVmMetadata(xml), { tags: ['web', 'prod'], template: true });
});

test('a domain without our element, or with tags we would refuse, reads as the default', () => {
  assert.deepEqual(parseVmMetadata(domain('')), { tags: [], template: false });
  assert.deepEqual(parseVmMetadata(`<domain><name>a</name></domain>`), { tags: [], template: false });
  const bad = domain(
    `<quantix:vm xmlns:quantix="${VM_METADATA.uri}"><quantix:tags><quantix:tag>Has Space</quantix:tag><quantix:tag>ok</quantix:tag><quantix:tag>ok</quantix:tag></quantix:tags></quantix:vm>`,
  );
  assert.deepEqual(parseVmMetadata(bad), { tags: ['ok'], template: false });
});

test('builds what parses back, escaping nothing it does not need to', () => {
  const xml = buildVmMetadataXml({ tags: ['a', 'b-2'], template: true });
  assert.match(xml, /^<vm>/);
  const wrapped = xml
    .replace('<vm>', `<quantix:vm xmlns:quantix="${VM_METADATA.uri}">`)
    .replace('</vm>', '</quantix:vm>');
  const prefixed = wrapped.replace(/<(\/?)(tags|tag|template)>/g, '<$1quantix:$2>');
  assert.deepEqual(parseVmMetadata(domain(prefixed)), { tags: ['a', 'b-2'], template: true });
  assert.throws(() => buildVmMetadataXml({ tags: ['<x>'], template: false }));
});

test('an edited definition takes the metadata of the current one, present or not', () => {
  const q = (tag: string) =>
    `<quantix:vm xmlns:quantix="${VM_METADATA.uri}"><quantix:tags><quantix:tag>${tag}</quantix:tag></quantix:tags></quantix:vm>`;
  const edited = `<domain type='kvm'>\n  <name>a</name>\n  <metadata>\n    ${q('old')}\n  </metadata>\n  <memory>2</memory>\n</domain>\n`;
  const current = `<domain type='kvm'>\n  <name>a</name>\n  <metadata>\n    ${q('new')}\n  </metadata>\n  <memory>1</memory>\n</domain>\n`;
  const out = withMetadataOf(edited, current);
  assert.deepEqual(parseVmMetadata(out).tags, ['new']);
  assert.match(out, /<memory>2<\/memory>/);
  // none now: the edit's old copy goes; none in the edit: the current one is added
  const bare = `<domain type='kvm'>\n  <name>a</name>\n  <memory>2</memory>\n</domain>\n`;
  assert.deepEqual(parseVmMetadata(withMetadataOf(edited, bare)).tags, []);
  assert.deepEqual(parseVmMetadata(withMetadataOf(bare, current)).tags, ['new']);
  assert.equal(withMetadataOf(bare, bare), bare);
});
