import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDomainCapsCpu } from './domain-caps-xml.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseDomainCapsCpu', () => {
  it('reads the CPU modes and named models of a KVM host', () => {
    const caps = parseDomainCapsCpu(fixture('domcaps-kvm-intel-nested.xml'));
    assert.equal(caps.hostPassthrough, true);
    assert.equal(caps.hostModel, true);
    assert.equal(caps.maximum, true);
    const byName = new Map(caps.models.map((m) => [m.name, m]));
    assert.ok(byName.size > 20, `${byName.size} models`);
    // libvirt's guess, which the probe overrules: qemu64 starts guests on this very host
    assert.deepEqual(byName.get('qemu64'), { name: 'qemu64', usable: false, vendor: null });
    assert.deepEqual(byName.get('pentium3'), { name: 'pentium3', usable: true, vendor: null });
    assert.equal(byName.get('Westmere')?.vendor, 'Intel');
  });

  it('knows that software emulation has no host-passthrough', () => {
    const caps = parseDomainCapsCpu(fixture('domcaps-qemu-tcg.xml'));
    assert.equal(caps.hostPassthrough, false);
    assert.equal(caps.maximum, true);
    assert.ok(caps.models.some((m) => m.name === 'qemu64'));
  });

  it('refuses a document that is not domain capabilities', () => {
    assert.throws(() => parseDomainCapsCpu('<capabilities/>'), /domainCapabilities/);
  });
});
