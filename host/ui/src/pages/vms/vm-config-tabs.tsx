import type { VmDetail } from '@quantix/shared';
import { formatBytes } from '@quantix/shared/ui/format/format-bytes.ts';

export function VmDisksTab(props: { vm: VmDetail }) {
  const { disks } = props.vm;
  if (disks.length === 0) return <p class="muted">No disks.</p>;
  return (
    <table class="table" data-testid="vm-disks">
      <thead>
        <tr>
          <th>Target</th>
          <th>Device</th>
          <th>Bus</th>
          <th>Source</th>
          <th>Pool / volume</th>
          <th>Format</th>
          <th class="num">Capacity</th>
        </tr>
      </thead>
      <tbody>
        {disks.map((d) => (
          <tr key={d.target} data-testid="vm-disk-row">
            <td class="mono">{d.target}</td>
            <td>{d.device}</td>
            <td>{d.bus ?? '—'}</td>
            <td class="mono break">{d.source ?? (d.device === 'cdrom' ? 'empty' : '—')}</td>
            <td>{d.pool && d.volume ? `${d.pool} / ${d.volume}` : '—'}</td>
            <td>{d.format ?? '—'}</td>
            <td class="num">{d.capacity === null ? '—' : formatBytes(d.capacity)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const NIC_TYPE: Record<string, string> = {
  network: 'Virtual network',
  bridge: 'Host bridge',
  user: 'User mode',
  direct: 'Direct (macvtap)',
  other: 'Other',
};

export function VmNetworkTab(props: { vm: VmDetail }) {
  const { nics } = props.vm;
  if (nics.length === 0) return <p class="muted">No network interfaces.</p>;
  return (
    <table class="table" data-testid="vm-nics">
      <thead>
        <tr>
          <th>MAC</th>
          <th>Type</th>
          <th>Source</th>
          <th>Model</th>
        </tr>
      </thead>
      <tbody>
        {nics.map((n, i) => (
          <tr key={n.mac ?? i} data-testid="vm-nic-row">
            <td class="mono">{n.mac ?? '—'}</td>
            <td>{NIC_TYPE[n.type] ?? n.type}</td>
            <td class="mono">{n.source ?? '—'}</td>
            <td>{n.model ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
