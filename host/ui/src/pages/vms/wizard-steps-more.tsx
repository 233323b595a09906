import type { HardwareReport, NetworkSummary } from '@quantix/shared';
import { Field } from '@quantix/shared/ui/components/field.tsx';
import { Link } from '@quantix/shared/ui/components/link.tsx';
import { formatBytes, formatMiB } from '@quantix/shared/ui/format/format-bytes.ts';
import type { ErrorInfo } from '../../store/app-state.ts';
import type { StepProps } from './wizard-steps-hw.tsx';
import { FirmwareFields, NicModelField } from './wizard-steps-os.tsx';
import type { FirmwareCapabilities } from '@quantix/shared';
import { IsoOptions } from '@quantix/shared/ui/vm/iso-options.tsx';
import {
  BOOT_CHOICES,
  DISK_BUS_CHOICES,
  describeNetwork,
  NIC_MODEL_CHOICES,
  OS_CHOICES,
  GiB,
  type IsoOption,
  networkRef,
  parseGiB,
  withCdrom,
  type WizardForm,
} from '@quantix/shared/ui/vm/wizard-form.ts';

export function CdromStep(props: StepProps & { isos: readonly IsoOption[]; loading: boolean }) {
  const { form, errors, set } = props;
  return (
    <div class="wizard-grid">
      <Field
        id="vm-cdrom"
        label="ISO image (optional)"
        error={errors.cdrom}
        class="span-2"
        hint={
          props.isos.length === 0 && !props.loading ? (
            <>
              No ISO images in any running pool. Upload one in a pool's Files tab on the{' '}
              <Link href="/storage">Storage</Link> page.
            </>
          ) : (
            'The VM gets a CD-ROM drive with this image inserted.'
          )
        }
      >
        <select
          id="vm-cdrom"
          value={form.cdrom}
          onChange={(e) => set(withCdrom(form, e.currentTarget.value))}
          data-testid="cdrom-volume"
        >
          <option value="">{props.loading ? 'Loading…' : 'No CD-ROM'}</option>
          <IsoOptions isos={props.isos} />
        </select>
      </Field>
    </div>
  );
}

export function NetworkStep(
  props: StepProps & {
    networks: readonly NetworkSummary[] | null;
    networksLoading: boolean;
    interfaces: HardwareReport['networkInterfaces'] | null;
    interfacesError: ErrorInfo | null;
  },
) {
  const { form, errors, set } = props;
  const networks = props.networks ?? [];
  return (
    <div class="wizard-grid">
      <Field id="vm-network" label="Connect to" error={errors.network}>
        <select
          id="vm-network"
          value={form.network}
          onChange={(e) => set({ network: e.currentTarget.value })}
          data-testid="network-select"
        >
          {form.network === '' && (
            <option value="">{props.networksLoading ? 'Loading the networks…' : 'Choose…'}</option>
          )}
          {networks.length > 0 && (
            <optgroup label="libvirt networks">
              {networks.map((n) => (
                <option key={n.name} value={`network:${n.name}`}>
                  {n.name} ({n.mode}
                  {n.ipv4 ? `, ${n.ipv4}` : ''}){n.active ? '' : ' — inactive'}
                </option>
              ))}
            </optgroup>
          )}
          <optgroup label="Other">
            <option value="bridge">A host bridge…</option>
            <option value="user">User-mode networking (NAT inside QEMU)</option>
            <option value="none">No network card</option>
          </optgroup>
        </select>
      </Field>
      <NicModelField form={form} errors={errors} set={set} />
      {form.network === 'bridge' && (
        <Field
          id="vm-bridge"
          label="Host bridge"
          error={errors.bridge}
          hint={
            props.interfacesError
              ? `Could not list the host's interfaces: ${props.interfacesError.message}`
              : 'The VM joins the host network through this bridge (e.g. br0).'
          }
        >
          <input
            id="vm-bridge"
            list="vm-bridge-list"
            value={form.bridge}
            autoComplete="off"
            onInput={(e) => set({ bridge: e.currentTarget.value })}
            data-testid="bridge-name"
          />
          <datalist id="vm-bridge-list">
            {(props.interfaces ?? [])
              .filter((i) => i.virtual)
              .map((i) => (
                <option key={i.name} value={i.name} />
              ))}
          </datalist>
        </Field>
      )}
    </div>
  );
}

