import type { HardwareReport } from '@quantix/shared';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Loadable } from '../store/app-state.ts';
import { useApi, useStore } from '../store/use-store.ts';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import {
  HypervisorStatus,
  StaleNote,
  useHypervisorAvailable,
  useReloadWhenHypervisorBack,
} from './hypervisor-status.tsx';

/**
 * A page listing one kind of libvirt object (pools, networks) with a Create button, and under it
 * the host hardware that kind lives on. `load` fetches the list; it runs again when libvirt is back.
 */
export function LibvirtListPage<T>(props: {
  testId: string;
  title: string;
  createText: string;
  createTestId: string;
  list: Loadable<readonly T[]>;
  load: () => Promise<unknown>;
  errorTestId: string;
  unavailable: ComponentChildren;
  empty: ComponentChildren;
  table: (data: readonly T[]) => ComponentChildren;
  hardwareTitle: string;
  hardwareTestId: string;
  hardware: (report: HardwareReport) => ComponentChildren;
  dialog: (onClose: () => void) => ComponentChildren;
}) {
  const api = useApi();
  const { list } = props;
  const hardware = useStore((s) => s.hardware);
  const available = useHypervisorAvailable();
  const [creating, setCreating] = useState(false);
  // on mount only, as each page did before: `load` is a fresh closure on every render
  useEffect(() => {
    void props.load();
    void api.networks.loadHardware();
  }, [api]);
  useReloadWhenHypervisorBack(() => void props.load());

  // the banner above already says libvirt is gone; the list's own error would only repeat it
  const error = !available && list.error?.code === 'HYPERVISOR_UNAVAILABLE' ? null : list.error;
  return (
    <div class="page" data-testid={props.testId}>
      <HypervisorStatus />
      <Card
        title={props.title}
        actions={
          <button
            type="button"
            class="btn btn-primary"
            disabled={!available}
            onClick={() => setCreating(true)}
            data-testid={props.createTestId}
          >
            {props.createText}
          </button>
        }
      >
        <ErrorMessage error={error} testId={props.errorTestId} />
        {list.data !== null && <StaleNote what="This list" />}
        {!available && list.data === null ? (
          props.unavailable
        ) : list.data === null ? (
          <p class="muted">{list.loading ? 'Loading…' : ''}</p>
        ) : list.data.length === 0 ? (
          props.empty
        ) : (
          props.table(list.data)
        )}
      </Card>
      <Card title={props.hardwareTitle} testId={props.hardwareTestId}>
        <ErrorMessage error={hardware.error} testId="hardware-error" />
        {hardware.data ? (
          props.hardware(hardware.data)
        ) : (
          <p class="muted">{hardware.loading ? 'Loading…' : ''}</p>
        )}
      </Card>
      {creating && props.dialog(() => setCreating(false))}
    </div>
  );
}
