import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainStartFailure, formatStartFailure } from './start-failure.ts';

// What libvirt 9.0 said on the hosts where these happened (nested AMD EPYC; a moved ISO; no KVM).
const MSR = `internal error: qemu unexpectedly closed the monitor: 2026-11-28T10:11:12.345678Z qemu-system-x86_64: error: failed to set MSR 0x10a to 0x2000000
qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3197: kvm_buf_set_msrs: Assertion \`ret == cpu->kvm_msr_buf->nmsrs' failed.`;
const NO_ISO = `internal error: process exited while connecting to monitor: 2026-11-28T10:11:12.345678Z qemu-system-x86_64: -blockdev {"driver":"file","filename":"/var/lib/quantix/iso/debian.iso","node-name":"libvirt-1-storage"}: Could not open '/var/lib/quantix/iso/debian.iso': No such file or directory`;
const NO_KVM = `internal error: process exited while connecting to monitor: Could not access KVM kernel module: Permission denied
2026-11-28T10:11:12.345678Z qemu-system-x86_64: failed to initialize kvm: Permission denied`;

describe('explainStartFailure', () => {
  it('names a CPU QEMU cannot give the guest, and what to do, not the assertion alone', () => {
    const f = explainStartFailure(MSR, 'host-passthrough');
    assert.match(f.cause, /CPU "host-passthrough"/);
    assert.match(f.remedy, /Hardware → CPU/);
    assert.equal(f.detail, 'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x2000000');
    const text = formatStartFailure('web01', f);
    assert.match(
      text,
      /^"web01" did not start: QEMU cannot give the guest the CPU "host-passthrough" on this host\./,
    );
  });

  it('tells a missing KVM from a missing file', () => {
    assert.match(explainStartFailure(NO_KVM, 'qemu64').cause, /KVM/);
    const f = explainStartFailure(NO_ISO, 'qemu64');
    assert.match(f.cause, /disk or ISO file/);
    assert.match(f.detail, /^qemu-system-x86_64: .*Could not open/);
  });

  it('names an inactive network', () => {
    const f = explainStartFailure("Requested operation is not valid: network 'lab' is not active", 'qemu64');
    assert.match(f.remedy, /Networks page/);
  });

  it("names swtpm for a TPM that could not be prepared, in swtpm's own words", () => {
    const f = explainStartFailure(
      `internal error: Could not run '/usr/bin/swtpm_setup'. exitstatus: 1; Check error log '/var/log/swtpm/libvirt/qemu/w11-swtpm.log' for details.
swtpm: Need read/write rights on statedir /var/lib/swtpm-localca for user tss.`,
      'qemu64',
    );
    assert.match(f.cause, /TPM emulator \(swtpm\)/);
    assert.match(f.remedy, /\/var\/lib\/swtpm-localca/);
    assert.match(formatStartFailure('w11', f), /\(swtpm: Need read\/write rights on statedir/);
  });

  it('tells a swtpm that exited after its set-up from one whose set-up failed', () => {
    const refused = `internal error: process exited while connecting to monitor: 2026-12-02T21:43:26.927145Z qemu-system-x86_64: -chardev socket,id=chrtpm,path=/run/libvirt/qemu/swtpm/289-w11-swtpm.sock: Failed to connect to '/run/libvirt/qemu/swtpm/289-w11-swtpm.sock': Connection refused`;
    const f = explainStartFailure(
      `${refused}\nswtpm: Could not change permssions on UnixIO socket: Operation not permitted`,
      'qemu64',
    );
    assert.match(f.cause, /swtpm\) exited before QEMU could connect to it/);
    assert.match(f.remedy, /^Start it again/);
    assert.equal(f.detail, 'swtpm: Could not change permssions on UnixIO socket: Operation not permitted');
    // without swtpm's words, QEMU's are the detail
    assert.match(
      explainStartFailure(refused, 'qemu64').detail,
      /^qemu-system-x86_64: -chardev .*Connection refused$/,
    );
  });

  it('passes anything else on with a pointer to the log, cut to a readable length', () => {
    const f = explainStartFailure(`internal error: something new ${'x'.repeat(500)}`, 'qemu64');
    assert.equal(f.cause, 'QEMU refused to start the guest');
    assert.ok(f.detail.length <= 300);
  });
});
