import type { HardwareReport } from '@quantix/shared';
import { useEffect, useState } from 'preact/hooks';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { HostInterfaces } from '@quantix/shared/ui/inventory/host-interfaces.tsx';
import { LocalDisks } from '@quantix/shared/ui/inventory/local-disks.tsx';
import { UsageBar } from '@quantix/shared/ui/components/usage-bar.tsx';
import { formatBytes, formatPercent, percentOf } from '@quantix/shared/ui/format/format-bytes.ts';
import { formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import { useApi, useStore } from '../../store/use-store.ts';
import { PciTable } from './pci-table.tsx';
import { virtualizationLine } from './virtualization.ts';

export function HardwarePage() {
  const api = useApi();
  const hardware = useStore((s) => s.hardware);
  useEffect(() => {
    void api.networks.loadHardware();
  }, [api]);
  const hw = hardware.data;
  return (
    <div class="page" data-testid="hardware-page">
      <ErrorMessage error={hardware.error} testId="hardware-error" />
      {!hw ? (
        <p class="muted">{hardware.loading ? 'Reading the hardware inventory…' : ''}</p>
      ) : (
        <HardwareReportView
          hw={hw}
          loading={hardware.loading}
          onReload={() => void api.networks.loadHardware()}
        />
      )}
    </div>
  );
}

function HardwareReportView(props: { hw: HardwareReport; loading: boolean; onReload: () => void }) {
  const { hw } = props;
  const memUsed = hw.memory.total - hw.memory.available;
  const virt = virtualizationLine(hw.cpu);
  return (
    <>
      <div class="hv-line">
        <span class="muted">
          Inventory of {hw.hostname}, read {formatDateTime(hw.collectedAt)}
        </span>
        <button
          type="button"
          class="btn btn-secondary btn-small"
          disabled={props.loading}
          onClick={props.onReload}
        >
          {props.loading ? 'Reading…' : 'Read again'}
        </button>
      </div>
      {hw.warnings.length > 0 && (
        <div class="alert alert-warn" role="status" data-testid="hardware-warnings">
          <span>Parts of the inventory are missing: {hw.warnings.join(' · ')}</span>
        </div>
      )}
      <div class="grid-3">
        <Card title="Processor" testId="hw-cpu">
          <dl class="kv">
            <dt>Model</dt>
            <dd>{hw.cpu.model}</dd>
            <dt>Vendor</dt>
            <dd>{hw.cpu.vendor}</dd>
            <dt>Sockets / cores / threads</dt>
            <dd>
              {hw.cpu.sockets} / {hw.cpu.cores} / {hw.cpu.threads}
            </dd>
            <dt>Clock</dt>
            <dd>{hw.cpu.mhz > 0 ? `${hw.cpu.mhz} MHz` : '—'}</dd>
            <dt>Virtualization</dt>
            <dd data-testid="hw-virtualization" data-tone={virt.tone}>
              <span class={`badge badge-${virt.tone}`}>{virt.badge}</span>
              <span class="hint virt-text">{virt.text}</span>
            </dd>
          </dl>
        </Card>
        <Card title="Memory" testId="hw-memory">
          <dl class="kv">
            <dt>Total</dt>
            <dd>{formatBytes(hw.memory.total)}</dd>
            <dt>In use</dt>
            <dd>
              <span class="inline-bar">
                <UsageBar percent={percentOf(memUsed, hw.memory.total)} /> {formatBytes(memUsed)} (
                {formatPercent(percentOf(memUsed, hw.memory.total), 0)})
              </span>
            </dd>
            <dt>Swap</dt>
            <dd>
              {hw.memory.swapTotal > 0
                ? `${formatBytes(hw.memory.swapTotal - hw.memory.swapFree)} of ${formatBytes(hw.memory.swapTotal)}`
                : 'none'}
            </dd>
          </dl>
        </Card>
        <Card title="System" testId="hw-system">
          <dl class="kv">
            <dt>OS</dt>
            <dd>
              {hw.os.distro} {hw.os.release}
            </dd>
            <dt>Kernel</dt>
            <dd class="mono">
              {hw.os.kernel} ({hw.os.arch})
            </dd>
            <dt>libvirt</dt>
            <dd>{hw.libvirt.version ? `${hw.libvirt.version} (${hw.libvirt.status})` : hw.libvirt.status}</dd>
            <dt>Management IP</dt>
            <dd class="mono">{hw.managementIp ?? '—'}</dd>
          </dl>
        </Card>
      </div>
      <Card title="Disks" testId="hw-disks">
        <LocalDisks disks={hw.disks} />
      </Card>
      <Card title="Filesystems" testId="hw-filesystems">
        {hw.filesystems.length === 0 ? (
          <p class="muted">None reported.</p>
        ) : (
          <table class="table">
            <thead>
              <tr>
                <th>Mount</th>
                <th>Source</th>
                <th>Type</th>
                <th class="num">Size</th>
                <th class="bar-col">Used</th>
              </tr>
            </thead>
            <tbody>
              {hw.filesystems.map((f) => (
                <tr key={f.mount}>
                  <td class="mono">{f.mount}</td>
                  <td class="mono">{f.source}</td>
                  <td>{f.fstype}</td>
                  <td class="num">{formatBytes(f.size)}</td>
                  <td class="bar-col">
                    <UsageBar percent={percentOf(f.used, f.size)} />
                    <span class="bar-value">{formatPercent(percentOf(f.used, f.size), 0)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="Network interfaces" testId="hw-nics">
        <HostInterfaces interfaces={hw.networkInterfaces} />
      </Card>
      <Card title="GPUs" testId="hw-gpus">
        {hw.gpus.length === 0 ? (
          <p class="muted">None reported.</p>
        ) : (
          <table class="table">
            <thead>
              <tr>
                <th>Vendor</th>
                <th>Model</th>
                <th>Bus</th>
                <th class="num">Memory</th>
              </tr>
            </thead>
            <tbody>
              {hw.gpus.map((g, i) => (
                <tr key={`${g.bus}-${i}`}>
                  <td>{g.vendor}</td>
                  <td>{g.model}</td>
                  <td class="mono">{g.bus}</td>
                  <td class="num">{g.vram === null ? '—' : formatBytes(g.vram)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <PciCard hw={hw} />
    </>
  );
}

function PciCard(props: { hw: HardwareReport }) {
  const [filter, setFilter] = useState('');
  return (
    <Card
      title={`PCI devices (${props.hw.pci.length})`}
      testId="hw-pci"
      actions={
        <input
          type="search"
          placeholder="Filter…"
          aria-label="Filter PCI devices"
          value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)}
          data-testid="pci-filter"
        />
      }
    >
      <PciTable devices={props.hw.pci} filter={filter} />
    </Card>
  );
}
