import type { PoolSummary, VolumeFormat } from '@quantix/shared';
import { Field } from '@quantix/shared/ui/components/field.tsx';
import { formatBytes, formatMiB } from '@quantix/shared/ui/format/format-bytes.ts';
import { wizardCpuValue, wizardSelectValue } from '@quantix/shared/ui/vm/cpu-options.ts';
import { CpuSelect, useCpuCapabilities } from './cpu-select.tsx';
import { DiskBusField, OsField } from './wizard-steps-os.tsx';
import {
  type DiskForm,
  type Errors,
  type FirmwareOffer,
  GiB,
  MAX_DISKS,
  parseGiB,
  poolNeeds,
  type WizardForm,
} from '@quantix/shared/ui/vm/wizard-form.ts';
import type { ImageOption } from '@quantix/shared/ui/vm/wizard-cloud-init.ts';
import { DiskSourceField } from './wizard-steps-cloud-init.tsx';

export interface StepProps {
  form: WizardForm;
  errors: Errors;
  set: (change: Partial<WizardForm>) => void;
}

const invalid = (e: string | undefined) => (e ? true : undefined);

export function BasicsStep(props: StepProps & { offer?: FirmwareOffer | null }) {
  const { form, errors, set } = props;
  const mib = Number(form.memoryMiB);
  return (
    <div class="wizard-grid">
      <OsField form={form} errors={errors} set={set} offer={props.offer ?? null} />
      <Field id="vm-name" label="Name" error={errors.name} hint="Letters, digits, “_”, “.” and “-”.">
        <input
          id="vm-name"
          value={form.name}
          autoComplete="off"
          aria-invalid={invalid(errors.name)}
          onInput={(e) => set({ name: e.currentTarget.value })}
          data-testid="wizard-name"
        />
      </Field>
      <Field id="vm-vcpus" label="vCPUs" error={errors.vcpus}>
        <input
          id="vm-vcpus"
          type="number"
          min={1}
          max={64}
          value={form.vcpus}
          aria-invalid={invalid(errors.vcpus)}
          onInput={(e) => set({ vcpus: e.currentTarget.value })}
          data-testid="wizard-vcpus"
        />
      </Field>
      <Field
        id="vm-memory"
        label="Memory (MiB)"
        error={errors.memoryMiB}
        hint={Number.isFinite(mib) && mib > 0 ? `= ${formatMiB(mib)}` : undefined}
      >
        <input
          id="vm-memory"
          type="number"
          min={64}
          step={256}
          value={form.memoryMiB}
          aria-invalid={invalid(errors.memoryMiB)}
          onInput={(e) => set({ memoryMiB: e.currentTarget.value })}
          data-testid="wizard-memory"
        />
      </Field>
      <CpuField form={form} set={set} />
      <Field id="vm-description" label="Description (optional)" error={errors.description} class="span-2">
        <input
          id="vm-description"
          value={form.description}
          maxLength={1024}
          onInput={(e) => set({ description: e.currentTarget.value })}
          data-testid="wizard-description"
        />
      </Field>
    </div>
  );
}

/** The guest CPU: the host's default (said which it is) unless the user picks another. */
function CpuField(props: Pick<StepProps, 'form' | 'set'>) {
  const caps = useCpuCapabilities();
  return (
    <div class="field span-2" data-testid="wizard-cpu">
      <label for="vm-cpu">CPU</label>
      <CpuSelect
        id="vm-cpu"
        caps={caps}
        value={wizardSelectValue(props.form.cpu, caps.data)}
        onChange={(key) => props.set({ cpu: wizardCpuValue(key, caps.data) })}
      />
    </div>
  );
}

