import type {
  DiskBus,
  NicModel,
  NicNetwork,
  VmDisk,
  VmHardware,
  VmHardwareNic,
  VolumeRef,
} from '@quantix/shared';
import { Field } from '@quantix/shared/ui/components/field.tsx';
import { FormDialog } from '@quantix/shared/ui/components/form-dialog.tsx';
import { formatBytes } from '@quantix/shared/ui/format/format-bytes.ts';
import { useEffect, useState } from 'preact/hooks';
import { useApi, useStore } from '../../store/use-store.ts';
import { usePoolVolumes, useEdit, whenNote } from './vm-hardware-edit.tsx';

// The Hardware tab's device dialogs: add or change a disk, a CD-ROM drive or a NIC.

interface DialogProps {
  hw: VmHardware;
  onDone: (notes: string[]) => void;
  onCancel: () => void;
}

const BUS_TEXT: Record<DiskBus, string> = {
  virtio: 'VirtIO (fastest; needs the guest’s virtio driver)',
  sata: 'SATA (any guest)',
  scsi: 'SCSI (virtio-scsi; discard, many disks)',
};

function BusSelect(props: { id: string; value: DiskBus; onChange: (b: DiskBus) => void; cdrom?: boolean }) {
  const buses: DiskBus[] = props.cdrom ? ['sata', 'scsi'] : ['virtio', 'sata', 'scsi'];
  return (
    <select
      id={props.id}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value as DiskBus)}
      data-testid={props.id}
    >
      {buses.map((b) => (
        <option key={b} value={b}>
          {BUS_TEXT[b]}
        </option>
      ))}
    </select>
  );
}

const refOf = (v: string): VolumeRef | null => {
  const i = v.indexOf('/');
  return i > 0 ? { pool: v.slice(0, i), volume: v.slice(i + 1) } : null;
};

/** Volumes of the running pools as options `pool/volume`; `iso` picks ISOs only, else the rest. */
function VolumeOptions(props: { iso: boolean }) {
  const { pools, volumes } = usePoolVolumes();
  return (
    <>
      {pools.map((p) => {
        const list = (volumes[p.name]?.data ?? []).filter(
          (v) => v.name.toLowerCase().endsWith('.iso') === props.iso,
        );
        if (list.length === 0) return null;
        return (
          <optgroup key={p.name} label={p.name}>
            {list.map((v) => (
              <option key={v.name} value={`${p.name}/${v.name}`}>
                {v.name} ({formatBytes(v.capacity)})
              </option>
            ))}
          </optgroup>
        );
      })}
    </>
  );
}

