// A guest that writes to its serial port without any disk: SeaBIOS with `useserial` (libvirt adds
// QEMU's sgabios, which also reads the serial line as the keyboard) prints its banner and "Press
// ESC for boot menu." on ttyS0, finds nothing to boot and reboots a second later — so it keeps
// talking, and pressing ESC (typed over the serial line) brings up its boot menu.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const virsh = (...args: string[]) =>
  execFileSync('virsh', ['-c', 'qemu:///system', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();

export function defineSerialGuest(prefix: string): { name: string; uuid: string; remove: () => void } {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  const file = join(tmpdir(), `${name}.xml`);
  writeFileSync(
    file,
    `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <bootmenu enable='yes' timeout='2500'/>
    <bios useserial='yes' rebootTimeout='1000'/>
  </os>
  <devices>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <!-- an empty CD drive: libvirt's block stats have a device to report -->
    <disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk>
    <graphics type='vnc' port='-1' listen='127.0.0.1'/>
    <video><model type='vga'/></video>
  </devices>
</domain>`,
  );
  try {
    virsh('define', file);
  } finally {
    rmSync(file, { force: true });
  }
  const uuid = virsh('domuuid', name);
  return {
    name,
    uuid,
    remove() {
      try {
        virsh('destroy', name);
      } catch {
        // not running
      }
      try {
        virsh('undefine', name);
      } catch {
        // already gone
      }
    },
  };
}
