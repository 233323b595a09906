import type { NetworkMode } from '@quantix/shared';
import { useState } from 'preact/hooks';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { Field } from '@quantix/shared/ui/components/field.tsx';
import { FormDialog } from '@quantix/shared/ui/components/form-dialog.tsx';
import type { ErrorInfo } from '../../store/app-state.ts';
import { useApi } from '../../store/use-store.ts';
import {
  emptyNetworkForm,
  type NetworkForm,
  suggestBridge,
  toNetworkRequest,
  validateNetworkForm,
} from './network-form.ts';

export function NetworkCreateDialog(props: { onClose: () => void }) {
  const api = useApi();
  const [form, setForm] = useState<NetworkForm>(emptyNetworkForm);
  const [bridgeEdited, setBridgeEdited] = useState(false);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const errors = touched ? validateNetworkForm(form) : {};
  const set = (change: Partial<NetworkForm>) => setForm((f) => ({ ...f, ...change }));
  const text = (key: 'address' | 'prefix' | 'dhcpStart' | 'dhcpEnd') => ({
    id: `net-${key}`,
    value: form[key],
    'aria-invalid': errors[key] ? true : undefined,
    onInput: (e: Event) => set({ [key]: (e.currentTarget as HTMLInputElement).value }),
    'data-testid': `net-${key}`,
  });

  async function submit() {
    setTouched(true);
    if (Object.keys(validateNetworkForm(form)).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      await api.networks.create(toNetworkRequest(form));
      props.onClose();
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  return (
    <FormDialog
      title="Create a virtual network"
      submitText="Create network"
      busyText="Creating…"
      busy={busy}
      error={error}
      onSubmit={() => void submit()}
      onCancel={props.onClose}
      testId="network-create-dialog"
      submitTestId="network-create-submit"
      wide
    >
      <div class="form-grid">
        <Field id="net-name" label="Name" error={errors.name}>
          <input
            id="net-name"
            value={form.name}
            onInput={(e) => {
              const name = e.currentTarget.value;
              set(bridgeEdited ? { name } : { name, bridge: suggestBridge(name) });
            }}
            data-testid="net-name"
          />
        </Field>
        <Field
          id="net-mode"
          label="Mode"
          hint={
            form.mode === 'nat'
              ? 'Guests reach outside through the host (NAT).'
              : 'Guests see only each other and the host.'
          }
        >
          <select
            id="net-mode"
            value={form.mode}
            onChange={(e) => set({ mode: e.currentTarget.value as NetworkMode })}
            data-testid="net-mode"
          >
            <option value="nat">NAT</option>
            <option value="isolated">Isolated</option>
          </select>
        </Field>
        <Field
          id="net-bridge"
          label="Bridge device"
          error={errors.bridge}
          hint="Created by libvirt on this host."
        >
          <input
            id="net-bridge"
            value={form.bridge}
            onInput={(e) => {
              setBridgeEdited(true);
              set({ bridge: e.currentTarget.value });
            }}
            data-testid="net-bridge"
          />
        </Field>
        <div class="field">
          <span class="label">IPv4</span>
          <label class="check">
            <input
              type="checkbox"
              checked={form.withIpv4}
              onChange={(e) => set({ withIpv4: e.currentTarget.checked })}
              data-testid="net-ipv4"
            />
            Address and DHCP
          </label>
        </div>
        {form.withIpv4 && (
          <>
            <Field id="net-address" label="Host address" error={errors.address}>
              <input {...text('address')} />
            </Field>
            <Field id="net-prefix" label="Prefix length" error={errors.prefix}>
              <input {...text('prefix')} type="number" min={8} max={30} />
            </Field>
            <Field id="net-dhcpStart" label="DHCP from" error={errors.dhcpStart}>
              <input {...text('dhcpStart')} />
            </Field>
            <Field id="net-dhcpEnd" label="DHCP to" error={errors.dhcpEnd}>
              <input {...text('dhcpEnd')} />
            </Field>
          </>
        )}
      </div>
    </FormDialog>
  );
}
