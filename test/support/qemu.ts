import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

/** The firmware a machine starts with: SeaBIOS (QEMU's default) or Debian's OVMF for UEFI. */
export type Firmware = 'bios' | 'uefi';
export const OVMF = '/usr/share/ovmf/OVMF.fd';

export type Accel = 'kvm' | 'tcg';

let chosen: Promise<Accel> | null = null;

/**
 * KVM when it boots a Linux kernel here, software emulation (TCG) otherwise. /dev/kvm existing
 * is not enough: on some of these machines (nested, AMD EPYC) a KVM guest never prints a line,
 * with any CPU model. So the image's own kernel is started under KVM with no root file system:
 * it prints its banner at once, then panics and the machine ends. Decided once per process.
 */
export function chooseAccelerator(kernel: string, dir: string): Promise<Accel> {
  chosen ??= probeKvm(kernel, dir).then((ok) => (ok ? 'kvm' : 'tcg'));
  return chosen;
}

async function probeKvm(kernel: string, dir: string): Promise<boolean> {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return false;
  }
  mkdirSync(dir, { recursive: true });
  const serial = join(dir, 'kvm-probe.serial.log');
  const child = spawn(
    'qemu-system-x86_64',
    [
      '-machine',
      'q35,accel=kvm',
      '-m',
      '256',
      '-display',
      'none',
      '-monitor',
      'none',
      '-no-reboot',
      '-serial',
      `file:${serial}`,
      '-kernel',
      kernel,
      '-append',
      'console=ttyS0 panic=-1',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid !== undefined) {
    const pid = child.pid;
    armReaper();
    live.add(pid);
    child.once('exit', () => live.delete(pid));
  }
  const deadline = Date.now() + 20_000;
  let booted = false;
  while (!booted && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    booted = existsSync(serial) && /Linux version/.test(readFileSync(serial, 'latin1'));
  }
  if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  await exited;
  return booted;
}

/** A TCP port free on 127.0.0.1 now (QEMU exits at once when a forward's port is taken: retried by the caller). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface MachineOptions {
  name: string;
  accel: Accel;
  /** where the serial log and QEMU's own output go */
  dir: string;
  firmware: Firmware;
  cdrom?: string;
  /** an image on a USB stick (what `dd` of the ISO makes): the boot device */
  usbStick?: string;
  /** a qcow2 disk, seen by the guest as /dev/vda */
  disk?: string;
  /** direct kernel boot (the unattended install: kernel parameters without typing in GRUB) */
  kernel?: { path: string; initrd: string; append: string };
  /** guest ports forwarded from 127.0.0.1 (guest port → host port chosen here) */
  forward: number[];
  /** the guest's address the forwards go to when it is not the one QEMU's DHCP gives (a static one) */
  guestAddress?: string;
  /** addresses the guest may reach, each relayed to a port on 127.0.0.1 (nothing else is reachable) */
  guestRelays?: Array<{ address: string; port: number; to: number }>;
  memoryMiB?: number;
  /** exit instead of rebooting (the installer reboots when done) */
  noReboot?: boolean;
}

export interface Machine {
  readonly pid: number;
  /** the host port on 127.0.0.1 that reaches `guestPort` */
  port(guestPort: number): number;
  serialLog(): string;
  /** waits until the serial log matches; throws with the log's tail after `ms` */
  waitForSerial(re: RegExp, ms: number): Promise<RegExpMatchArray>;
  /** resolves with QEMU's exit code when it ends by itself within `ms`; throws otherwise */
  waitForExit(ms: number): Promise<number | null>;
  /** presses the power button (ACPI): the guest shuts down if its system listens */
  powerButton(): Promise<void>;
  /** stops QEMU by its pid (SIGTERM, then SIGKILL), whatever state it is in */
  stop(): Promise<void>;
  readonly accel: Accel;
}

