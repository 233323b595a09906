import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serialPtyPath } from './serial-xml.ts';

const dom = (devices: string) => `<domain type='kvm'><name>a</name><devices>${devices}</devices></domain>`;

describe('serial pty path from the live domain XML', () => {
  it('reads the pty of the first serial port', () => {
    const xml =
      dom(`<serial type='pty'><source path='/dev/pts/7'/><target type='isa-serial' port='0'/></serial>
      <console type='pty' tty='/dev/pts/7'><source path='/dev/pts/7'/><target type='serial' port='0'/></console>`);
    assert.equal(serialPtyPath(xml), '/dev/pts/7');
  });

  it('falls back to a console on a serial target', () => {
    assert.equal(
      serialPtyPath(dom(`<console type='pty' tty='/dev/pts/3'><target type='serial' port='0'/></console>`)),
      '/dev/pts/3',
    );
  });

  it('has none for a defined-only VM, a non-pty serial, or a path outside /dev/pts', () => {
    assert.equal(serialPtyPath(dom(`<serial type='pty'><target port='0'/></serial>`)), null);
    assert.equal(serialPtyPath(dom(`<serial type='file'><source path='/etc/shadow'/></serial>`)), null);
    assert.equal(serialPtyPath(dom(`<serial type='pty'><source path='/etc/shadow'/></serial>`)), null);
    assert.equal(serialPtyPath(dom(`<serial type='pty'><source path='/dev/pts/../sda'/></serial>`)), null);
    assert.equal(serialPtyPath(dom('')), null);
  });
});
