import { Field } from '@quantix/shared/ui/components/field.tsx';
import { IsoOptions } from '@quantix/shared/ui/vm/iso-options.tsx';
import type { Errors, IsoOption } from '@quantix/shared/ui/vm/wizard-form.ts';
import type { HubVmForm } from '../../vms/hub-vm-form.ts';

/** Name, size, the disk, the ISO and the network of the VM the hub places. */
export function VmDetailsFields(props: {
  form: HubVmForm;
  errors: Errors;
  isos: readonly IsoOption[];
  onChange: (change: Partial<HubVmForm>) => void;
}) {
  const { form, errors, onChange } = props;
  return (
    <div class="form-grid">
      <Field id="vm-name" label="Name" error={errors.name}>
        <input
          id="vm-name"
          value={form.name}
          onInput={(e) => onChange({ name: e.currentTarget.value })}
          data-testid="vm-name"
        />
      </Field>
      <Field id="vm-vcpus" label="vCPUs" error={errors.vcpus}>
        <input
          id="vm-vcpus"
          inputMode="numeric"
          value={form.vcpus}
          onInput={(e) => onChange({ vcpus: e.currentTarget.value })}
          data-testid="vm-vcpus"
        />
      </Field>
      <Field id="vm-memory" label="Memory (MiB)" error={errors.memoryMiB}>
        <input
          id="vm-memory"
          inputMode="numeric"
          value={form.memoryMiB}
          onInput={(e) => onChange({ memoryMiB: e.currentTarget.value })}
          data-testid="vm-memory"
        />
      </Field>
      <Field id="vm-disk-pool" label="Disk pool" error={errors['disk-0-pool']}>
        <select
          id="vm-disk-pool"
          value={form.diskPool}
          onChange={(e) => onChange({ diskPool: e.currentTarget.value })}
          data-testid="vm-disk-pool"
        >
          {form.pools.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </Field>
      <Field id="vm-disk-size" label="Disk size (GiB)" error={errors['disk-0-size'] ?? errors.disks}>
        <input
          id="vm-disk-size"
          inputMode="decimal"
          value={form.diskSizeGiB}
          onInput={(e) => onChange({ diskSizeGiB: e.currentTarget.value })}
          data-testid="vm-disk-size"
        />
      </Field>
      <Field
        id="vm-iso"
        label="ISO image"
        error={errors.cdrom ?? errors.bootOrder}
        hint="Boots from it first when chosen."
      >
        <select
          id="vm-iso"
          value={form.cdrom}
          onChange={(e) => onChange({ cdrom: e.currentTarget.value })}
          data-testid="vm-iso"
        >
          <option value="">None</option>
          <IsoOptions isos={props.isos} />
        </select>
      </Field>
      <Field id="vm-network" label="Network" error={errors.network}>
        <select
          id="vm-network"
          value={form.network}
          onChange={(e) => onChange({ network: e.currentTarget.value })}
          data-testid="vm-network"
        >
          <option value="network:default">libvirt network "default"</option>
          <option value="bridge">A host bridge…</option>
          <option value="user">User-mode (NAT inside QEMU)</option>
          <option value="none">No network</option>
        </select>
      </Field>
      {form.network === 'bridge' && (
        <Field id="vm-bridge" label="Bridge" error={errors.bridge}>
          <input
            id="vm-bridge"
            value={form.bridge}
            placeholder="br0"
            onInput={(e) => onChange({ bridge: e.currentTarget.value })}
          />
        </Field>
      )}
    </div>
  );
}
