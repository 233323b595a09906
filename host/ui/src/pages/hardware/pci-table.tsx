import type { PciDevice } from '@quantix/shared';
import { useMemo } from 'preact/hooks';

/** Devices sharing an IOMMU group can only be passed through together: the group is shown, sortable by it. */
export function PciTable(props: { devices: readonly PciDevice[]; filter: string }) {
  const rows = useMemo(() => {
    const f = props.filter.trim().toLowerCase();
    const list = f
      ? props.devices.filter((d) =>
          [d.address, d.className, d.vendor, d.device, d.driver ?? '', `${d.vendorId}:${d.deviceId}`]
            .join(' ')
            .toLowerCase()
            .includes(f),
        )
      : props.devices;
    return [...list].sort((a, b) => a.address.localeCompare(b.address));
  }, [props.devices, props.filter]);
  if (props.devices.length === 0) return <p class="muted">No PCI devices reported.</p>;
  return (
    <table class="table" data-testid="pci-table">
      <thead>
        <tr>
          <th>Address</th>
          <th>Class</th>
          <th>Vendor</th>
          <th>Device</th>
          <th>ID</th>
          <th>Driver</th>
          <th class="num">IOMMU group</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => (
          <tr key={d.address} data-testid="pci-row" data-address={d.address}>
            <td class="mono">{d.address}</td>
            <td>{d.className}</td>
            <td>{d.vendor}</td>
            <td>{d.device}</td>
            <td class="mono">
              {d.vendorId}:{d.deviceId}
            </td>
            <td class="mono">{d.driver ?? '—'}</td>
            <td class="num">{d.iommuGroup ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
