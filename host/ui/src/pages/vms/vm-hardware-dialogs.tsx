import type { BootDevice, VmHardware, VmHardwareConfig } from '@quantix/shared';
import { Field } from '@quantix/shared/ui/components/field.tsx';
import { FormDialog } from '@quantix/shared/ui/components/form-dialog.tsx';
import { cpuKey, parseCpuKey } from '@quantix/shared/ui/vm/cpu-options.ts';
import { useState } from 'preact/hooks';
import { useApi } from '../../store/use-store.ts';
import { CpuSelect, useCpuCapabilities } from './cpu-select.tsx';
import { intOf, useEdit, whenNote } from './vm-hardware-edit.tsx';

// The Hardware tab's dialogs for what is not a device: processors, memory, CPU type, boot order,
// description, autostart. Each sends one PATCH /vms/:uuid/hardware.

interface DialogProps {
  hw: VmHardware;
  onDone: (notes: string[]) => void;
  onCancel: () => void;
}

export function ProcessorsDialog(props: DialogProps) {
  const api = useApi();
  const c = props.hw.config;
  const running = props.hw.live !== null;
  const [sockets, setSockets] = useState(String(c.topology?.sockets ?? c.maxVcpus));
  const [cores, setCores] = useState(String(c.topology?.cores ?? 1));
  const [vcpus, setVcpus] = useState(String(c.vcpus));
  const threads = c.topology?.threads ?? 1;
  const edit = useEdit(props.onDone);
  const s = intOf(sockets);
  const k = intOf(cores);
  const v = intOf(vcpus);
  const max = s && k ? s * k * threads : null;
  const error =
    !s || !k || s > 64 || k > 64
      ? 'Sockets and cores: whole numbers from 1 to 64.'
      : !v || v < 1
        ? 'vCPUs: a whole number, at least 1.'
        : max !== null && v > max
          ? `At most ${max} vCPUs (sockets × cores${threads > 1 ? ' × threads' : ''}).`
          : undefined;
  const liveMax = props.hw.live?.maxVcpus ?? null;
  return (
    <FormDialog
      title="Processors"
      submitText="Save"
      busyText="Saving…"
      busy={edit.busy}
      error={edit.error}
      onCancel={props.onCancel}
      testId="hw-processors-dialog"
      onSubmit={() => {
        if (error || !s || !k || !v || max === null) return;
        void edit.run(() =>
          api.hardware.update(props.hw.uuid, {
            vcpus: v,
            maxVcpus: max,
            topology: { sockets: s, cores: k, threads },
          }),
        );
      }}
    >
      <div>
        <Field id="hw-sockets" label="Sockets">
          <input
            id="hw-sockets"
            inputMode="numeric"
            value={sockets}
            onInput={(e) => setSockets(e.currentTarget.value)}
            data-testid="hw-sockets"
          />
        </Field>
        <Field id="hw-cores" label="Cores per socket">
          <input
            id="hw-cores"
            inputMode="numeric"
            value={cores}
            onInput={(e) => setCores(e.currentTarget.value)}
            data-testid="hw-cores"
          />
        </Field>
        <Field
          id="hw-vcpus"
          label="vCPUs online"
          error={error}
          hint={`The maximum is sockets × cores = ${max ?? '?'}; fewer may be online, and raised while the VM runs.`}
        >
          <input
            id="hw-vcpus"
            inputMode="numeric"
            value={vcpus}
            onInput={(e) => setVcpus(e.currentTarget.value)}
            data-testid="hw-vcpus"
          />
        </Field>
      </div>
      <p class="hint">
        {whenNote(running, running && max === liveMax)}
        {running && max === liveMax ? ' Fewer vCPUs than now take effect at the next start.' : ''}
      </p>
    </FormDialog>
  );
}

