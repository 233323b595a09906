import type { VmHardwareConfig, VmTopology } from '@quantix/shared';
import { parseDomainXml } from './domain-xml.ts';
import { attr, child, children, int, rootElement, scaledBytes, text } from './xml.ts';

/** One domain definition (live or persistent) as the Hardware tab shows it; capacities are unknown here. */
export function parseHardwareXml(xml: string): VmHardwareConfig {
  const p = parseDomainXml(xml);
  const domain = rootElement(xml, 'domain');
  const vcpu = child(domain, 'vcpu');
  const maxVcpus = int(text(vcpu)) ?? 0;
  const topo = child(child(domain, 'cpu'), 'topology');
  const n = (a: string) => int(attr(topo, a));
  const topology: VmTopology | null =
    topo && n('sockets') && n('cores') && n('threads')
      ? {
          // dies are folded into sockets: we never write them, and a die is a socket to the guest's scheduler
          sockets: (n('sockets') ?? 1) * (n('dies') ?? 1),
          cores: n('cores') ?? 1,
          threads: n('threads') ?? 1,
        }
      : null;
  const maxBytes = scaledBytes(child(domain, 'memory'), 'KiB') ?? 0;
  const curBytes = scaledBytes(child(domain, 'currentMemory'), 'KiB') ?? maxBytes;
  const links = children(child(domain, 'devices'), 'interface').map((i) =>
    attr(child(i, 'link'), 'state') === 'down' ? ('down' as const) : ('up' as const),
  );
  return {
    vcpus: int(attr(vcpu, 'current')) ?? maxVcpus,
    maxVcpus,
    topology,
    memoryMiB: maxBytes / 2 ** 20,
    currentMemoryMiB: curBytes / 2 ** 20,
    cpu: p.cpu,
    disks: p.disks,
    nics: p.nics.map((nic, i) => ({ ...nic, link: links[i] ?? 'up' })),
    bootOrder: p.bootOrder,
    description: p.description,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What only the next start brings: the items where the persistent definition differs from the live one. */
export function pendingItems(live: VmHardwareConfig | null, config: VmHardwareConfig): string[] {
  if (!live) return [];
  const out: string[] = [];
  if (live.vcpus !== config.vcpus) out.push('vcpus');
  if (live.maxVcpus !== config.maxVcpus) out.push('maxVcpus');
  if (!same(live.topology, config.topology)) out.push('topology');
  if (live.memoryMiB !== config.memoryMiB) out.push('memory');
  // the live balloon is the guest's (it may not follow, or have no driver): a new target is
  // applied live, so it waits for the next start only when it is beyond the running maximum
  if (config.currentMemoryMiB > live.memoryMiB) out.push('currentMemory');
  if (!same(live.cpu, config.cpu)) out.push('cpu');
  if (!same(live.bootOrder, config.bootOrder)) out.push('bootOrder');
  if (live.description !== config.description) out.push('description');
  // a disk is the same when it is on the same target, bus and file; capacity is not in the XML
  // (an empty drive's format is libvirt's to keep or drop: the running copy may have none)
  const diskKey = (d: VmHardwareConfig['disks'][number]) => [
    d.device,
    d.bus,
    d.source,
    d.source ? d.format : null,
  ];
  const liveDisks = new Map(live.disks.map((d) => [d.target, d]));
  const confDisks = new Map(config.disks.map((d) => [d.target, d]));
  for (const t of new Set([...liveDisks.keys(), ...confDisks.keys()])) {
    const a = liveDisks.get(t);
    const b = confDisks.get(t);
    if (!a || !b || !same(diskKey(a), diskKey(b))) out.push(`disk:${t}`);
  }
  const nicKey = (n: VmHardwareConfig['nics'][number]) => [n.type, n.source, n.model, n.link];
  const liveNics = new Map(live.nics.map((n) => [n.mac ?? '', n]));
  const confNics = new Map(config.nics.map((n) => [n.mac ?? '', n]));
  for (const m of new Set([...liveNics.keys(), ...confNics.keys()])) {
    const a = liveNics.get(m);
    const b = confNics.get(m);
    if (!a || !b || !same(nicKey(a), nicKey(b))) out.push(`nic:${m}`);
  }
  return out;
}
