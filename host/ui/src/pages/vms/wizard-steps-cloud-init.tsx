import { Field } from '@quantix/shared/ui/components/field.tsx';
import { formatBytes } from '@quantix/shared/ui/format/format-bytes.ts';
import {
  type CloudInitForm,
  emptyCloudInit,
  type ImageOption,
} from '@quantix/shared/ui/vm/wizard-cloud-init.ts';
import { type DiskForm, GiB, parseGiB, type WizardForm } from '@quantix/shared/ui/vm/wizard-form.ts';
import type { StepProps } from './wizard-steps-hw.tsx';

const invalid = (e: string | undefined) => (e ? true : undefined);

/**
 * NoCloud for cloud images: a user with a password or SSH keys, the host name and the address of
 * the first NIC. The host writes the seed ISO (label cidata) into the pool and attaches it.
 */
export function CloudInitStep(props: StepProps) {
  const { errors, set } = props;
  const c = props.form.cloudInit ?? emptyCloudInit();
  const setCi = (change: Partial<CloudInitForm>) => set({ cloudInit: { ...c, ...change } });
  return (
    <div class="wizard-grid" data-testid="wizard-cloud-init">
      <label class="check span-2">
        <input
          type="checkbox"
          checked={c.enabled}
          onChange={(e) => setCi({ enabled: e.currentTarget.checked })}
          data-testid="ci-enabled"
        />
        Configure the guest with cloud-init on its first boot (for cloud images)
      </label>
      {c.enabled && (
        <>
          <Field
            id="ci-hostname"
            label="Host name"
            error={errors['ci-hostname']}
            hint="The VM's name when empty"
          >
            <input
              id="ci-hostname"
              value={c.hostname}
              aria-invalid={invalid(errors['ci-hostname'])}
              onInput={(e) => setCi({ hostname: e.currentTarget.value.trim() })}
              data-testid="ci-hostname"
            />
          </Field>
          <Field
            id="ci-user"
            label="User"
            error={errors['ci-user']}
            hint="With sudo; the image's default user when empty"
          >
            <input
              id="ci-user"
              value={c.user}
              autocomplete="off"
              aria-invalid={invalid(errors['ci-user'])}
              onInput={(e) => setCi({ user: e.currentTarget.value.trim() })}
              data-testid="ci-user"
            />
          </Field>
          <Field
            id="ci-password"
            label="Password"
            error={errors['ci-password']}
            hint="Hashed on the host (SHA-512); only the hash reaches the guest"
          >
            <input
              id="ci-password"
              type="password"
              autocomplete="new-password"
              value={c.password}
              aria-invalid={invalid(errors['ci-password'])}
              onInput={(e) => setCi({ password: e.currentTarget.value })}
              data-testid="ci-password"
            />
          </Field>
          <Field id="ci-network" label="Network (first NIC)">
            <select
              id="ci-network"
              value={c.network}
              onChange={(e) => setCi({ network: e.currentTarget.value as 'dhcp' | 'static' })}
              data-testid="ci-network"
            >
              <option value="dhcp">DHCP</option>
              <option value="static">Static address</option>
            </select>
          </Field>
          {c.network === 'static' && (
            <>
              <Field id="ci-address" label="Address / prefix" error={errors['ci-address']}>
                <input
                  id="ci-address"
                  value={c.address}
                  placeholder="192.0.2.10/24"
                  aria-invalid={invalid(errors['ci-address'])}
                  onInput={(e) => setCi({ address: e.currentTarget.value.trim() })}
                  data-testid="ci-address"
                />
              </Field>
              <Field id="ci-gateway" label="Gateway" error={errors['ci-gateway']}>
                <input
                  id="ci-gateway"
                  value={c.gateway}
                  aria-invalid={invalid(errors['ci-gateway'])}
                  onInput={(e) => setCi({ gateway: e.currentTarget.value.trim() })}
                  data-testid="ci-gateway"
                />
              </Field>
              <Field id="ci-dns" label="DNS servers" error={errors['ci-dns']} hint="Up to 4, comma-separated">
                <input
                  id="ci-dns"
                  value={c.dns}
                  aria-invalid={invalid(errors['ci-dns'])}
                  onInput={(e) => setCi({ dns: e.currentTarget.value })}
                  data-testid="ci-dns"
                />
              </Field>
            </>
          )}
          <Field
            id="ci-keys"
            label="SSH public keys"
            error={errors['ci-keys']}
            hint="One per line"
            class="span-2"
          >
            <textarea
              id="ci-keys"
              rows={3}
              value={c.sshKeys}
              aria-invalid={invalid(errors['ci-keys'])}
              onInput={(e) => setCi({ sshKeys: e.currentTarget.value })}
              data-testid="ci-keys"
            />
          </Field>
          <Field
            id="ci-userdata"
            label="Custom user-data (optional)"
            error={errors['ci-userdata']}
            hint="Replaces the generated #cloud-config; the host name and network still apply"
            class="span-2"
          >
            <textarea
              id="ci-userdata"
              rows={4}
              class="mono"
              value={c.userData}
              aria-invalid={invalid(errors['ci-userdata'])}
              onInput={(e) => setCi({ userData: e.currentTarget.value })}
              data-testid="ci-userdata"
            />
          </Field>
        </>
      )}
    </div>
  );
}