export function MemoryDialog(props: DialogProps) {
  const api = useApi();
  const c = props.hw.config;
  const running = props.hw.live !== null;
  const [max, setMax] = useState(String(c.memoryMiB));
  const [balloon, setBalloon] = useState(
    c.currentMemoryMiB === c.memoryMiB ? '' : String(c.currentMemoryMiB),
  );
  const edit = useEdit(props.onDone);
  const m = intOf(max);
  const b = balloon.trim() === '' ? m : intOf(balloon);
  const error =
    !m || m < 64
      ? 'Memory: a whole number of MiB, at least 64.'
      : !b || b < 64 || b > m
        ? `The balloon target: 64 to ${m} MiB, or empty for all of it.`
        : undefined;
  return (
    <FormDialog
      title="Memory"
      submitText="Save"
      busyText="Saving…"
      busy={edit.busy}
      error={edit.error}
      onCancel={props.onCancel}
      testId="hw-memory-dialog"
      onSubmit={() => {
        if (error || !m || !b) return;
        void edit.run(() => api.hardware.update(props.hw.uuid, { memoryMiB: m, currentMemoryMiB: b }));
      }}
    >
      <Field
        id="hw-memory"
        label="Memory (MiB)"
        error={error}
        hint={running ? 'A new maximum is pending until the next start.' : undefined}
      >
        <input
          id="hw-memory"
          inputMode="numeric"
          value={max}
          onInput={(e) => setMax(e.currentTarget.value)}
          data-testid="hw-memory"
        />
      </Field>
      <Field
        id="hw-balloon"
        label="Balloon target (MiB)"
        hint="What the guest is asked to keep (it gives the rest back with a balloon driver); empty: all of it. Changed live while the VM runs."
      >
        <input
          id="hw-balloon"
          inputMode="numeric"
          value={balloon}
          placeholder={max}
          onInput={(e) => setBalloon(e.currentTarget.value)}
          data-testid="hw-balloon"
        />
      </Field>
    </FormDialog>
  );
}

export function CpuTypeDialog(props: DialogProps) {
  const api = useApi();
  const caps = useCpuCapabilities();
  const now = cpuKey(props.hw.config.cpu);
  const [picked, setPicked] = useState(now);
  const edit = useEdit(props.onDone);
  const cpu = parseCpuKey(picked);
  return (
    <FormDialog
      title="CPU type"
      submitText="Save"
      busyText="Saving…"
      busy={edit.busy}
      error={edit.error}
      onCancel={props.onCancel}
      testId="hw-cpu-dialog"
      onSubmit={() => {
        if (!cpu || picked === now) return props.onCancel();
        void edit.run(() => api.hardware.update(props.hw.uuid, { cpu }));
      }}
    >
      <div class="field">
        <label for="hw-cpu-select">CPU</label>
        <CpuSelect
          id="hw-cpu-select"
          caps={caps}
          value={picked}
          onChange={setPicked}
          current={props.hw.config.cpu}
          disabled={edit.busy}
        />
      </div>
      <p class="hint">{whenNote(props.hw.live !== null, false)}</p>
    </FormDialog>
  );
}

const BOOT_LABEL: Record<BootDevice, string> = { hd: 'Disk', cdrom: 'CD-ROM', network: 'Network (PXE)' };

export function bootText(order: readonly string[]): string {
  return order.length === 0 ? '—' : order.map((b) => BOOT_LABEL[b as BootDevice] ?? b).join(' → ');
}

/** Every order of the kinds of device the VM has (at most 15). */
function bootChoices(c: VmHardwareConfig): BootDevice[][] {
  const kinds: BootDevice[] = [];
  if (c.disks.some((d) => d.device === 'disk')) kinds.push('hd');
  if (c.disks.some((d) => d.device === 'cdrom')) kinds.push('cdrom');
  if (c.nics.length > 0) kinds.push('network');
  const out: BootDevice[][] = [];
  const walk = (prefix: BootDevice[]) => {
    if (prefix.length > 0) out.push(prefix);
    for (const k of kinds) if (!prefix.includes(k)) walk([...prefix, k]);
  };
  walk([]);
  return out;
}

