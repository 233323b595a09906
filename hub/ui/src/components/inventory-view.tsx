import type { DiscoveryReport } from '@quantix/shared';
import { formatBytes } from '@quantix/shared/ui/format/format-bytes.ts';
import { HostInterfaces } from '@quantix/shared/ui/inventory/host-interfaces.tsx';
import { LocalDisks } from '@quantix/shared/ui/inventory/local-disks.tsx';

/** What a host reported of itself at discovery: CPU, memory, OS, libvirt; disks, NICs, GPUs. */
export function InventoryFacts(props: { inventory: DiscoveryReport }) {
  const inv = props.inventory;
  return (
    <dl class="kv" data-testid="inventory">
      <dt>CPU</dt>
      <dd data-testid="inventory-cpu">
        {inv.cpu.model || '—'} · {inv.cpu.sockets} socket{inv.cpu.sockets === 1 ? '' : 's'}, {inv.cpu.cores}{' '}
        cores, {inv.cpu.threads} threads
        {inv.cpu.kvm ? '' : ' · no KVM'}
      </dd>
      <dt>Memory</dt>
      <dd data-testid="inventory-memory">{formatBytes(inv.memory.total)}</dd>
      <dt>OS</dt>
      <dd>
        {inv.os.distro} {inv.os.release} · kernel {inv.os.kernel} ({inv.os.arch})
      </dd>
      <dt>libvirt</dt>
      <dd data-testid="inventory-libvirt">
        {inv.libvirt.version ?? '—'}
        {inv.libvirt.status === 'unavailable' && <span class="badge badge-warning">unavailable</span>}
      </dd>
      <dt>Management IP</dt>
      <dd class="mono">{inv.managementIp ?? '—'}</dd>
      <dt>Disks</dt>
      <dd>
        {inv.disks.length === 0
          ? 'none reported'
          : inv.disks.map((d) => `${d.name} ${formatBytes(d.size)} ${d.type}`).join(' · ')}
      </dd>
      <dt>Network</dt>
      <dd>
        {inv.networkInterfaces.filter((n) => !n.virtual).length} physical interface(s),{' '}
        {inv.networkInterfaces.filter((n) => n.virtual).length} virtual
      </dd>
      {inv.gpus.length > 0 && (
        <>
          <dt>GPUs</dt>
          <dd data-testid="inventory-gpus">
            {inv.gpus
              .map(
                (g) =>
                  `${g.vendor} ${g.model} (${g.bus}${g.vram === null ? '' : `, ${formatBytes(g.vram)}`})`,
              )
              .join(' · ')}
          </dd>
        </>
      )}
      {inv.warnings.length > 0 && (
        <>
          <dt>Warnings</dt>
          <dd class="muted">{inv.warnings.join(' · ')}</dd>
        </>
      )}
    </dl>
  );
}

/** The disks and NICs in full, folded away: the preview and the Summary tab show the facts first. */
export function InventoryDetails(props: { inventory: DiscoveryReport }) {
  return (
    <>
      <details>
        <summary>Disks ({props.inventory.disks.length})</summary>
        <LocalDisks disks={props.inventory.disks} />
      </details>
      <details>
        <summary>Network interfaces ({props.inventory.networkInterfaces.length})</summary>
        <HostInterfaces interfaces={props.inventory.networkInterfaces} />
      </details>
    </>
  );
}
