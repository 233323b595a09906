import type { DiscoveryReport } from '@quantix/shared';

/** The host's own interfaces and bridges: read-only, from the hardware inventory. */
export function HostInterfaces(props: { interfaces: DiscoveryReport['networkInterfaces'] }) {
  if (props.interfaces.length === 0) return <p class="muted">No interfaces reported.</p>;
  return (
    <table class="table" data-testid="host-interfaces">
      <thead>
        <tr>
          <th>Name</th>
          <th>Kind</th>
          <th>Link</th>
          <th class="num">Speed</th>
          <th>MAC</th>
          <th>IPv4</th>
          <th>IPv6</th>
        </tr>
      </thead>
      <tbody>
        {props.interfaces.map((n) => (
          <tr key={n.name} data-testid="interface-row" data-name={n.name}>
            <td class="mono">{n.name}</td>
            <td>{n.virtual ? 'virtual (bridge, tap, bond…)' : 'physical'}</td>
            <td>
              <span class={`badge ${n.link === 'up' ? 'badge-ok' : n.link === 'down' ? 'badge-error' : ''}`}>
                {n.link}
              </span>
            </td>
            <td class="num">
              {n.speed === null ? '—' : n.speed >= 1000 ? `${n.speed / 1000} Gbit/s` : `${n.speed} Mbit/s`}
            </td>
            <td class="mono">{n.mac || '—'}</td>
            <td class="mono">{n.ipv4.join(', ') || '—'}</td>
            <td class="mono break">{n.ipv6.join(', ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