export function BootOrderDialog(props: DialogProps) {
  const api = useApi();
  const choices = bootChoices(props.hw.config);
  const now = props.hw.config.bootOrder.join(',');
  const [picked, setPicked] = useState(now);
  const edit = useEdit(props.onDone);
  return (
    <FormDialog
      title="Boot order"
      submitText="Save"
      busyText="Saving…"
      busy={edit.busy}
      error={edit.error}
      onCancel={props.onCancel}
      testId="hw-boot-dialog"
      onSubmit={() => {
        const order = picked.split(',').filter(Boolean) as BootDevice[];
        if (order.length === 0) return;
        void edit.run(() => api.hardware.update(props.hw.uuid, { bootOrder: order }));
      }}
    >
      <Field id="hw-boot" label="Boot from" hint={whenNote(props.hw.live !== null, false)}>
        <select
          id="hw-boot"
          value={picked}
          onChange={(e) => setPicked(e.currentTarget.value)}
          data-testid="hw-boot"
        >
          {!choices.some((c) => c.join(',') === now) && (
            <option value={now}>{bootText(props.hw.config.bootOrder)}</option>
          )}
          {choices.map((c) => (
            <option key={c.join(',')} value={c.join(',')}>
              {bootText(c)}
            </option>
          ))}
        </select>
      </Field>
    </FormDialog>
  );
}

export function DescriptionDialog(props: DialogProps) {
  const api = useApi();
  const [text, setText] = useState(props.hw.config.description);
  const edit = useEdit(props.onDone);
  return (
    <FormDialog
      title="Description"
      submitText="Save"
      busyText="Saving…"
      busy={edit.busy}
      error={edit.error}
      onCancel={props.onCancel}
      testId="hw-description-dialog"
      onSubmit={() => void edit.run(() => api.hardware.update(props.hw.uuid, { description: text }))}
    >
      <Field id="hw-description" label="Description" hint="Notes for admins; at most 1024 characters.">
        <textarea
          id="hw-description"
          rows={4}
          maxLength={1024}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          data-testid="hw-description"
        />
      </Field>
    </FormDialog>
  );
}

export function AutostartDialog(props: DialogProps) {
  const api = useApi();
  const a = props.hw.autostart;
  const [enabled, setEnabled] = useState(a.enabled);
  const [order, setOrder] = useState(a.order === null ? '' : String(a.order));
  const [delay, setDelay] = useState(String(a.delaySeconds));
  const edit = useEdit(props.onDone);
  const o = order.trim() === '' ? null : intOf(order);
  const d = intOf(delay);
  const error =
    order.trim() !== '' && (o === null || o > 1000)
      ? 'Start order: 0 to 1000, or empty.'
      : d === null || d > 3600
        ? 'Delay: 0 to 3600 seconds.'
        : undefined;
  return (
    <FormDialog
      title="Start at boot"
      submitText="Save"
      busyText="Saving…"
      busy={edit.busy}
      error={edit.error}
      onCancel={props.onCancel}
      testId="hw-autostart-dialog"
      onSubmit={() => {
        if (error || d === null) return;
        void edit.run(() =>
          api.hardware.update(props.hw.uuid, { autostart: { enabled, order: o, delaySeconds: d } }),
        );
      }}
    >
      <label class="check">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(e) => setEnabled(e.currentTarget.checked)}
          data-testid="hw-autostart"
        />{' '}
        Start this VM when the host starts
      </label>
      <div>
        <Field
          id="hw-start-order"
          label="Start order"
          hint="Lower starts first, started by the Quantix host once per boot. Empty: libvirt autostart, unordered, when libvirtd starts."
        >
          <input
            id="hw-start-order"
            inputMode="numeric"
            value={order}
            onInput={(e) => setOrder(e.currentTarget.value)}
            data-testid="hw-start-order"
          />
        </Field>
        <Field
          id="hw-start-delay"
          label="Delay (s)"
          error={error}
          hint="After this VM starts, wait this long before the next one."
        >
          <input
            id="hw-start-delay"
            inputMode="numeric"
            value={delay}
            onInput={(e) => setDelay(e.currentTarget.value)}
            data-testid="hw-start-delay"
          />
        </Field>
      </div>
    </FormDialog>
  );
}
