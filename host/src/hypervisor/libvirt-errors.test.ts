import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DbusCallError } from './dbus-client.ts';
import { toAppError } from './libvirt-errors.ts';

// libvirt 9.0's own texts, as libvirt-dbus passes them on under org.libvirt.Error
const libvirt = (text: string) => new DbusCallError('org.libvirt.Error', text);

describe('toAppError', () => {
  it('names the kind of object libvirt says is missing, whatever the caller was after', () => {
    const cases: Array<[string, string]> = [
      ["Storage volume not found: no storage vol with matching path '/srv/pool/g.img'", 'VOLUME_NOT_FOUND'],
      ["Storage pool not found: no storage pool with matching uuid 'x'", 'POOL_NOT_FOUND'],
      ["Domain not found: no domain with matching uuid 'x'", 'VM_NOT_FOUND'],
      ["Network not found: no network with matching name 'lab'", 'NETWORK_NOT_FOUND'],
      ["Domain snapshot not found: no domain snapshot with matching name 's1'", 'SNAPSHOT_NOT_FOUND'],
    ];
    for (const [text, code] of cases)
      assert.equal(toAppError(libvirt(text), 'POOL_NOT_FOUND').code, code, text);
  });

  it('calls a subnet overlap an address conflict, not a taken name', () => {
    const e = toAppError(
      libvirt('internal error: Network is already in use by interface virbr0'),
      'NETWORK_NOT_FOUND',
    );
    assert.equal(e.code, 'ADDRESS_CONFLICT');
    assert.equal(
      toAppError(libvirt("operation failed: network 'lab' already exists with uuid x"), 'NETWORK_NOT_FOUND')
        .code,
      'NAME_TAKEN',
    );
  });

  it('treats a lost bus or daemon as HYPERVISOR_UNAVAILABLE', () => {
    assert.equal(
      toAppError(new DbusCallError('org.freedesktop.DBus.Error.NoReply', 'x'), 'VM_NOT_FOUND').code,
      'HYPERVISOR_UNAVAILABLE',
    );
    assert.equal(
      toAppError(
        libvirt("Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory"),
        'VM_NOT_FOUND',
      ).code,
      'HYPERVISOR_UNAVAILABLE',
    );
  });

  it("does not call QEMU's words about the VM's own sockets a lost libvirt", () => {
    // what a fresh-clone run met when a TPM VM's QEMU could not reach its swtpm
    const text =
      "internal error: qemu unexpectedly closed the monitor: 2026-12-03T06:45:43.757990Z qemu-system-x86_64: -chardev socket,id=chrtpm,path=/run/libvirt/qemu/swtpm/289-vm-swtpm.sock: Failed to connect to '/run/libvirt/qemu/swtpm/289-vm-swtpm.sock': Connection refused";
    assert.equal(toAppError(libvirt(text), 'VM_NOT_FOUND').code, 'LIBVIRT_ERROR');
  });
});