/** The review's lines for disks from images and for cloud-init. */
export function CloudInitReview(props: { form: WizardForm }) {
  const sources = props.form.disks
    .map((d, i) => {
      const m = /^(image|volume):(.+)$/.exec(d.source ?? '');
      return m ? `disk ${i + 1} ${m[1] === 'image' ? 'is a copy of' : 'is the volume'} ${m[2]}` : null;
    })
    .filter(Boolean);
  const c = props.form.cloudInit;
  const disks = sources.length ? (
    <p data-testid="wizard-review-sources">
      <strong>From images:</strong> {sources.join('; ')}.
    </p>
  ) : null;
  if (!c?.enabled) return disks;
  const keys = c.sshKeys.split('\n').filter((l) => l.trim()).length;
  const parts = [
    `host name ${c.hostname || props.form.name.trim()}`,
    c.user ? `user ${c.user}${c.password ? ' with a password' : ''}` : 'the image’s default user',
    keys ? `${keys} SSH key${keys > 1 ? 's' : ''}` : null,
    c.network === 'static' ? `address ${c.address}` : 'DHCP',
    c.userData.trim() ? 'custom user-data' : null,
  ].filter(Boolean);
  return (
    <>
      {disks}
      <p data-testid="wizard-review-cloud-init">
        <strong>Cloud-init:</strong> {parts.join(', ')}.
      </p>
    </>
  );
}

/** A disk's source: a new blank disk, a copy of an image, or an existing volume as it is. */
export function DiskSourceField(props: {
  index: number;
  disk: DiskForm;
  images: readonly ImageOption[];
  setDisk: (change: Partial<DiskForm>) => void;
}) {
  const { index: i, disk, images } = props;
  const value = disk.source ?? '';
  const chosen = images.find((o) => value.endsWith(`:${o.pool}/${o.volume}`));
  return (
    <Field
      id={`disk-${i}-source`}
      label="Source"
      hint={
        chosen
          ? value.startsWith('image:')
            ? `A copy of ${chosen.volume} (${chosen.format ?? 'unknown format'}, ${formatBytes(chosen.size)}), checked by the host`
            : `${chosen.volume} itself becomes the disk; size and format are its own`
          : undefined
      }
    >
      <select
        id={`disk-${i}-source`}
        value={value}
        onChange={(e) => {
          const source = e.currentTarget.value;
          const img = images.find((o) => source.endsWith(`:${o.pool}/${o.volume}`));
          const size = parseGiB(disk.sizeGiB);
          // a copy is at least as large as the image
          const grow =
            img && source.startsWith('image:') && (size === null || size * GiB < img.size)
              ? { sizeGiB: String(Math.ceil((img.size / GiB) * 100) / 100) }
              : {};
          props.setDisk({ source, ...grow });
        }}
        data-testid="disk-source"
      >
        <option value="">New blank disk</option>
        {images.length > 0 && (
          <optgroup label="Copy of a disk image">
            {images.map((o) => (
              <option key={`i${o.pool}/${o.volume}`} value={`image:${o.pool}/${o.volume}`}>
                {o.volume} ({o.pool}, {o.format ?? '?'}, {formatBytes(o.size)})
              </option>
            ))}
          </optgroup>
        )}
        {images.length > 0 && (
          <optgroup label="Existing volume, as it is">
            {images.map((o) => (
              <option key={`v${o.pool}/${o.volume}`} value={`volume:${o.pool}/${o.volume}`}>
                {o.volume} ({o.pool})
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </Field>
  );
}
