import {
  AppError,
  type BootDevice,
  type VmCpu,
  VmCpu as VmCpuSchema,
  type VmTopology,
} from '@quantix/shared';
import {
  at,
  buildTree,
  el,
  elements,
  ensure,
  first,
  getAttr,
  insert,
  kids,
  parseTree,
  remove,
  setAttr,
  setText,
  textOf,
  txt,
  type XNode,
} from './domain-edit-tree.ts';
import { validate } from './xml.ts';

// Edits of an existing domain's XML (libvirt's own, usually the persistent definition), for the
// Hardware tab. Each takes the whole document and returns it with one thing changed; everything
// we do not model stays as libvirt wrote it. Devices: domain-edit-devices.ts.

/** Parses, lets `fn` change the tree, builds it again. */
export function editDomainXml(xml: string, fn: (domain: XNode) => void): string {
  const domain = parseTree(xml, 'domain');
  fn(domain);
  return buildTree(domain);
}

// Elements that come after these in libvirt's own order; inserting before them keeps the document
// in the order libvirt writes (libvirt's schema does not require it, a reader's eye likes it).
const AFTER_VCPU = [
  'iothreads',
  'cputune',
  'resource',
  'sysinfo',
  'bootloader',
  'os',
  'features',
  'cpu',
  'clock',
];
const AFTER_MEMORY = ['currentMemory', 'blkiotune', 'memtune', 'memoryBacking', 'vcpu', ...AFTER_VCPU];
const AFTER_CPU = ['clock', 'on_poweroff', 'on_reboot', 'on_crash', 'pm', 'perf', 'devices'];

const KiB = (mib: number) => Math.round(mib * 1024);

export interface VcpuEdit {
  /** vCPUs online at start */
  vcpus: number;
  /** the hot-plug ceiling (`<vcpu>`'s value) */
  maxVcpus: number;
  /** undefined: keep it if it still fits, drop it if not; null: drop it */
  topology?: VmTopology | null;
}

