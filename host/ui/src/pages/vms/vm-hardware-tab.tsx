import type { VmDetail, VmDisk, VmHardware, VmHardwareConfig, VmHardwareNic } from '@quantix/shared';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { formatBytes, formatMiB } from '@quantix/shared/ui/format/format-bytes.ts';
import { describeVmCpu } from '@quantix/shared/ui/vm/cpu-options.ts';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useApi, useStore } from '../../store/use-store.ts';
import {
  AutostartDialog,
  BootOrderDialog,
  bootText,
  CpuTypeDialog,
  DescriptionDialog,
  MemoryDialog,
  ProcessorsDialog,
} from './vm-hardware-dialogs.tsx';
import { DiskAddDialog, DiskEditDialog, NicDialog } from './vm-hardware-devices.tsx';

type Open =
  | {
      kind:
        | 'processors'
        | 'memory'
        | 'cpu'
        | 'boot'
        | 'description'
        | 'autostart'
        | 'add-disk'
        | 'add-cdrom'
        | 'add-nic';
    }
  | { kind: 'disk'; disk: VmDisk }
  | { kind: 'nic'; nic: VmHardwareNic };

const processors = (c: VmHardwareConfig) => {
  const t = c.topology;
  const shape = t
    ? ` (${t.sockets} socket${t.sockets > 1 ? 's' : ''} × ${t.cores} core${t.cores > 1 ? 's' : ''}${t.threads > 1 ? ` × ${t.threads} threads` : ''})`
    : '';
  return `${c.vcpus}${c.vcpus !== c.maxVcpus ? ` of ${c.maxVcpus}` : ''} vCPU${c.maxVcpus > 1 ? 's' : ''}${shape}`;
};
const memory = (c: VmHardwareConfig) =>
  `${formatMiB(c.memoryMiB)}${c.currentMemoryMiB !== c.memoryMiB ? ` (balloon ${formatMiB(c.currentMemoryMiB)})` : ''}`;
const diskText = (d: VmDisk) =>
  `${d.volume ? `${d.pool}/${d.volume}` : (d.source ?? 'empty')}${d.capacity !== null ? `, ${formatBytes(d.capacity)}` : ''} · ${d.bus ?? '?'}${d.format && d.device === 'disk' ? ` · ${d.format}` : ''}`;
const nicText = (n: VmHardwareNic) =>
  `${n.type === 'user' ? 'user mode' : `${n.type} ${n.source ?? ''}`} · ${n.model ?? 'default'} · ${n.mac ?? ''}${n.link === 'down' ? ' · link down' : ''}`;

/**
 * One row of the hardware list. While the VM runs and the persistent value differs from the
 * running one, the new value shows in orange ("pending") with what runs now beside it.
 */
function Row(props: {
  item: string;
  label: string;
  value: string;
  running?: string | null;
  pending: boolean;
  removed?: boolean;
  onEdit?: () => void;
  children?: ComponentChildren;
}) {
  return (
    <tr data-testid="hw-row" data-item={props.item} data-pending={props.pending ? 'yes' : 'no'}>
      <th scope="row">{props.label}</th>
      <td>
        {props.removed ? (
          <s class="muted">{props.value}</s>
        ) : (
          <span
            class={props.pending ? 'hw-value hw-pending' : 'hw-value'}
            style={props.pending ? { color: 'var(--warn)', fontWeight: 600 } : undefined}
          >
            {props.value}
          </span>
        )}
        {props.pending && (
          <>
            {' '}
            <span class="badge badge-warning" title="Applied at the next start" data-testid="hw-pending">
              {props.removed ? 'removed at next start' : 'pending'}
            </span>
            {props.running != null && !props.removed && <span class="hint"> now: {props.running}</span>}
          </>
        )}
        {props.children}
      </td>
      <td class="actions">
        {props.onEdit && (
          <button
            type="button"
            class="btn btn-secondary btn-small"
            onClick={props.onEdit}
            data-testid={`hw-edit-${props.item}`}
          >
            Edit
          </button>
        )}
      </td>
    </tr>
  );
}

