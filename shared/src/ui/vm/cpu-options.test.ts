import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CpuCapabilities } from '@quantix/shared';
import {
  choiceNote,
  cpuChangeNote,
  cpuGroups,
  cpuKey,
  describeVmCpu,
  failedChoices,
  findChoice,
  parseCpuKey,
  wizardCpuValue,
  wizardSelectValue,
} from './cpu-options.ts';

/** As a nested AMD host answers: its own CPU aborts QEMU, Westmere is the probed default. */
const caps: CpuCapabilities = {
  virtType: 'kvm',
  probing: false,
  default: { mode: 'custom', model: 'Westmere' },
  options: [
    {
      cpu: { mode: 'host-passthrough' },
      label: "host-passthrough (this host's CPU; fastest, not portable)",
      status: 'failed',
      reason: 'QEMU cannot give the guest this CPU (QEMU: failed to set MSR 0x10a)',
    },
    { cpu: { mode: 'host-model' }, label: "host-model (this host's CPU model)", status: 'ok', reason: null },
    { cpu: { mode: 'custom', model: 'EPYC' }, label: 'EPYC', status: 'untested', reason: null },
    {
      cpu: { mode: 'custom', model: 'Skylake-Client' },
      label: 'Skylake-Client',
      status: 'untested',
      reason: 'libvirt expects this host to lack some of its features',
    },
    { cpu: { mode: 'custom', model: 'Westmere' }, label: 'Westmere', status: 'ok', reason: null },
    {
      cpu: { mode: 'custom', model: 'x86-64-v2-AES' },
      label: 'x86-64-v2-AES',
      status: 'failed',
      reason: 'the guest stopped right after it started (shutoff)',
    },
  ],
};

test('keys round-trip, and only carry what a request may', () => {
  for (const cpu of caps.options.map((o) => o.cpu)) assert.deepEqual(parseCpuKey(cpuKey(cpu)), cpu);
  assert.equal(cpuKey({ mode: 'custom', model: 'Westmere' }), 'custom:Westmere');
  assert.equal(cpuKey({ mode: 'default', model: null }), 'default');
  assert.equal(parseCpuKey('default'), null);
  assert.equal(parseCpuKey('custom:'), null);
  assert.equal(parseCpuKey('custom:a b'), null);
});

test("groups: the host's own modes, then named models with the default first and failures last", () => {
  const groups = cpuGroups(caps);
  assert.deepEqual(
    groups.map((g) => [g.label, g.choices.map((c) => c.key)]),
    [
      ["This host's own CPU", ['host-passthrough', 'host-model']],
      [
        'Named models (the same on every host)',
        ['custom:Westmere', 'custom:EPYC', 'custom:Skylake-Client', 'custom:x86-64-v2-AES'],
      ],
    ],
  );
  const westmere = findChoice(groups, 'custom:Westmere');
  assert.equal(westmere?.text, 'Westmere — host default — starts here');
  assert.equal(westmere?.disabled, false);
  const passthrough = findChoice(groups, 'host-passthrough');
  assert.equal(
    passthrough?.text,
    "host-passthrough (this host's CPU; fastest, not portable) — does not start on this host",
  );
  assert.equal(passthrough?.disabled, true, 'a CPU that does not start here cannot be picked');
  assert.equal(findChoice(groups, 'custom:EPYC')?.text, 'EPYC — not tested');
  assert.deepEqual(
    failedChoices(groups).map((c) => [c.key, c.reason]),
    [
      ['host-passthrough', 'QEMU cannot give the guest this CPU (QEMU: failed to set MSR 0x10a)'],
      ['custom:x86-64-v2-AES', 'the guest stopped right after it started (shutoff)'],
    ],
  );
});

test("a VM's CPU that the host does not list stays a choice of its own", () => {
  const groups = cpuGroups(caps, { mode: 'custom', model: 'Cascadelake-Server' });
  assert.equal(groups[0]?.label, 'Now');
  assert.equal(groups[0]?.choices[0]?.text, 'Cascadelake-Server — not offered by this host');
  assert.equal(
    cpuGroups(caps, { mode: 'custom', model: 'Westmere' }).length,
    2,
    'a listed CPU is not repeated',
  );
});

test('while the probe runs, statuses and the default say so', () => {
  const probing: CpuCapabilities = {
    ...caps,
    probing: true,
    options: caps.options.map((o) =>
      o.cpu.mode === 'custom' ? o : { ...o, status: 'probing', reason: null },
    ),
  };
  const groups = cpuGroups(probing);
  assert.equal(findChoice(groups, 'host-model')?.text, "host-model (this host's CPU model) — being tested…");
  assert.equal(
    choiceNote(findChoice(groups, 'custom:Westmere'), true),
    'The default for now; the test is still running. Tested: guests with this CPU start on this host.',
  );
  assert.equal(choiceNote(null, true), 'This host is testing which CPUs start guests…');
});

test('notes give the status and the reason in words', () => {
  const groups = cpuGroups(caps);
  assert.equal(
    choiceNote(findChoice(groups, 'custom:Westmere'), false),
    "This host's default. Tested: guests with this CPU start on this host.",
  );
  assert.equal(
    choiceNote(findChoice(groups, 'custom:Skylake-Client'), false),
    'Not tested on this host. Libvirt expects this host to lack some of its features.',
  );
  assert.equal(
    choiceNote(
      {
        ...(findChoice(groups, 'host-model') ?? assert.fail()),
        reason: 'starts here, but libvirt expects this host to lack some of its features',
      },
      false,
    ),
    'Tested: guests with this CPU start on this host, but libvirt expects this host to lack some of its features.',
  );
});

test("the wizard keeps '' for the default, so the request leaves the CPU to the host", () => {
  assert.equal(wizardCpuValue('custom:Westmere', caps), '');
  assert.equal(wizardCpuValue('host-model', caps), 'host-model');
  assert.equal(wizardCpuValue('', caps), '');
  assert.equal(wizardCpuValue('host-model', null), 'host-model');
  assert.equal(wizardSelectValue('', caps), 'custom:Westmere', 'the select shows which CPU the default is');
  assert.equal(wizardSelectValue('host-model', caps), 'host-model');
  assert.equal(wizardSelectValue('', null), '');
});

test('a VM CPU in words', () => {
  assert.equal(describeVmCpu({ mode: 'custom', model: 'Westmere' }), 'Westmere');
  assert.equal(
    describeVmCpu({ mode: 'host-passthrough', model: null }),
    "host-passthrough (this host's CPU)",
  );
  assert.equal(describeVmCpu({ mode: 'default', model: null }), "QEMU's default model (none set)");
});

test('a CPU change says it takes effect at the next start', () => {
  assert.equal(cpuChangeNote('shutoff'), 'It takes effect at the next start.');
  assert.match(cpuChangeNote('running'), /^It takes effect at the next start: the VM keeps its current CPU/);
  assert.match(cpuChangeNote('paused'), /keeps its current CPU/);
});