export function DiskAddDialog(props: DialogProps & { cdrom: boolean }) {
  const api = useApi();
  const { pools, loading: poolsLoading, error: poolsError } = usePoolVolumes();
  const [source, setSource] = useState<'new' | 'volume'>('new');
  const [pool, setPool] = useState('');
  const [size, setSize] = useState('10');
  const [format, setFormat] = useState<'qcow2' | 'raw'>('qcow2');
  const [volume, setVolume] = useState('');
  const [bus, setBus] = useState<DiskBus>(props.cdrom ? 'sata' : 'virtio');
  const edit = useEdit(props.onDone);
  const poolName = pool || pools[0]?.name || '';
  const sizeGiB = Number(size);
  const error = props.cdrom
    ? undefined
    : source === 'new'
      ? !poolName
        ? poolsLoading
          ? 'The storage pools are still loading.'
          : poolsError
            ? `The storage pools could not be read: ${poolsError.message}`
            : 'No running storage pool to put the disk in.'
        : !(sizeGiB > 0)
          ? 'Size: a number of GiB above 0.'
          : undefined
      : !refOf(volume)
        ? 'Choose a volume.'
        : undefined;
  const running = props.hw.live !== null;
  return (
    <FormDialog
      title={props.cdrom ? 'Add a CD-ROM drive' : 'Add a disk'}
      submitText="Add"
      busyText="Adding…"
      busy={edit.busy}
      error={edit.error}
      onCancel={props.onCancel}
      testId="hw-disk-add-dialog"
      onSubmit={() => {
        if (error) return;
        const task = `hw-${Math.random().toString(36).slice(2, 12)}`;
        const media = refOf(volume);
        void edit.run(() =>
          api.hardware.addDisk(
            props.hw.uuid,
            props.cdrom
              ? { source: 'cdrom', bus: bus === 'virtio' ? 'sata' : bus, ...(media ? { media } : {}) }
              : source === 'new'
                ? { source: 'new', pool: poolName, sizeGiB, format, bus }
                : { source: 'volume', pool: media?.pool ?? '', volume: media?.volume ?? '', bus },
            task,
          ),
        );
      }}
    >
      {!props.cdrom && (
        <Field id="hw-disk-source" label="Disk">
          <select
            id="hw-disk-source"
            value={source}
            onChange={(e) => setSource(e.currentTarget.value as 'new' | 'volume')}
            data-testid="hw-disk-source"
          >
            <option value="new">A new volume</option>
            <option value="volume">An existing volume</option>
          </select>
        </Field>
      )}
      {!props.cdrom && source === 'new' && (
        <>
          <Field id="hw-disk-pool" label="Storage pool">
            <select
              id="hw-disk-pool"
              value={poolName}
              onChange={(e) => setPool(e.currentTarget.value)}
              data-testid="hw-disk-pool"
            >
              {pools.length === 0 && <option value="">{poolsLoading ? 'Loading…' : 'None running'}</option>}
              {pools.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name} ({formatBytes(p.available)} free)
                </option>
              ))}
            </select>
          </Field>
          <Field id="hw-disk-size" label="Size (GiB)" error={error}>
            <input
              id="hw-disk-size"
              inputMode="decimal"
              value={size}
              onInput={(e) => setSize(e.currentTarget.value)}
              data-testid="hw-disk-size"
            />
          </Field>
          <Field id="hw-disk-format" label="Format">
            <select
              id="hw-disk-format"
              value={format}
              onChange={(e) => setFormat(e.currentTarget.value as 'qcow2' | 'raw')}
            >
              <option value="qcow2">qcow2 (thin, snapshots)</option>
              <option value="raw">raw (fastest)</option>
            </select>
          </Field>
        </>
      )}
      {(props.cdrom || source === 'volume') && (
        <Field
          id="hw-disk-volume"
          label={props.cdrom ? 'ISO image' : 'Volume'}
          error={props.cdrom ? undefined : error}
        >
          <select
            id="hw-disk-volume"
            value={volume}
            onChange={(e) => setVolume(e.currentTarget.value)}
            data-testid="hw-disk-volume"
          >
            <option value="">{props.cdrom ? '(empty drive)' : 'Choose…'}</option>
            <VolumeOptions iso={props.cdrom} />
          </select>
        </Field>
      )}
      <Field id="hw-disk-bus" label="Bus">
        <BusSelect id="hw-disk-bus" value={bus} onChange={setBus} cdrom={props.cdrom} />
      </Field>
      <p class="hint">
        {running
          ? 'The VM runs: the device is hot-plugged where QEMU can (a free PCIe slot, a SCSI bus); otherwise it is added at the next start.'
          : whenNote(false, false)}
      </p>
    </FormDialog>
  );
}

