import type { VmSummary } from '@quantix/shared';
import { useState } from 'preact/hooks';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import type { MenuItem } from '@quantix/shared/ui/components/action-menu.tsx';
import { ConfirmDialog } from '@quantix/shared/ui/components/confirm-dialog.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import type { ErrorInfo } from '../../store/app-state.ts';
import { useApi } from '../../store/use-store.ts';
import { CloneVmDialog } from './clone-vm-dialog.tsx';

type Open = { kind: 'clone'; mode: 'full' | 'linked' } | { kind: 'template' } | null;

/**
 * Clone, "Convert to template" and, for a template, "New VM from template" (full or linked): the
 * menu items and the dialogs they open. Cloning and converting need the VM shut off.
 */
export function useVmTemplateActions(vm: Pick<VmSummary, 'uuid' | 'name' | 'state' | 'template'>) {
  const api = useApi();
  const [open, setOpen] = useState<Open>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const off = vm.state === 'shutoff' || vm.state === 'crashed';
  const offHint = off ? undefined : 'Shut the VM down first';

  const items: MenuItem[] = vm.template
    ? [
        {
          label: 'New VM from template (linked)…',
          testId: 'vm-from-template-linked',
          onSelect: () => setOpen({ kind: 'clone', mode: 'linked' }),
        },
        {
          label: 'New VM from template (full)…',
          testId: 'vm-from-template-full',
          onSelect: () => setOpen({ kind: 'clone', mode: 'full' }),
        },
      ]
    : [
        {
          label: 'Clone…',
          testId: 'vm-clone',
          disabled: !off,
          hint: offHint,
          onSelect: () => setOpen({ kind: 'clone', mode: 'full' }),
        },
        {
          label: 'Convert to template…',
          testId: 'vm-make-template',
          disabled: !off,
          hint: offHint,
          onSelect: () => setOpen({ kind: 'template' }),
        },
      ];

  async function convert() {
    setBusy(true);
    setError(null);
    try {
      await api.vms.makeTemplate(vm.uuid);
      setOpen(null);
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setBusy(false);
    }
  }

  const dialogs =
    open?.kind === 'clone' ? (
      <CloneVmDialog
        vm={vm}
        mode={open.mode}
        onDone={(uuid) => {
          setOpen(null);
          api.nav.navigate(`/vms/${uuid}`);
        }}
        onCancel={() => setOpen(null)}
      />
    ) : open?.kind === 'template' ? (
      <ConfirmDialog
        title={`Convert "${vm.name}" into a template?`}
        confirmText="Convert to template"
        busyText="Converting…"
        busy={busy}
        onConfirm={() => void convert()}
        onCancel={() => setOpen(null)}
      >
        <p>
          A template is never started again: new VMs are made from it, as full copies or as linked clones that
          share its disks. This cannot be undone.
        </p>
        <ErrorMessage error={error} testId="template-error" />
      </ConfirmDialog>
    ) : null;
  return { items, dialogs };
}