export function BootStep(
  props: StepProps & { firmware?: { caps: FirmwareCapabilities | null; error: string | null } },
) {
  const { form, errors, set } = props;
  return (
    <div class="wizard-grid">
      <Field id="vm-boot" label="Boot order" error={errors.bootOrder}>
        <select
          id="vm-boot"
          value={form.bootOrder}
          onChange={(e) => set({ bootOrder: e.currentTarget.value })}
          data-testid="boot-order"
        >
          {BOOT_CHOICES.map((c) => (
            <option key={c.value} value={c.value} disabled={c.value.includes('cdrom') && form.cdrom === ''}>
              {c.label}
            </option>
          ))}
        </select>
      </Field>
      <div class="field">
        <span class="label">Autostart</span>
        <label class="check">
          <input
            type="checkbox"
            checked={form.autostart}
            onChange={(e) => set({ autostart: e.currentTarget.checked })}
            data-testid="autostart-checkbox"
          />
          Start this VM when the host boots
        </label>
      </div>
      <FirmwareFields
        form={form}
        errors={errors}
        set={set}
        caps={props.firmware?.caps ?? null}
        error={props.firmware?.error ?? null}
      />
    </div>
  );
}

export function ReviewStep(props: { form: WizardForm }) {
  const { form } = props;
  const net = networkRef(form);
  return (
    <dl class="kv" data-testid="wizard-review">
      <dt>Name</dt>
      <dd>{form.name.trim()}</dd>
      {form.os && (
        <>
          <dt>Guest OS</dt>
          <dd data-testid="review-os">{OS_CHOICES.find((c) => c.value === form.os)?.label ?? form.os}</dd>
          <dt>Firmware</dt>
          <dd data-testid="review-firmware">
            {form.firmware === 'uefi' ? `UEFI${form.secureBoot ? ' with Secure Boot' : ''}` : 'BIOS'}
            {form.tpm ? ', TPM 2.0' : ''}
            {form.guestAgent === false ? '' : ', guest agent channel'}
          </dd>
          <dt>Disk bus, network card</dt>
          <dd>
            {DISK_BUS_CHOICES.find((c) => c.value === form.diskBus)?.value ?? 'virtio'},{' '}
            {NIC_MODEL_CHOICES.find((c) => c.value === form.nicModel)?.value ?? 'virtio'}
          </dd>
        </>
      )}
      <dt>vCPUs</dt>
      <dd>{form.vcpus}</dd>
      <dt>Memory</dt>
      <dd>{formatMiB(Number(form.memoryMiB))}</dd>
      <dt>Disks</dt>
      <dd>
        <ul class="plain-list">
          {form.disks.map((d, i) => (
            <li key={i}>
              {formatBytes((parseGiB(d.sizeGiB) ?? 0) * GiB)} {d.format} in pool {d.pool}
            </li>
          ))}
        </ul>
      </dd>
      <dt>CD-ROM</dt>
      <dd>{form.cdrom ? form.cdrom.replace('/', ' / ') : 'none'}</dd>
      <dt>Network</dt>
      <dd>{describeNetwork(net)}</dd>
      <dt>Boot order</dt>
      <dd>{BOOT_CHOICES.find((c) => c.value === form.bootOrder)?.label ?? form.bootOrder}</dd>
      <dt>Autostart</dt>
      <dd>{form.autostart ? 'yes' : 'no'}</dd>
      {form.description.trim() && (
        <>
          <dt>Description</dt>
          <dd>{form.description.trim()}</dd>
        </>
      )}
    </dl>
  );
}
