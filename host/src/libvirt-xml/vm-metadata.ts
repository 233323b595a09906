import { GuestOsPreset, VirtName, VmMetadata, VmTag } from '@quantix/shared';
import { buildXml, child, children, int, parseXml, text, type XmlNode } from './xml.ts';

/** Our element under a domain's `<metadata>`: `<quantix:vm xmlns:quantix=…>`. */
export const VM_METADATA = { uri: 'https://quantix.dev/xmlns/vm/1', key: 'quantix' } as const;

const EMPTY: VmMetadata = { tags: [], template: false };

/** The element's XML as libvirt's SetMetadata takes it (libvirt adds the namespace prefix). */
export function buildVmMetadataXml(meta: VmMetadata): string {
  const m = VmMetadata.parse(meta);
  return buildXml({
    vm: {
      tags: m.tags.length > 0 ? { tag: m.tags } : undefined,
      template: m.template ? 'yes' : undefined,
      'start-order': m.startOrder,
      'start-delay': m.startDelaySeconds,
      'start-at-boot': m.startAtBoot ? 'yes' : undefined,
      // issue 9: the guest OS preset, and the snapshots taken with frozen filesystems
      os: m.osPreset,
      quiesced: m.quiescedSnapshots?.length ? { snapshot: m.quiescedSnapshots } : undefined,
    },
  }).trim();
}

/** Reads our element out of a whole domain XML; anything missing or malformed reads as the default. */
export function parseVmMetadata(domainXml: string): VmMetadata {
  const domain = parseXml(domainXml).domain as XmlNode | undefined;
  const metadata = child(domain, 'metadata');
  if (!metadata || typeof metadata === 'string') return EMPTY;
  // the prefix is whatever the writer chose: find the element by its namespace
  const entry = Object.entries(metadata).find(
    ([k, v]) =>
      k.endsWith(':vm') && typeof v === 'object' && v !== null && namespaceOf(k, v) === VM_METADATA.uri,
  );
  if (!entry) return EMPTY;
  const vm = entry[1] as XmlNode;
  const prefix = entry[0].slice(0, -'vm'.length);
  // a tag edited in by hand that we would refuse is dropped, not the whole element
  const tags = children(child(vm, `${prefix}tags`), `${prefix}tag`)
    .map((t) => text(t) ?? '')
    .filter((t) => VmTag.safeParse(t).success);
  const out: VmMetadata = {
    tags: [...new Set(tags)].slice(0, 16),
    template: text(child(vm, `${prefix}template`)) === 'yes',
  };
  // the start order and delay (Hardware tab), only when set
  const order = int(text(child(vm, `${prefix}start-order`)));
  const delay = int(text(child(vm, `${prefix}start-delay`)));
  if (order !== undefined && order >= 0 && order <= 1000) out.startOrder = order;
  if (delay !== undefined && delay >= 0 && delay <= 3600) out.startDelaySeconds = delay;
  if (text(child(vm, `${prefix}start-at-boot`)) === 'yes') out.startAtBoot = true;
  // the guest OS preset, and the snapshots taken with frozen filesystems
  const os = GuestOsPreset.safeParse(text(child(vm, `${prefix}os`)));
  if (os.success) out.osPreset = os.data;
  const quiesced = children(child(vm, `${prefix}quiesced`), `${prefix}snapshot`)
    .map((t) => text(t) ?? '')
    .filter((t) => VirtName.safeParse(t).success);
  if (quiesced.length > 0) out.quiescedSnapshots = [...new Set(quiesced)].slice(0, 256);
  return out;
}

const METADATA_BLOCK = /[ \t]*<metadata(?:\s*\/>|>[\s\S]*?<\/metadata>)\n?/;

/**
 * `xml` with the `<metadata>` element of `current` in place of its own. A whole-definition edit
 * (Hardware tab, CPU) started from an older read; the metadata written since (tags, the template
 * flag, …) is what the running definition says now, and the edit never changes it itself.
 */
export function withMetadataOf(xml: string, current: string): string {
  const now = METADATA_BLOCK.exec(current)?.[0];
  if (METADATA_BLOCK.test(xml)) return xml.replace(METADATA_BLOCK, () => now ?? '');
  if (!now) return xml;
  return xml.replace(/<\/domain>\s*$/, (end) => `${now}${now.endsWith('\n') ? '' : '\n'}${end}`);
}

function namespaceOf(key: string, node: object): string | undefined {
  const prefix = key.slice(0, key.indexOf(':'));
  const ns = (node as Record<string, unknown>)[`@_xmlns:${prefix}`];
  return typeof ns === 'string' ? ns : undefined;
}
