import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FirmwareCapabilities, VmCpu } from '@quantix/shared';
import type { CpuProbe } from './cpu-probe.ts';
import { awaitProbes } from './vm-create-probes.ts';
import type { PlatformProbe } from './vm-platform-probe.ts';

const WESTMERE: VmCpu = { mode: 'custom', model: 'Westmere' };
const PROBED: FirmwareCapabilities = {
  virtType: 'kvm',
  probing: false,
  uefi: { available: true, reason: null },
  secureBoot: { available: false, reason: 'no SMM here' },
  tpm: { available: true, reason: null },
  hyperv: { level: 'full', reason: null },
};

/** probes that answer when `settle` is called (or refuse a CPU), as the real ones after their guests */
function probes(opts: { refuse?: Error; known?: null; virtType?: 'kvm' | 'qemu' } = {}) {
  let settle: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const cpu = {
    defaultCpu: () => answered.then(() => WESTMERE),
    assertStartable: async () => {
      await answered;
      if (opts.refuse) throw opts.refuse;
    },
  } as unknown as CpuProbe;
  const platform = {
    settled: () => answered.then(() => PROBED),
    // while the guests are tried: libvirt's domain capabilities, Hyper-V still being probed
    known: () =>
      opts.known === null
        ? null
        : { ...PROBED, probing: true, hyperv: { level: 'off', reason: 'being probed' } },
  } as unknown as PlatformProbe;
  // asked of libvirt only when the platform probe knows nothing yet
  const virtType = async () => {
    assert.equal(opts.known, null, 'the platform probe knew the virtualization type');
    return opts.virtType ?? 'kvm';
  };
  return { deps: { cpu, platform, virtType }, settle };
}

test("says it waits for the host's probes when they keep a create waiting, then goes on with them", async () => {
  const p = probes();
  const said: string[] = [];
  // the probes settle only once the wait was said: no sleep in the test, and no pass without it
  const result = await awaitProbes(p.deps, undefined, (m) => {
    said.push(m);
    p.settle();
  });
  assert.deepEqual(result, { cpu: WESTMERE, capabilities: PROBED, notes: [] });
  assert.equal(said.length, 1);
  assert.match(said[0] ?? '', /^Waiting for the host's CPU and firmware checks/);
});

test('says nothing when the probes are done, and passes their refusal on', async () => {
  const quiet = () => assert.fail('nothing to wait for');
  const done = probes();
  done.settle();
  assert.equal((await awaitProbes(done.deps, undefined, quiet)).cpu, WESTMERE);
  const refused = new Error('cpu: guests with Nehalem do not start on this host');
  const refusing = probes({ refuse: refused });
  refusing.settle();
  await assert.rejects(
    awaitProbes(refusing.deps, { mode: 'custom', model: 'Nehalem' }, quiet),
    (e) => e === refused,
  );
});

test('goes on without probes that do not answer in time: qemu64, no Hyper-V, and says so', async () => {
  const p = probes(); // never settled
  const said: string[] = [];
  const result = await awaitProbes(p.deps, undefined, (m) => said.push(m), 350);
  assert.deepEqual(result.cpu, { mode: 'custom', model: 'qemu64' });
  assert.equal(result.capabilities.hyperv.level, 'off');
  assert.equal(result.capabilities.virtType, 'kvm');
  // what libvirt said is kept: no Secure Boot here
  assert.equal(result.capabilities.secureBoot.available, false);
  assert.equal(result.notes.length, 1);
  assert.match(result.notes[0] ?? '', /checks had not finished .* CPU qemu64/);
  assert.equal(said.length, 2);
  assert.match(said[1] ?? '', /^Going on without the host's CPU and firmware checks/);
});

test('keeps the CPU asked for when the probes do not answer, and says it was not checked', async () => {
  const p = probes();
  const result = await awaitProbes(p.deps, WESTMERE, () => undefined, 350);
  assert.deepEqual(result.cpu, WESTMERE);
  assert.match(result.notes[0] ?? '', /its CPU Westmere was not checked/);
});

test("under software emulation, with nothing known yet: QEMU's maximum CPU, firmware said to be unchecked", async () => {
  const p = probes({ known: null, virtType: 'qemu' });
  const result = await awaitProbes(p.deps, undefined, () => undefined, 350);
  assert.deepEqual(result.cpu, { mode: 'maximum' });
  assert.equal(result.capabilities.virtType, 'qemu');
  assert.deepEqual(result.capabilities.uefi, {
    available: true,
    reason: "not checked: the host's checks had not finished",
  });
  assert.match(result.notes[1] ?? '', /UEFI, Secure Boot and TPM were not checked/);
});

test('refuses, without the probes, a host CPU asked for where there is no KVM', async () => {
  const p = probes({ known: null, virtType: 'qemu' });
  await assert.rejects(
    awaitProbes(p.deps, { mode: 'host-passthrough' }, () => undefined, 350),
    {
      code: 'VALIDATION_FAILED',
      message: /host-passthrough needs KVM/,
    },
  );
});
