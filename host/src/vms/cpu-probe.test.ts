import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { DbusCallError } from '../hypervisor/dbus-client.ts';
import { createHypervisorMonitor, type HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { Hypervisor } from '../hypervisor/hypervisor.ts';
import { openHypervisor } from '../hypervisor/open-hypervisor.ts';
import { toAppError } from '../hypervisor/libvirt-errors.ts';
import { readFileSync } from 'node:fs';
import { createCpuProbe } from './cpu-probe.ts';
import { createVmInventory } from './vm-inventory.ts';

// What QEMU does on a nested AMD EPYC host with host-passthrough (and host-model): it aborts.
const MSR_ABORT = `internal error: qemu unexpectedly closed the monitor: qemu-system-x86_64: error: failed to set MSR 0x10a to 0x2000000
qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3197: kvm_buf_set_msrs: Assertion \`ret == cpu->kvm_msr_buf->nmsrs' failed.`;
const DOMCAPS = readFileSync(
  new URL('../libvirt-xml/fixtures/domcaps-kvm-intel-nested.xml', import.meta.url),
  'utf8',
);

/**
 * libvirt's test driver underneath (real guests are started and destroyed there), seen as a KVM
 * host with the recorded domain capabilities, where guests with the host's own CPU abort as on a
 * nested EPYC. Only the CPU rules are under test here; the end-to-end suite probes real QEMU.
 */
function asNestedEpyc(h: Hypervisor, started: string[]): Hypervisor {
  return Object.assign(Object.create(h) as Hypervisor, {
    kvmAvailable: async () => true,
    domainCapabilities: async () => DOMCAPS,
    async createTransientDomain(xml: string) {
      const mode = /<cpu mode="([^"]+)"/.exec(xml)?.[1] ?? '';
      started.push(/<model[^>]*>([^<]+)</.exec(xml)?.[1] ?? mode);
      if (mode === 'host-passthrough' || mode === 'host-model') {
        throw toAppError(new DbusCallError('org.libvirt.Error', MSR_ABORT), 'VM_NOT_FOUND');
      }
      // the test driver has no KVM guests: start it as the driver's own type
      return h.createTransientDomain(xml.replace(/<domain type="kvm">/, '<domain type="test">'));
    },
  });
}

describe('CPU probe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qx-cpu-'));
  const started: string[] = [];
  let monitor: HypervisorMonitor;
  before(async () => {
    monitor = createHypervisorMonitor({
      uri: 'test:///default',
      log: pino({ level: 'silent' }),
      open: async () => {
        const o = await openHypervisor({
          uri: 'test:///default',
          runtimeDir: join(dir, 'run'),
          log: pino({ level: 'silent' }),
          preferSystemBus: false,
        });
        return { hypervisor: asNestedEpyc(o.hypervisor, started), close: o.close };
      },
    });
  });
  after(async () => {
    await monitor.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('marks the modes that abort QEMU, defaults to a named model that starts, and hides its guests', async () => {
    const probe = createCpuProbe({ monitor, log: pino({ level: 'silent' }) });
    const inventory = createVmInventory({
      monitor,
      log: pino({ level: 'silent' }),
      ignore: probe.isProbeGuest,
    });
    const changes: string[] = [];
    inventory.onChange((uuid) => changes.push(uuid));
    await monitor.start();
    const dflt = await probe.defaultCpu();
    // libvirt calls Westmere and Nehalem unusable on this recorded host: the last resort it is
    assert.deepEqual(dflt, { mode: 'custom', model: 'qemu64' });
    const caps = await probe.capabilities();
    assert.equal(caps.probing, false);
    assert.equal(caps.virtType, 'kvm');
    const byKey = new Map(caps.options.map((o) => [o.cpu.mode === 'custom' ? o.cpu.model : o.cpu.mode, o]));
    assert.equal(byKey.get('host-passthrough')?.status, 'failed');
    assert.match(
      byKey.get('host-passthrough')?.reason ?? '',
      /cannot give the guest the CPU "host-passthrough".*MSR/,
    );
    assert.equal(byKey.get('host-model')?.status, 'failed');
    assert.equal(byKey.get('qemu64')?.status, 'ok');
    assert.match(byKey.get('qemu64')?.reason ?? '', /starts here, but libvirt expects/);
    assert.equal(byKey.get('EPYC')?.status, 'untested');
    assert.deepEqual(started, ['host-passthrough', 'host-model', 'qemu64'], 'one guest per mode, no more');
    // a failed mode is refused with the reason; an untested one is allowed
    await assert.rejects(probe.assertStartable({ mode: 'host-passthrough' }), {
      code: 'VALIDATION_FAILED',
      message: /do not start on this host/,
    });
    await probe.assertStartable({ mode: 'custom', model: 'EPYC' });
    // the throw-away guests never reached the VM list, and are gone
    await inventory.ready();
    assert.deepEqual(
      inventory.all().map((r) => r.info.name),
      ['test'],
    );
    assert.ok(changes.every((u) => !probe.isProbeGuest(u)));
    assert.ok(!(await monitor.get().listDomains()).some((d) => d.name.startsWith('qx-cpu-probe-')));
  });

  it('leaves no guest behind when the host stops while one is being created', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let creating: () => void = () => undefined;
    const started = new Promise<void>((r) => {
      creating = r;
    });
    const h = monitor.get();
    const slow = createHypervisorMonitor({
      uri: 'test:///default',
      log: pino({ level: 'silent' }),
      open: async () => ({
        hypervisor: Object.assign(Object.create(h) as Hypervisor, {
          kvmAvailable: async () => false,
          async createTransientDomain(xml: string) {
            creating();
            await gate; // libvirt still creating it when the host begins to stop
            return h.createTransientDomain(xml.replace(/<domain type="qemu">/, '<domain type="test">'));
          },
        }),
        close: async () => undefined,
      }),
    });
    await slow.start();
    const probe = createCpuProbe({ monitor: slow, log: pino({ level: 'silent' }) });
    void probe.capabilities().catch(() => undefined);
    await started;
    const closing = probe.close();
    release();
    await closing;
    assert.ok(
      !(await h.listDomains()).some((d) => d.name.startsWith('qx-cpu-probe-') && d.active),
      'the probe guest made during the stop is destroyed before close() returns',
    );
    await slow.close();
  });
});
