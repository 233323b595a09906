import type { DiscoveryReport } from '@quantix/shared';
import { formatBytes } from '../format/format-bytes.ts';
import { diskUseLabel } from './disk-usage.ts';

/** The host's block devices, for choosing where a pool goes. */
export function LocalDisks(props: { disks: DiscoveryReport['disks'] }) {
  if (props.disks.length === 0) return <p class="muted">No local disks reported.</p>;
  return (
    <table class="table" data-testid="local-disks">
      <thead>
        <tr>
          <th>Device</th>
          <th>Model</th>
          <th>Serial</th>
          <th>Type</th>
          <th class="num">Size</th>
          <th>Partitions</th>
          <th>Use</th>
        </tr>
      </thead>
      <tbody>
        {props.disks.map((d) => {
          const use = diskUseLabel(d);
          return (
            <tr key={d.name} data-testid="local-disk-row" data-name={d.name}>
              <td class="mono">{d.name}</td>
              <td>{d.model || '—'}</td>
              <td class="mono">{d.serial || '—'}</td>
              <td>{d.type}</td>
              <td class="num">{formatBytes(d.size)}</td>
              <td>
                {d.partitions.length === 0 ? (
                  <span class="muted">none</span>
                ) : (
                  <ul class="plain-list">
                    {d.partitions.map((p) => (
                      <li key={p.name}>
                        <span class="mono">{p.name}</span> {formatBytes(p.size)}
                        {p.fstype && ` · ${p.fstype}`}
                        {p.mount && (
                          <>
                            {' · '}
                            <span class="mono">{p.mount}</span>
                          </>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td class="disk-use" data-testid="local-disk-use" data-use={use.kind}>
                <span class={`badge ${use.badge}`}>{use.label}</span>
                {use.reasons.length > 0 && (
                  <ul class="plain-list hint">
                    {use.reasons.map((r) => (
                      <li key={r}>{r}</li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