/** QEMUs still running: killed when this process ends, however it ends (a runner's SIGTERM skips `after`). */
const live = new Set<number>();
let reaperArmed = false;
function armReaper(): void {
  if (reaperArmed) return;
  reaperArmed = true;
  const killAll = () => {
    for (const pid of live) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', killAll);
  for (const sig of ['SIGTERM', 'SIGINT'] as const)
    process.once(sig, () => {
      killAll();
      process.exit(128 + (sig === 'SIGTERM' ? 15 : 2));
    });
}

const tail = (text: string, n = 3000) => (text.length > n ? `…${text.slice(-n)}` : text);

/**
 * Starts one QEMU machine: serial console to a log file, user-mode networking restricted to the
 * forwards (the guest reaches neither this machine nor the outside), no display.
 */
export async function startMachine(o: MachineOptions): Promise<Machine> {
  mkdirSync(o.dir, { recursive: true });
  const { accel } = o;
  const serial = join(o.dir, `${o.name}.serial.log`);
  const qmp = join(o.dir, `${o.name}.qmp`);
  const ports = new Map<number, number>();
  for (const g of o.forward) ports.set(g, await freePort());
  const relay = join(import.meta.dirname, 'fixtures', 'tcp-relay.mjs');
  const fwd = [
    ...[...ports].map(([g, h]) => `hostfwd=tcp:127.0.0.1:${h}-${o.guestAddress ?? ''}:${g}`),
    ...(o.guestRelays ?? []).map(
      (r) => `guestfwd=tcp:${r.address}:${r.port}-cmd:${process.execPath} ${relay} 127.0.0.1 ${r.to}`,
    ),
  ].join(',');
  const args = [
    '-name',
    o.name,
    '-machine',
    `q35,accel=${accel}`,
    '-m',
    String(o.memoryMiB ?? 2048),
    // Under TCG, QEMU's default CPU (qemu64) carries AMD's SVM, emulated: the appliance inside then
    // loads kvm_amd and runs its probe guests as KVM on emulated SVM, a path no real host takes.
    // Once (CI, live ISO) its first VM waited more than 5 min for them. Without it the appliance
    // is a host without virtualization extensions, which it handles (software emulation).
    ...(accel === 'tcg' ? ['-cpu', 'qemu64,svm=off'] : []),
    '-smp',
    '2',
    '-display',
    'none',
    '-vga',
    'std',
    '-monitor',
    'none',
    '-qmp',
    `unix:${qmp},server=on,wait=off`,
    '-serial',
    `file:${serial}`,
    '-netdev',
    `user,id=n0,restrict=on${fwd ? `,${fwd}` : ''}`,
    '-device',
    'virtio-net-pci,netdev=n0',
    '-device',
    'virtio-rng-pci',
  ];
  if (o.firmware === 'uefi') args.push('-bios', OVMF);
  if (o.cdrom)
    args.push(
      '-drive',
      `file=${o.cdrom},media=cdrom,readonly=on,if=none,id=cd0`,
      '-device',
      'ide-cd,drive=cd0,bootindex=1',
    );
  if (o.usbStick)
    args.push(
      '-device',
      'qemu-xhci,id=xhci',
      '-drive',
      `file=${o.usbStick},format=raw,readonly=on,if=none,id=stick`,
      '-device',
      'usb-storage,bus=xhci.0,drive=stick,removable=on,bootindex=1',
    );
  if (o.disk) args.push('-drive', `file=${o.disk},format=qcow2,if=virtio,cache=unsafe`);
  if (o.kernel) args.push('-kernel', o.kernel.path, '-initrd', o.kernel.initrd, '-append', o.kernel.append);
  if (o.noReboot) args.push('-no-reboot');

  const child: ChildProcess = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  if (child.pid === undefined) throw new Error('qemu-system-x86_64 did not start');
  const pid = child.pid;
  armReaper();
  live.add(pid);
  child.once('exit', () => live.delete(pid));
  const log = () => (existsSync(serial) ? readFileSync(serial, 'latin1') : '');
  const describe = () =>
    `${o.name} (${accel}, ${o.firmware}); QEMU said: ${tail(output, 800) || '(nothing)'}\nserial log tail:\n${tail(log())}`;

  return {
    pid,
    accel,
    port(g) {
      const p = ports.get(g);
      if (p === undefined) throw new Error(`guest port ${g} is not forwarded`);
      return p;
    },
    serialLog: log,
    async waitForSerial(re, ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = log().match(re);
        if (m) return m;
        if (exitCode !== undefined) throw new Error(`QEMU exited (${exitCode}) before ${re}: ${describe()}`);
        if (Date.now() > deadline)
          throw new Error(`no ${re} on the serial console within ${ms} ms: ${describe()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async waitForExit(ms) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${o.name} did not end within ${ms} ms: ${describe()}`)),
          ms,
        );
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    powerButton: () => qmpCommand(qmp, 'system_powerdown'),
    async stop() {
      if (exitCode !== undefined) return;
      process.kill(pid, 'SIGTERM');
      const killer = setTimeout(() => {
        if (exitCode === undefined) process.kill(pid, 'SIGKILL');
      }, 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** One QMP command on a fresh connection: greeting, capabilities, the command, its answer. */
function qmpCommand(path: string, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    let buf = '';
    let sent = 0;
    const timer = setTimeout(() => sock.destroy(new Error(`QMP ${command}: no answer`)), 10_000);
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      buf += chunk;
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const msg = JSON.parse(buf.slice(0, nl)) as {
          QMP?: unknown;
          return?: unknown;
          error?: { desc: string };
        };
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
        if (msg.error) return sock.destroy(new Error(`QMP ${command}: ${msg.error.desc}`));
        if (msg.QMP && sent === 0) {
          sent = 1;
          sock.write('{"execute":"qmp_capabilities"}\n');
        } else if (msg.return !== undefined && sent === 1) {
          sent = 2;
          sock.write(`${JSON.stringify({ execute: command })}\n`);
        } else if (msg.return !== undefined && sent === 2) {
          clearTimeout(timer);
          sock.end();
          resolve();
        }
      }
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** A new empty qcow2 disk of `gib` GiB (sparse: it takes no room until written). */
export async function blankDisk(path: string, gib: number): Promise<string> {
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', path, `${gib}G`]);
  if (!statSync(path).isFile()) throw new Error(`qemu-img made no ${path}`);
  return path;
}

/** Copies the ISO's kernel and initrd out (for direct kernel boot with installer parameters). */
export async function extractKernel(iso: string, dir: string): Promise<{ path: string; initrd: string }> {
  const path = join(dir, 'vmlinuz');
  const initrd = join(dir, 'initrd.img');
  await run('xorriso', [
    '-osirrox',
    'on',
    '-indev',
    iso,
    '-extract',
    '/live/vmlinuz',
    path,
    '-extract',
    '/live/initrd.img',
    initrd,
  ]);
  return { path, initrd };
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err}`)),
    );
  });
}
