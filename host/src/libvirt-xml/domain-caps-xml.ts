import { attr, child, children, rootElement, text, type XmlNode } from './xml.ts';

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

/** What libvirt says about firmware and TPMs for one domain type and machine. */
export interface FirmwareCaps {
  /** UEFI: libvirt can pick an OVMF build (the `efi` firmware, or a pflash loader) */
  efi: boolean;
  /** an OVMF build with Secure Boot (loader `secure='yes'`) */
  secureBoot: boolean;
  /** a TPM emulated by swtpm, version 2.0 */
  tpm20: boolean;
}

export function parseDomainCapsFirmware(xml: string): FirmwareCaps {
  const caps = rootElement(xml, 'domainCapabilities');
  const os = child(caps, 'os');
  const enumValues = (node: XmlNode | undefined, name: string): string[] =>
    children(node, 'enum')
      .filter((e) => attr(e, 'name') === name)
      .flatMap((e) => children(e, 'value').map((v) => text(v) ?? ''));
  const loader = child(os, 'loader');
  const loaderOk = attr(loader, 'supported') === 'yes' && children(loader, 'value').length > 0;
  const efi = attr(os, 'supported') === 'yes' && (enumValues(os, 'firmware').includes('efi') || loaderOk);
  const tpm = child(child(caps, 'devices'), 'tpm');
  const versions = enumValues(tpm, 'backendVersion');
  return {
    efi,
    secureBoot: efi && enumValues(loader, 'secure').includes('yes'),
    tpm20:
      attr(tpm, 'supported') === 'yes' &&
      enumValues(tpm, 'backendModel').includes('emulator') &&
      // libvirt before 8.7 has no backendVersion enum: swtpm there speaks 2.0
      (versions.length === 0 || versions.includes('2.0')),
  };
}