export function DisksStep(
  props: StepProps & {
    pools: readonly PoolSummary[] | null;
    poolsLoading: boolean;
    /** disk images and volumes a disk can come from (wizard-steps-cloud-init.tsx) */
    images?: readonly ImageOption[];
  },
) {
  const { form, errors, set } = props;
  const pools = props.pools ?? [];
  const need = poolNeeds(form.disks);
  const setDisk = (i: number, change: Partial<DiskForm>) =>
    set({ disks: form.disks.map((d, j) => (j === i ? { ...d, ...change } : d)) });

  if (props.pools !== null && pools.length === 0) {
    return (
      <p class="muted" data-testid="wizard-no-pools">
        There is no storage pool to put a disk in. Create one on the Storage page first.
      </p>
    );
  }
  return (
    <div>
      {errors.disks && <p class="field-error">{errors.disks}</p>}
      <DiskBusField form={form} errors={errors} set={set} />
      {form.disks.map((d, i) => {
        const pool = pools.find((p) => p.name === d.pool);
        const size = parseGiB(d.sizeGiB);
        return (
          <fieldset key={i} class="disk-row" data-testid="disk-row" data-index={i}>
            <legend>Disk {i + 1}</legend>
            <Field
              id={`disk-${i}-pool`}
              label="Storage pool"
              error={errors[`disk-${i}-pool`]}
              hint={
                pool
                  ? `${formatBytes(pool.available)} free of ${formatBytes(pool.capacity)}${
                      (need.get(pool.name) ?? 0) > 0
                        ? ` · these disks take ${formatBytes(need.get(pool.name) ?? 0)}`
                        : ''
                    }`
                  : undefined
              }
            >
              <select
                id={`disk-${i}-pool`}
                value={d.pool}
                aria-invalid={invalid(errors[`disk-${i}-pool`])}
                onChange={(e) => setDisk(i, { pool: e.currentTarget.value })}
                data-testid="disk-pool"
              >
                {d.pool === '' && (
                  <option value="">{props.poolsLoading ? 'Loading…' : 'Choose a pool'}</option>
                )}
                {pools.map((p) => (
                  <option key={p.name} value={p.name} disabled={p.state !== 'running'}>
                    {p.name} — {formatBytes(p.available)} free{p.state !== 'running' ? ` (${p.state})` : ''}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              id={`disk-${i}-size`}
              label="Size (GiB)"
              error={errors[`disk-${i}-size`]}
              hint={size !== null ? `= ${formatBytes(size * GiB)}` : undefined}
            >
              <input
                id={`disk-${i}-size`}
                type="number"
                min={1}
                step={1}
                value={d.sizeGiB}
                aria-invalid={invalid(errors[`disk-${i}-size`])}
                onInput={(e) => setDisk(i, { sizeGiB: e.currentTarget.value })}
                data-testid="disk-size"
              />
            </Field>
            <Field
              id={`disk-${i}-format`}
              label="Format"
              hint={d.format === 'qcow2' ? 'thin, with snapshots' : 'plain'}
            >
              <select
                id={`disk-${i}-format`}
                value={d.format}
                onChange={(e) => setDisk(i, { format: e.currentTarget.value as VolumeFormat })}
                data-testid="disk-format"
              >
                <option value="qcow2">qcow2</option>
                <option value="raw">raw</option>
              </select>
            </Field>
            <DiskSourceField index={i} disk={d} images={props.images ?? []} setDisk={(c) => setDisk(i, c)} />
            {form.disks.length > 1 && (
              <button
                type="button"
                class="btn btn-secondary btn-small disk-remove"
                onClick={() => set({ disks: form.disks.filter((_, j) => j !== i) })}
                data-testid="remove-disk"
              >
                Remove
              </button>
            )}
          </fieldset>
        );
      })}
      <button
        type="button"
        class="btn btn-secondary"
        disabled={form.disks.length >= MAX_DISKS}
        onClick={() => {
          const last = form.disks[form.disks.length - 1];
          set({ disks: [...form.disks, { pool: last?.pool ?? '', sizeGiB: '10', format: 'qcow2' }] });
        }}
        data-testid="add-disk"
      >
        Add disk
      </button>
    </div>
  );
}
