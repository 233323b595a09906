import type { VmDetail } from '@quantix/shared';
import { useState } from 'preact/hooks';
import { BusyButton } from '@quantix/shared/ui/components/busy-button.tsx';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { UsageBar } from '@quantix/shared/ui/components/usage-bar.tsx';
import { formatMiB, formatPercent, percentOf } from '@quantix/shared/ui/format/format-bytes.ts';
import { useApi } from '../../store/use-store.ts';
import { DeleteVmDialog } from './delete-vm-dialog.tsx';
import { ActionMenu } from '@quantix/shared/ui/components/action-menu.tsx';
import { useVmTemplateActions } from './vm-template-actions.tsx';
import { useVmPower } from '@quantix/shared/ui/vm/use-vm-power.ts';
import {
  ACTION_BUSY,
  ACTION_ORDER,
  actionButtonLabel,
  canDelete,
  isActionAllowed,
} from '@quantix/shared/ui/vm/vm-actions.ts';
import { VmPowerNotices } from '@quantix/shared/ui/vm/vm-power-notices.tsx';
import { VmStateBadge } from '@quantix/shared/ui/vm/vm-state-badge.tsx';

/** The VM's power actions, autostart, delete and live usage. */
export function VmSummaryCard(props: { vm: VmDetail; onDeleted: () => void }) {
  const api = useApi();
  const { vm } = props;
  const power = useVmPower(vm, (action) => api.vms.action(vm.uuid, action));
  const { busy } = power;
  const [deleting, setDeleting] = useState(false);
  const more = useVmTemplateActions(vm);

  const diskCount = vm.disks.filter((d) => d.device === 'disk').length;
  const memPct = vm.memoryUsedMiB === null ? null : percentOf(vm.memoryUsedMiB, vm.memoryMiB);
  return (
    <Card
      title={vm.template ? `${vm.name} (template)` : vm.name}
      testId="vm-summary"
      actions={<VmStateBadge state={vm.state} />}
    >
      <div class="button-row">
        {ACTION_ORDER.map((a) => (
          <BusyButton
            key={a}
            busy={busy === a}
            busyText={ACTION_BUSY[a]}
            disabled={busy !== null || !isActionAllowed(a, vm.state) || (a === 'start' && vm.template)}
            variant={a === 'destroy' || a === 'reset' ? 'danger' : a === 'start' ? 'primary' : 'secondary'}
            testId={`vm-action-${a}`}
            onClick={() => power.request(a)}
          >
            {actionButtonLabel(a)}
          </BusyButton>
        ))}
        <span class="spacer" />
        <ActionMenu items={more.items} busyText={null} label="More" testId="vm-more-menu" />
        <button
          type="button"
          class="btn btn-danger"
          disabled={busy !== null || !canDelete(vm.state)}
          title={canDelete(vm.state) ? undefined : 'Power the VM off first'}
          onClick={() => setDeleting(true)}
          data-testid="vm-delete"
        >
          Delete…
        </button>
      </div>
      <VmPowerNotices power={power} name={vm.name} errorTestId="vm-action-error" />
      <dl class="kv kv-cols">
        <dt>vCPUs</dt>
        <dd>{vm.vcpus}</dd>
        <dt>Memory</dt>
        <dd>{formatMiB(vm.memoryMiB)}</dd>
        <dt>CPU usage</dt>
        <dd data-testid="vm-cpu">
          {vm.cpuPercent === null ? (
            '—'
          ) : (
            <span class="inline-bar">
              <UsageBar percent={vm.cpuPercent} /> {formatPercent(vm.cpuPercent)}
            </span>
          )}
        </dd>
        <dt>Memory used</dt>
        <dd data-testid="vm-memory">
          {vm.memoryUsedMiB === null || memPct === null ? (
            '—'
          ) : (
            <span class="inline-bar">
              <UsageBar percent={memPct} /> {formatMiB(vm.memoryUsedMiB)} of {formatMiB(vm.memoryMiB)}
            </span>
          )}
        </dd>
        <dt>Autostart</dt>
        <dd>
          <label class="check">
            <input
              type="checkbox"
              checked={vm.autostart}
              disabled={busy !== null || !vm.persistent}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                void power.act('autostart', () => api.vms.setAutostart(vm.uuid, on));
              }}
              data-testid="vm-autostart"
            />
            {busy === 'autostart' ? 'Saving…' : 'Start with the host'}
          </label>
        </dd>
        <dt>UUID</dt>
        <dd class="mono">{vm.uuid}</dd>
        {vm.description && (
          <>
            <dt>Description</dt>
            <dd>{vm.description}</dd>
          </>
        )}
      </dl>
      {more.dialogs}
      {deleting && (
        <DeleteVmDialog
          vm={{ uuid: vm.uuid, name: vm.name, disks: diskCount }}
          onDone={() => {
            setDeleting(false);
            props.onDeleted();
          }}
          onCancel={() => setDeleting(false)}
        />
      )}
    </Card>
  );
}
