import type { FirmwareCapabilities } from '@quantix/shared';
import { Field } from '@quantix/shared/ui/components/field.tsx';
import {
  DISK_BUS_CHOICES,
  type FirmwareOffer,
  NIC_MODEL_CHOICES,
  OS_CHOICES,
  osPresetFields,
} from '@quantix/shared/ui/vm/wizard-form.ts';
import { useEffect, useState } from 'preact/hooks';
import { useApi } from '../../store/use-store.ts';
import type { StepProps } from './wizard-steps-hw.tsx';

// Issue 9: the guest OS preset (first field of the wizard), the disk bus and NIC model it chose,
// and firmware, Secure Boot, TPM and the guest agent in the Boot step.

const PROBE_POLL_MS = 2000;

/** What the host offers, re-read while its probe runs; null until known (the host checks alone). */
export function useFirmwareOffer(): { caps: FirmwareCapabilities | null; error: string | null } {
  const api = useApi();
  const [caps, setCaps] = useState<FirmwareCapabilities | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const load = async () => {
      try {
        const c = await api.vmGuest.firmware();
        if (stopped) return;
        setCaps(c);
        setError(null);
        if (c.probing) timer = window.setTimeout(() => void load(), PROBE_POLL_MS);
      } catch (err) {
        if (!stopped) setError((err as Error).message);
      }
    };
    void load();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [api]);
  return { caps, error };
}

export function OsField(props: StepProps & { offer: FirmwareOffer | null }) {
  const { form, set } = props;
  const choice = OS_CHOICES.find((c) => c.value === form.os);
  return (
    <Field id="vm-os" label="Guest OS" class="span-2" hint={choice?.note}>
      <select
        id="vm-os"
        value={form.os ?? 'other'}
        onChange={(e) => {
          const os = OS_CHOICES.find((c) => c.value === e.currentTarget.value)?.value ?? 'other';
          set(osPresetFields(os, props.offer));
        }}
        data-testid="wizard-os"
      >
        {OS_CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function DiskBusField(props: StepProps) {
  const { form, set } = props;
  return (
    <Field id="vm-disk-bus" label="Disk bus" hint="For every disk of the VM; the guest OS chose it.">
      <select
        id="vm-disk-bus"
        value={form.diskBus ?? 'virtio'}
        onChange={(e) =>
          set({ diskBus: DISK_BUS_CHOICES.find((c) => c.value === e.currentTarget.value)?.value })
        }
        data-testid="disk-bus"
      >
        {DISK_BUS_CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function NicModelField(props: StepProps) {
  const { form, set } = props;
  if (form.network === 'none') return null;
  return (
    <Field id="vm-nic-model" label="Network card">
      <select
        id="vm-nic-model"
        value={form.nicModel ?? 'virtio'}
        onChange={(e) =>
          set({ nicModel: NIC_MODEL_CHOICES.find((c) => c.value === e.currentTarget.value)?.value })
        }
        data-testid="nic-model"
      >
        {NIC_MODEL_CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Firmware, Secure Boot, TPM and the agent channel: what the host cannot give is disabled, with why. */
export function FirmwareFields(
  props: StepProps & { caps: FirmwareCapabilities | null; error: string | null },
) {
  const { form, errors, set, caps } = props;
  const off = (f: 'uefi' | 'secureBoot' | 'tpm') => caps !== null && !caps[f].available;
  const reason = (f: 'uefi' | 'secureBoot' | 'tpm') => (caps && !caps[f].available ? caps[f].reason : null);
  // offered, with a warning the host found (UEFI that stops at once under nested KVM)
  const uefiWarning = caps?.uefi.available && caps.virtType === 'kvm' ? caps.uefi.reason : null;
  const uefi = form.firmware === 'uefi';
  return (
    <>
      <Field
        id="vm-firmware"
        label="Firmware"
        error={errors.firmware}
        hint={
          reason('uefi') ??
          (uefi ? uefiWarning : null) ??
          (uefi ? 'OVMF; the VM keeps its own UEFI variables (NVRAM), removed with it.' : 'SeaBIOS')
        }
      >
        <select
          id="vm-firmware"
          value={form.firmware ?? 'bios'}
          onChange={(e) => {
            const firmware = e.currentTarget.value === 'uefi' ? 'uefi' : 'bios';
            set({ firmware, ...(firmware === 'bios' ? { secureBoot: false } : {}) });
          }}
          data-testid="firmware-select"
        >
          <option value="bios">BIOS</option>
          <option value="uefi" disabled={off('uefi')}>
            UEFI
          </option>
        </select>
      </Field>
      <div class="field">
        <span class="label">Security</span>
        <label class="check">
          <input
            type="checkbox"
            checked={uefi && (form.secureBoot ?? false)}
            disabled={!uefi || (off('secureBoot') && !form.secureBoot)}
            onChange={(e) => set({ secureBoot: e.currentTarget.checked })}
            data-testid="secure-boot-checkbox"
          />
          Secure Boot (Microsoft keys enrolled)
        </label>
        {errors.secureBoot ? (
          <span class="field-error" data-testid="vm-secure-boot-error">
            {errors.secureBoot}
          </span>
        ) : (
          reason('secureBoot') && (
            <span class="hint" data-testid="secure-boot-reason">
              {reason('secureBoot')}
            </span>
          )
        )}
        <label class="check">
          <input
            type="checkbox"
            checked={form.tpm ?? false}
            disabled={off('tpm') && !form.tpm}
            onChange={(e) => set({ tpm: e.currentTarget.checked })}
            data-testid="tpm-checkbox"
          />
          TPM 2.0 (emulated by swtpm; Windows 11 needs it)
        </label>
        {errors.tpm ? (
          <span class="field-error" data-testid="vm-tpm-error">
            {errors.tpm}
          </span>
        ) : (
          reason('tpm') && <span class="hint">{reason('tpm')}</span>
        )}
        <label class="check">
          <input
            type="checkbox"
            checked={form.guestAgent ?? true}
            onChange={(e) => set({ guestAgent: e.currentTarget.checked })}
            data-testid="guest-agent-checkbox"
          />
          Guest agent channel (install qemu-guest-agent in the guest)
        </label>
        {caps?.probing && <span class="hint">Checking what this host can run…</span>}
        {props.error && <span class="field-error">Could not read the host's firmware: {props.error}</span>}
      </div>
    </>
  );
}