export function DiskEditDialog(props: DialogProps & { disk: VmDisk }) {
  const api = useApi();
  const { disk } = props;
  const cdrom = disk.device === 'cdrom';
  const running = props.hw.live !== null;
  const gib = disk.capacity === null ? null : disk.capacity / 1024 ** 3;
  const [size, setSize] = useState(gib === null ? '' : String(Math.round(gib * 100) / 100));
  const [bus, setBus] = useState<DiskBus>((disk.bus as DiskBus) ?? 'virtio');
  const [media, setMedia] = useState(disk.pool && disk.volume ? `${disk.pool}/${disk.volume}` : '');
  const [remove, setRemove] = useState<'keep' | 'detach' | 'delete'>('keep');
  const edit = useEdit(props.onDone);
  const newSize = Number(size);
  const grow = !cdrom && gib !== null && size.trim() !== '' && newSize !== Math.round(gib * 100) / 100;
  const error =
    grow && !(newSize > (gib ?? 0)) ? 'Disks only grow: a size above the current one.' : undefined;
  const nowMedia = disk.pool && disk.volume ? `${disk.pool}/${disk.volume}` : '';
  return (
    <FormDialog
      title={`${cdrom ? 'CD-ROM drive' : 'Disk'} ${disk.target}`}
      submitText={remove === 'keep' ? 'Save' : remove === 'detach' ? 'Remove' : 'Remove and delete'}
      busyText="Saving…"
      busy={edit.busy}
      error={edit.error}
      onCancel={props.onCancel}
      testId="hw-disk-dialog"
      onSubmit={() => {
        if (remove !== 'keep') {
          void edit.run(() => api.hardware.removeDisk(props.hw.uuid, disk.target, remove === 'delete'));
          return;
        }
        if (error) return;
        const req = {
          ...(grow ? { sizeGiB: newSize } : {}),
          ...(bus !== disk.bus ? { bus } : {}),
          ...(cdrom && media !== nowMedia ? { media: refOf(media) } : {}),
        };
        if (Object.keys(req).length === 0) return props.onCancel();
        void edit.run(() => api.hardware.updateDisk(props.hw.uuid, disk.target, req));
      }}
    >
      <p class="mono break">{disk.source ?? (cdrom ? '(empty)' : '—')}</p>
      {cdrom ? (
        <Field
          id="hw-cd-media"
          label="ISO image"
          hint="Inserted, swapped or ejected at once, also while the VM runs."
        >
          <select
            id="hw-cd-media"
            value={media}
            onChange={(e) => setMedia(e.currentTarget.value)}
            data-testid="hw-cd-media"
          >
            <option value="">(eject: empty drive)</option>
            {nowMedia && !nowMedia.toLowerCase().endsWith('.iso') && (
              <option value={nowMedia}>{disk.volume}</option>
            )}
            <VolumeOptions iso />
          </select>
        </Field>
      ) : (
        <Field
          id="hw-disk-grow"
          label="Size (GiB)"
          error={error}
          hint={
            gib === null
              ? 'Not a pool volume: its size is not known here.'
              : running
                ? 'Grown at once while the VM runs (the guest then grows its partition).'
                : 'Grows the volume; never shrinks.'
          }
        >
          <input
            id="hw-disk-grow"
            inputMode="decimal"
            value={size}
            disabled={gib === null}
            onInput={(e) => setSize(e.currentTarget.value)}
            data-testid="hw-disk-grow"
          />
        </Field>
      )}
      <Field id="hw-disk-bus-edit" label="Bus" hint={whenNote(running, false)}>
        <BusSelect id="hw-disk-bus-edit" value={bus} onChange={setBus} cdrom={cdrom} />
      </Field>
      <Field id="hw-disk-remove" label="Remove">
        <select
          id="hw-disk-remove"
          value={remove}
          onChange={(e) => setRemove(e.currentTarget.value as 'keep' | 'detach' | 'delete')}
          data-testid="hw-disk-remove"
        >
          <option value="keep">Keep it</option>
          <option value="detach">Remove from the VM (the volume stays)</option>
          {!cdrom && !running && disk.volume && <option value="delete">Remove and delete its volume</option>}
        </select>
      </Field>
    </FormDialog>
  );
}

const MODEL_TEXT: Record<NicModel, string> = {
  virtio: 'VirtIO (fastest)',
  e1000e: 'Intel e1000e (any guest)',
  e1000: 'Intel e1000 (older guests)',
  rtl8139: 'Realtek RTL8139 (old guests)',
};

const netKey = (n: { type: string; source: string | null }) =>
  n.type === 'network' ? `network:${n.source}` : n.type === 'bridge' ? 'bridge' : n.type;

