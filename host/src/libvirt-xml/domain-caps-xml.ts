import { attr, child, children, rootElement, text } from './xml.ts';

/** What libvirt says about guest CPUs for one domain type (`virsh domcapabilities`). */
export interface CpuCaps {
  hostPassthrough: boolean;
  hostModel: boolean;
  maximum: boolean;
  /** the named models QEMU offers, with libvirt's guess whether this host can run each unchanged */
  models: Array<{ name: string; usable: boolean | null; vendor: string | null }>;
}

export function parseDomainCapsCpu(xml: string): CpuCaps {
  const cpu = child(rootElement(xml, 'domainCapabilities'), 'cpu');
  const modes = new Map(children(cpu, 'mode').map((m) => [attr(m, 'name') ?? '', m]));
  const supported = (name: string) => attr(modes.get(name), 'supported') === 'yes';
  const custom = modes.get('custom');
  const models = supported('custom')
    ? children(custom, 'model').map((m) => {
        const usable = attr(m, 'usable');
        const vendor = attr(m, 'vendor');
        return {
          name: text(m) ?? '',
          usable: usable === 'yes' ? true : usable === 'no' ? false : null,
          vendor: vendor && vendor !== 'unknown' ? vendor : null,
        };
      })
    : [];
  return {
    hostPassthrough: supported('host-passthrough'),
    hostModel: supported('host-model'),
    maximum: supported('maximum'),
    models: models.filter((m) => m.name !== ''),
  };
}