/** The VM page's Hardware tab: what the VM has, what changes at its next start, and the edits. */
export function VmHardwarePanel(props: { vm: VmDetail }) {
  const api = useApi();
  const { uuid } = props.vm;
  const state = useStore((s) => s.vmHardware);
  useEffect(() => api.hardware.watch(uuid), [api, uuid]);
  const [open, setOpen] = useState<Open | null>(null);
  const [notes, setNotes] = useState<string[]>([]);
  const hw: VmHardware | null = state.data?.uuid === uuid ? state.data : null;
  if (!hw) {
    return (
      <div data-testid="vm-hardware">
        <ErrorMessage error={state.error} testId="hw-error" />
        {state.loading && <p class="muted">Loading…</p>}
      </div>
    );
  }
  const c = hw.config;
  const l = hw.live;
  const p = (item: string) => hw.pending.includes(item);
  const done = (n: string[]) => {
    setOpen(null);
    setNotes(n);
  };
  const close = () => setOpen(null);
  const dialog = { hw, onDone: done, onCancel: close };
  const removedDisks = l ? l.disks.filter((d) => !c.disks.some((x) => x.target === d.target)) : [];
  const removedNics = l ? l.nics.filter((n) => !c.nics.some((x) => x.mac === n.mac)) : [];

  return (
    <div data-testid="vm-hardware" data-pending={hw.pending.join(' ')}>
      <div class="button-row">
        <button
          type="button"
          class="btn btn-secondary btn-small"
          onClick={() => setOpen({ kind: 'add-disk' })}
          data-testid="hw-add-disk"
        >
          Add disk
        </button>
        <button
          type="button"
          class="btn btn-secondary btn-small"
          onClick={() => setOpen({ kind: 'add-cdrom' })}
          data-testid="hw-add-cdrom"
        >
          Add CD-ROM drive
        </button>
        <button
          type="button"
          class="btn btn-secondary btn-small"
          onClick={() => setOpen({ kind: 'add-nic' })}
          data-testid="hw-add-nic"
        >
          Add network interface
        </button>
        {hw.pending.length > 0 && (
          <span class="hint" data-testid="hw-pending-summary">
            Values in orange are pending: they apply when the VM next starts (a reboot inside the guest is not
            enough).
          </span>
        )}
      </div>
      {notes.length > 0 && (
        <div class="alert alert-info" role="status" data-testid="hw-notes">
          <ul class="plain-list">
            {notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </div>
      )}
      <ErrorMessage error={state.error} testId="hw-error" />
      <table class="table" data-testid="hw-table">
        <tbody>
          <Row
            item="processors"
            label="Processors"
            value={processors(c)}
            running={l ? processors(l) : null}
            pending={p('vcpus') || p('maxVcpus') || p('topology')}
            onEdit={() => setOpen({ kind: 'processors' })}
          />
          <Row
            item="memory"
            label="Memory"
            value={memory(c)}
            running={l ? memory(l) : null}
            pending={p('memory') || p('currentMemory')}
            onEdit={() => setOpen({ kind: 'memory' })}
          />
          <Row
            item="cpu"
            label="CPU type"
            value={describeVmCpu(c.cpu)}
            running={l ? describeVmCpu(l.cpu) : null}
            pending={p('cpu')}
            onEdit={() => setOpen({ kind: 'cpu' })}
          />
          {c.disks.map((d) => {
            const was = l?.disks.find((x) => x.target === d.target);
            return (
              <Row
                key={d.target}
                item={`disk-${d.target}`}
                label={`${d.device === 'cdrom' ? 'CD/DVD drive' : 'Hard disk'} (${d.target})`}
                value={diskText(d)}
                running={was ? diskText(was) : l ? 'not attached' : null}
                pending={p(`disk:${d.target}`)}
                onEdit={() => setOpen({ kind: 'disk', disk: d })}
              />
            );
          })}
          {removedDisks.map((d) => (
            <Row
              key={`gone-${d.target}`}
              item={`disk-${d.target}`}
              label={`${d.device === 'cdrom' ? 'CD/DVD drive' : 'Hard disk'} (${d.target})`}
              value={diskText(d)}
              pending
              removed
            />
          ))}
          {c.nics.map((n, i) => {
            const was = l?.nics.find((x) => x.mac === n.mac);
            return (
              <Row
                key={n.mac ?? i}
                item={`nic-${n.mac ?? i}`}
                label={`Network device ${i}`}
                value={nicText(n)}
                running={was ? nicText(was) : l ? 'not attached' : null}
                pending={p(`nic:${n.mac ?? ''}`)}
                onEdit={() => setOpen({ kind: 'nic', nic: n })}
              />
            );
          })}
          {removedNics.map((n) => (
            <Row
              key={`gone-${n.mac}`}
              item={`nic-${n.mac}`}
              label="Network device"
              value={nicText(n)}
              pending
              removed
            />
          ))}
          <Row
            item="boot"
            label="Boot order"
            value={bootText(c.bootOrder)}
            running={l ? bootText(l.bootOrder) : null}
            pending={p('bootOrder')}
            onEdit={() => setOpen({ kind: 'boot' })}
          />
          <Row
            item="autostart"
            label="Start at boot"
            value={
              hw.autostart.enabled
                ? `yes${hw.autostart.order !== null ? `, order ${hw.autostart.order}` : ''}${hw.autostart.delaySeconds ? `, then wait ${hw.autostart.delaySeconds} s` : ''}${startedBy(hw.autostartBy)}`
                : 'no'
            }
            pending={false}
            onEdit={() => setOpen({ kind: 'autostart' })}
          />
          <Row
            item="description"
            label="Description"
            value={c.description || '—'}
            running={l ? l.description || '—' : null}
            pending={p('description')}
            onEdit={() => setOpen({ kind: 'description' })}
          />
          <Row
            item="machine"
            label="Machine"
            value={`${props.vm.os.type}${props.vm.os.arch ? ` · ${props.vm.os.arch}` : ''}${props.vm.os.machine ? ` · ${props.vm.os.machine}` : ''}`}
            pending={false}
          />
          <Row
            item="graphics"
            label="Display"
            value={
              props.vm.graphics.length === 0
                ? 'none (no console)'
                : props.vm.graphics
                    .map(
                      (g) =>
                        `${g.type.toUpperCase()}${g.port ? ` on ${g.listen ?? '127.0.0.1'}:${g.port}` : ''}`,
                    )
                    .join(', ')
            }
            pending={false}
          />
        </tbody>
      </table>
      {open?.kind === 'processors' && <ProcessorsDialog {...dialog} />}
      {open?.kind === 'memory' && <MemoryDialog {...dialog} />}
      {open?.kind === 'cpu' && <CpuTypeDialog {...dialog} />}
      {open?.kind === 'boot' && <BootOrderDialog {...dialog} />}
      {open?.kind === 'description' && <DescriptionDialog {...dialog} />}
      {open?.kind === 'autostart' && <AutostartDialog {...dialog} />}
      {open?.kind === 'add-disk' && <DiskAddDialog {...dialog} cdrom={false} />}
      {open?.kind === 'add-cdrom' && <DiskAddDialog {...dialog} cdrom />}
      {open?.kind === 'add-nic' && <NicDialog {...dialog} />}
      {open?.kind === 'disk' && <DiskEditDialog {...dialog} disk={open.disk} />}
      {open?.kind === 'nic' && <NicDialog {...dialog} nic={open.nic} />}
    </div>
  );
}

/** Which mechanism starts the VM at boot (see host/src/vms/vm-start-at-boot.ts). */
function startedBy(by: 'libvirt' | 'host' | null | undefined): string {
  if (by === 'host') return ' (started by the Quantix host, in order, once per boot)';
  if (by === 'libvirt') return ' (libvirt autostart: started by libvirtd when it starts, unordered)';
  return '';
}
