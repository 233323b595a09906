import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VmMetadata } from '@quantix/shared';
import { buildVmMetadataXml, parseVmMetadata } from '../libvirt-xml/vm-metadata.ts';
import { autostartBy, planStartAtBoot, startsAtBoot } from './vm-start-at-boot.ts';

const meta = (over: Partial<VmMetadata> = {}): VmMetadata => ({ tags: ['web'], template: false, ...over });

describe('start at boot: libvirt’s flag without an order, the host with one', () => {
  it('an order on a VM with libvirt’s autostart clears the flag and keeps start at boot in the metadata', () => {
    const next = planStartAtBoot({ libvirt: true, meta: meta() }, { order: 2, delaySeconds: 30 });
    assert.deepEqual(next, {
      libvirt: false,
      meta: meta({ startOrder: 2, startDelaySeconds: 30, startAtBoot: true }),
    });
    assert.equal(autostartBy(next.libvirt, next.meta), 'host');
    assert.equal(startsAtBoot(next.libvirt, next.meta), true);
  });

  it('removing the order gives the VM back to libvirt’s autostart', () => {
    const next = planStartAtBoot(
      { libvirt: false, meta: meta({ startOrder: 2, startAtBoot: true }) },
      { order: null },
    );
    assert.deepEqual(next, { libvirt: true, meta: meta() });
    assert.equal(autostartBy(next.libvirt, next.meta), 'libvirt');
  });

  it('turning start at boot on or off keeps the order and delay for later', () => {
    const on = planStartAtBoot({ libvirt: false, meta: meta({ startOrder: 1 }) }, { enabled: true });
    assert.deepEqual(on, { libvirt: false, meta: meta({ startOrder: 1, startAtBoot: true }) });
    const off = planStartAtBoot(on, { enabled: false });
    assert.deepEqual(off, { libvirt: false, meta: meta({ startOrder: 1 }) });
    assert.equal(autostartBy(off.libvirt, off.meta), null);
    const plain = planStartAtBoot({ libvirt: false, meta: meta() }, { enabled: true });
    assert.deepEqual(plain, { libvirt: true, meta: meta() });
  });

  it('a template is never started by the host', () => {
    const t = meta({ template: true, startOrder: 1, startAtBoot: true });
    assert.equal(autostartBy(false, t), null);
  });
});

describe('start at boot in the VM’s metadata XML', () => {
  it('is written and read back with the order and delay, and absent when off', () => {
    const m = meta({ startOrder: 4, startDelaySeconds: 10, startAtBoot: true });
    const xml = buildVmMetadataXml(m);
    assert.match(xml, /<start-at-boot>yes<\/start-at-boot>/);
    const domain = `<domain><name>x</name><metadata>${xml
      .replace('<vm>', `<quantix:vm xmlns:quantix="https://quantix.dev/xmlns/vm/1">`)
      .replace(/<(\/?)(tags|tag|start-order|start-delay|start-at-boot)>/g, '<$1quantix:$2>')
      .replace('</vm>', '</quantix:vm>')}</metadata></domain>`;
    assert.deepEqual(parseVmMetadata(domain), m);
    assert.doesNotMatch(buildVmMetadataXml(meta({ startOrder: 4 })), /start-at-boot/);
  });
});