export function setVcpus(xml: string, edit: VcpuEdit): string {
  if (edit.vcpus > edit.maxVcpus) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${edit.vcpus} vCPUs is more than the maximum of ${edit.maxVcpus}; raise the maximum first`,
    );
  }
  const t = edit.topology;
  if (t && t.sockets * t.cores * t.threads !== edit.maxVcpus) {
    throw new AppError(
      'VALIDATION_FAILED',
      `sockets × cores × threads (${t.sockets} × ${t.cores} × ${t.threads}) must equal the maximum vCPUs (${edit.maxVcpus})`,
    );
  }
  return editDomainXml(xml, (d) => {
    const vcpu = ensure(d, 'vcpu', AFTER_VCPU);
    const oldMax = Number(textOf(vcpu));
    setText(vcpu, edit.maxVcpus);
    setAttr(vcpu, 'current', edit.vcpus < edit.maxVcpus ? edit.vcpus : undefined);
    // per-vCPU hot-plug settings list the old vCPUs: libvirt rebuilds them from <vcpu>
    if (oldMax !== edit.maxVcpus) remove(d, (k) => 'vcpus' in k);
    const cpu = first(d, 'cpu');
    const existing = first(cpu, 'topology');
    if (t) {
      const c = cpu ?? ensureCpu(d);
      const topo = existing ?? el('topology');
      if (!existing) insert(c, topo, ['feature', 'numa', 'cache']);
      setAttr(topo, 'sockets', t.sockets);
      setAttr(topo, 'dies', getAttr(topo, 'dies') ? 1 : undefined);
      setAttr(topo, 'cores', t.cores);
      setAttr(topo, 'threads', t.threads);
    } else if (cpu && existing) {
      const n = ['sockets', 'dies', 'cores', 'threads'].reduce(
        (p, a) => p * Number(getAttr(existing, a) ?? 1),
        1,
      );
      if (t === null || n !== edit.maxVcpus) remove(cpu, (k) => k === existing);
    }
  });
}

function ensureCpu(d: XNode): XNode {
  return ensure(d, 'cpu', AFTER_CPU);
}

export interface MemoryEdit {
  /** the maximum (`<memory>`) */
  memoryMiB: number;
  /** the balloon target (`<currentMemory>`) */
  currentMemoryMiB: number;
}

export function setMemory(xml: string, edit: MemoryEdit): string {
  if (edit.currentMemoryMiB > edit.memoryMiB) {
    throw new AppError(
      'VALIDATION_FAILED',
      `the balloon target (${edit.currentMemoryMiB} MiB) is above the memory maximum (${edit.memoryMiB} MiB)`,
    );
  }
  return editDomainXml(xml, (d) => {
    const mem = ensure(d, 'memory', AFTER_MEMORY);
    setAttr(mem, 'unit', 'KiB');
    setText(mem, KiB(edit.memoryMiB));
    const cur = ensure(d, 'currentMemory', AFTER_MEMORY.slice(1));
    setAttr(cur, 'unit', 'KiB');
    setText(cur, KiB(edit.currentMemoryMiB));
  });
}

/**
 * The guest CPU, as creation writes it (domain-xml.ts's `<cpu>`), keeping the topology and NUMA
 * cells; a named model's features go with the model.
 */
export function setCpuModel(xml: string, input: VmCpu): string {
  const cpu = validate(VmCpuSchema, input, 'cpu');
  return editDomainXml(xml, (d) => {
    const c = ensureCpu(d);
    for (const a of ['mode', 'match', 'check', 'migratable']) setAttr(c, a, undefined);
    remove(c, (k) => 'model' in k || 'vendor' in k || 'feature' in k);
    setAttr(c, 'mode', cpu.mode);
    if (cpu.mode === 'custom') {
      setAttr(c, 'match', 'exact');
      insert(c, el('model', { fallback: 'forbid' }, [txt(cpu.model)]), ['topology', 'numa', 'cache']);
    }
    setAttr(c, 'check', 'none');
  });
}

const BOOTABLE: Record<BootDevice, (devices: XNode | undefined) => boolean> = {
  hd: (dv) => !!dv && elements(dv, 'disk').some((x) => (getAttr(x, 'device') ?? 'disk') === 'disk'),
  cdrom: (dv) => !!dv && elements(dv, 'disk').some((x) => getAttr(x, 'device') === 'cdrom'),
  network: (dv) => !!dv && elements(dv, 'interface').length > 0,
};
const BOOT_WORD: Record<BootDevice, string> = { hd: 'a disk', cdrom: 'a CD-ROM drive', network: 'a NIC' };

/** `<os><boot dev=…/>` in this order; per-device `<boot order>` (which libvirt forbids beside it) go. */
export function setBootOrder(xml: string, order: BootDevice[]): string {
  return editDomainXml(xml, (d) => {
    const devices = first(d, 'devices');
    for (const dev of order) {
      if (!BOOTABLE[dev](devices)) {
        throw new AppError(
          'EDIT_REFUSED',
          `cannot boot from ${dev}: the VM has no ${BOOT_WORD[dev].slice(2)}`,
        );
      }
    }
    const os = ensure(d, 'os', ['features', 'cpu', 'clock', 'devices']);
    remove(os, (k) => 'boot' in k);
    // after <type>, <loader> and <nvram>, where libvirt writes them
    const list = kids(os);
    let i = 0;
    list.forEach((k, j) => {
      if ('type' in k || 'loader' in k || 'nvram' in k) i = j + 1;
    });
    list.splice(i, 0, ...order.map((dev) => el('boot', { dev })));
    if (devices) {
      for (const x of kids(devices)) remove(x, (k) => 'boot' in k);
    }
  });
}

/** Whether the boot order (of `<os>`, or per device) boots from this kind of device. */
export function bootsFrom(xml: string, dev: BootDevice): boolean {
  const d = parseTree(xml, 'domain');
  const os = at(d, 'os');
  const fromOs = os ? elements(os, 'boot').map((b) => getAttr(b, 'dev')) : [];
  if (fromOs.length > 0) return fromOs.includes(dev);
  const devices = first(d, 'devices');
  if (!devices) return false;
  return kids(devices).some((x) => {
    if (!first(x, 'boot')) return false;
    if ('interface' in x) return dev === 'network';
    if (!('disk' in x)) return false;
    return (getAttr(x, 'device') === 'cdrom' ? 'cdrom' : 'hd') === dev;
  });
}

export function setDescription(xml: string, description: string): string {
  return editDomainXml(xml, (d) => {
    remove(d, (k) => 'description' in k);
    if (description)
      insert(d, el('description', {}, [txt(description)]), ['metadata', 'maxMemory', 'memory']);
  });
}
