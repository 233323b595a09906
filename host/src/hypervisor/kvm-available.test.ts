import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DbusCallError, type DbusClient } from './dbus-client.ts';
import { createDbusHypervisor } from './dbus-hypervisor.ts';

/** a bus whose GetDomainCapabilities answers are scripted, one per call */
function scripted(answers: Array<() => Promise<unknown[]>>) {
  let calls = 0;
  const client = {
    dead: false,
    call: async (_path: string, _iface: string, member: string) => {
      assert.equal(member, 'GetDomainCapabilities');
      const next = answers[calls++];
      if (!next) throw new Error('asked more often than scripted');
      return next();
    },
  } as unknown as DbusClient;
  return { hv: createDbusHypervisor({ client, uri: 'qemu:///system' }), calls: () => calls };
}

test("keeps libvirt's answer about KVM for the connection", async () => {
  const yes = scripted([async () => ['<domainCapabilities/>']]);
  assert.equal(await yes.hv.kvmAvailable(), true);
  assert.equal(await yes.hv.kvmAvailable(), true);
  assert.equal(yes.calls(), 1);
  const no = scripted([
    async () => {
      throw new DbusCallError(
        'org.libvirt.Error',
        "KVM is not supported by '/usr/bin/qemu-system-x86_64' on this host",
      );
    },
  ]);
  assert.equal(await no.hv.kvmAvailable(), false);
  assert.equal(await no.hv.kvmAvailable(), false);
  assert.equal(no.calls(), 1);
});

test('takes no answer for no answer: a timeout is said, not kept as "no KVM"', async () => {
  const slow = scripted([
    async () => {
      throw new DbusCallError(
        'org.freedesktop.DBus.Error.NoReply',
        'no answer to GetDomainCapabilities in 25 s',
      );
    },
    async () => ['<domainCapabilities/>'],
  ]);
  await assert.rejects(slow.hv.kvmAvailable(), { code: 'HYPERVISOR_UNAVAILABLE' });
  // asked again, libvirt (done with its QEMU probe) answers
  assert.equal(await slow.hv.kvmAvailable(), true);
  assert.equal(slow.calls(), 2);
});
