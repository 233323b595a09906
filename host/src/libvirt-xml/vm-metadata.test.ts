import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildVmMetadataXml, parseVmMetadata, VM_METADATA } from './vm-metadata.ts';

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
