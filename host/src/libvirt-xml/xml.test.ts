import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, VirtName } from '@quantix/shared';
import {
  attr,
  buildXml,
  child,
  children,
  parseXml,
  rootElement,
  scaledBytes,
  text,
  validate,
} from './xml.ts';

const NASTY = `a<b>&c"d'e</f>`;

describe('buildXml escaping', () => {
  it('escapes <, >, &, " and \' in text nodes', () => {
    const xml = buildXml({ r: { t: NASTY } });
    assert.match(xml, /<t>a&lt;b&gt;&amp;c&quot;d&apos;e&lt;\/f&gt;<\/t>/);
    assert.equal(text(child(rootElement(xml, 'r'), 't')), NASTY);
  });

  it('escapes the same characters in attribute values', () => {
    const xml = buildXml({ r: { e: { '@_v': NASTY } } });
    assert.match(xml, /<e v="a&lt;b&gt;&amp;c&quot;d&apos;e&lt;\/f&gt;"\/>/);
    assert.equal(attr(child(rootElement(xml, 'r'), 'e'), 'v'), NASTY);
  });

  it('does not treat an entity in the input as markup', () => {
    const xml = buildXml({ r: { t: '&amp;&lt;' } });
    assert.equal(text(child(rootElement(xml, 'r'), 't')), '&amp;&lt;');
  });

  it('leaves out undefined children and writes arrays as repeated elements', () => {
    const xml = buildXml({ r: { gone: undefined, b: [{ '@_n': 1 }, { '@_n': 2 }] } });
    assert.doesNotMatch(xml, /gone/);
    assert.deepEqual(
      children(rootElement(xml, 'r'), 'b').map((b) => attr(b, 'n')),
      ['1', '2'],
    );
  });
});

describe('parseXml', () => {
  it('refuses a DOCTYPE, so no entity is ever expanded', () => {
    assert.throws(() => parseXml('<!DOCTYPE r [<!ENTITY x "boom">]><r>&x;</r>'), /DOCTYPE/);
  });

  it('rejects malformed XML', () => {
    assert.throws(() => parseXml('<r><a></r>'));
  });

  it('decodes numeric character references and predefined entities', () => {
    const r = rootElement(`<r a='&#39;&quot;'>&#x41;&amp;&apos;</r>`, 'r');
    assert.equal(text(r), "A&'");
    assert.equal(attr(r, 'a'), `'"`);
  });

  it('reads one child and many children alike', () => {
    const r = rootElement('<r><one x="1"/><many>a</many><many>b</many></r>', 'r');
    assert.equal(children(r, 'one').length, 1);
    assert.deepEqual(children(r, 'many').map(text), ['a', 'b']);
    assert.deepEqual(children(r, 'none'), []);
  });

  it('checks the root element name', () => {
    assert.throws(() => rootElement('<pool/>', 'domain'), /<domain>/);
  });
});

describe('scaledBytes', () => {
  it('understands libvirt units and defaults', () => {
    const r = rootElement(
      `<r><a unit='KiB'>2</a><b unit='bytes'>5</b><c>3</c><d unit='G'>1</d><e unit='MB'>1</e><f unit='parsec'>1</f></r>`,
      'r',
    );
    assert.equal(scaledBytes(child(r, 'a'), 'bytes'), 2048);
    assert.equal(scaledBytes(child(r, 'b'), 'KiB'), 5);
    assert.equal(scaledBytes(child(r, 'c'), 'KiB'), 3072);
    assert.equal(scaledBytes(child(r, 'd'), 'bytes'), 2 ** 30);
    assert.equal(scaledBytes(child(r, 'e'), 'bytes'), 1e6);
    assert.equal(scaledBytes(child(r, 'f'), 'bytes'), undefined);
    assert.equal(scaledBytes(undefined, 'bytes'), undefined);
  });
});

describe('validate', () => {
  it('throws a VALIDATION_FAILED AppError naming the field', () => {
    assert.throws(
      () => validate(VirtName, 'x</name><source>', 'name'),
      (e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED' && /name/.test(e.message),
    );
  });
});
