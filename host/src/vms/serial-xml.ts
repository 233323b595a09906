// Where a running VM's serial console is: the pty libvirt gave QEMU, read from the live domain XML
// (`<serial type='pty'><source path='/dev/pts/N'/>`, or a `<console type='pty'>` on a serial
// target). Only a /dev/pts path is ever returned: a VM's XML must not make the host open any
// other file.
import { attr, child, children, path, rootElement, type XmlNode } from '../libvirt-xml/xml.ts';

const PTS = /^\/dev\/pts\/\d+$/;

export function serialPtyPath(xml: string): string | null {
  const devices = path(rootElement(xml, 'domain'), 'devices');
  const candidates: XmlNode[] = [
    ...children(devices, 'serial'),
    ...children(devices, 'console').filter(
      (c) => (attr(child(c, 'target'), 'type') ?? 'serial') === 'serial',
    ),
  ];
  for (const c of candidates) {
    if (attr(c, 'type') !== 'pty') continue;
    const p = attr(child(c, 'source'), 'path') ?? attr(c, 'tty');
    if (p && PTS.test(p)) return p;
  }
  return null;
}