/** Add (no `nic`) or change a NIC. */
export function NicDialog(props: DialogProps & { nic?: VmHardwareNic }) {
  const api = useApi();
  const { nic } = props;
  const networks = useStore((s) => s.networks.data) ?? [];
  useEffect(() => {
    void api.networks.load();
  }, [api]);
  const [net, setNet] = useState(nic ? netKey(nic) : 'user');
  const [bridge, setBridge] = useState(nic?.type === 'bridge' ? (nic.source ?? '') : '');
  const [model, setModel] = useState<NicModel>((nic?.model as NicModel) ?? 'virtio');
  const [mac, setMac] = useState(nic?.mac ?? '');
  const [link, setLink] = useState(nic?.link ?? 'up');
  const [remove, setRemove] = useState(false);
  const edit = useEdit(props.onDone);
  const running = props.hw.live !== null;
  const network: NicNetwork | null = net.startsWith('network:')
    ? { type: 'network', name: net.slice('network:'.length) }
    : net === 'bridge'
      ? bridge.trim()
        ? { type: 'bridge', name: bridge.trim() }
        : null
      : { type: 'user' };
  const macOk = mac.trim() === '' || /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac.trim());
  const error = !network
    ? 'Name the host bridge (e.g. br0).'
    : !macOk
      ? 'A MAC such as 52:54:00:12:34:56.'
      : undefined;
  return (
    <FormDialog
      title={nic ? `Network interface ${nic.mac ?? ''}` : 'Add a network interface'}
      submitText={remove ? 'Remove' : nic ? 'Save' : 'Add'}
      busyText="Saving…"
      busy={edit.busy}
      error={edit.error}
      onCancel={props.onCancel}
      testId="hw-nic-dialog"
      onSubmit={() => {
        if (nic?.mac && remove) {
          const m = nic.mac;
          void edit.run(() => api.hardware.removeNic(props.hw.uuid, m));
          return;
        }
        if (error || !network) return;
        const m = mac.trim().toLowerCase();
        if (!nic) {
          void edit.run(() =>
            api.hardware.addNic(props.hw.uuid, { network, model, link, ...(m ? { mac: m } : {}) }),
          );
          return;
        }
        const req = {
          ...(netKey({ type: network.type, source: 'name' in network ? network.name : null }) !==
            netKey(nic) ||
          (network.type === 'bridge' && network.name !== nic.source)
            ? { network }
            : {}),
          ...(model !== nic.model ? { model } : {}),
          ...(m && m !== nic.mac ? { mac: m } : {}),
          ...(link !== nic.link ? { link } : {}),
        };
        if (Object.keys(req).length === 0 || !nic.mac) return props.onCancel();
        const current = nic.mac;
        void edit.run(() => api.hardware.updateNic(props.hw.uuid, current, req));
      }}
    >
      <Field id="hw-nic-net" label="Connect to">
        <select
          id="hw-nic-net"
          value={net}
          onChange={(e) => setNet(e.currentTarget.value)}
          data-testid="hw-nic-net"
        >
          {networks.length > 0 && (
            <optgroup label="libvirt networks">
              {networks.map((n) => (
                <option key={n.name} value={`network:${n.name}`}>
                  {n.name}
                  {n.active ? '' : ' (inactive)'}
                </option>
              ))}
            </optgroup>
          )}
          {nic?.type === 'network' && !networks.some((n) => n.name === nic.source) && (
            <option value={`network:${nic.source}`}>{nic.source}</option>
          )}
          <option value="bridge">A host bridge…</option>
          <option value="user">User-mode networking (NAT inside QEMU)</option>
        </select>
      </Field>
      {net === 'bridge' && (
        <Field id="hw-nic-bridge" label="Host bridge" error={error}>
          <input
            id="hw-nic-bridge"
            value={bridge}
            onInput={(e) => setBridge(e.currentTarget.value)}
            data-testid="hw-nic-bridge"
          />
        </Field>
      )}
      <Field id="hw-nic-model" label="Model">
        <select
          id="hw-nic-model"
          value={model}
          onChange={(e) => setModel(e.currentTarget.value as NicModel)}
          data-testid="hw-nic-model"
        >
          {(Object.keys(MODEL_TEXT) as NicModel[]).map((m) => (
            <option key={m} value={m}>
              {MODEL_TEXT[m]}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id="hw-nic-mac"
        label="MAC address"
        error={net !== 'bridge' ? error : undefined}
        hint="Empty: a new one."
      >
        <input
          id="hw-nic-mac"
          value={mac}
          onInput={(e) => setMac(e.currentTarget.value)}
          data-testid="hw-nic-mac"
        />
      </Field>
      <label class="check">
        <input
          type="checkbox"
          checked={link === 'up'}
          onChange={(e) => setLink(e.currentTarget.checked ? 'up' : 'down')}
          data-testid="hw-nic-link"
        />{' '}
        Cable connected (link up; changed at once while the VM runs)
      </label>
      {nic && (
        <label class="check">
          <input
            type="checkbox"
            checked={remove}
            onChange={(e) => setRemove(e.currentTarget.checked)}
            data-testid="hw-nic-remove"
          />{' '}
          Remove this interface
        </label>
      )}
      <p class="hint">
        {running
          ? 'The VM runs: the link changes at once; network, model and MAC at the next start.'
          : whenNote(false, false)}
      </p>
    </FormDialog>
  );
}
