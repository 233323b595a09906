import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@quantix/shared/server';
import { tied } from '../runtime/tied.ts';

/**
 * Where libvirt-dbus answers. On the appliance image (systemd) it is activated on the system bus.
 * Elsewhere (these machines, CI, `make run`) the host starts a private bus and its own
 * libvirt-dbus, and stops both with itself: libvirt-dbus then serves `/org/libvirt/QEMU`
 * (qemu:///system) and `/org/libvirt/Test` (test:///default) like the system service does.
 */
export interface LibvirtBus {
  address: string;
  /** true when we started the bus ourselves */
  private: boolean;
  close(): Promise<void>;
}

const SYSTEM_BUS = '/run/dbus/system_bus_socket';

// A bus only this host uses: root may talk to anyone, nobody else may connect (socket mode 0600 dir).
const BUS_CONFIG = (
  socket: string,
) => `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`;

export async function startLibvirtBus(deps: {
  runtimeDir: string;
  log: Logger;
  /** use the system bus when libvirt-dbus is available there (the appliance image) */
  preferSystemBus: boolean;
  systemBusHasLibvirt: () => Promise<boolean>;
  /** a bus where libvirt-dbus already answers (QUANTIX_LIBVIRT_BUS): used as it is, never stopped */
  address?: string;
}): Promise<LibvirtBus> {
  if (deps.address) return { address: deps.address, private: false, close: async () => undefined };
  if (deps.preferSystemBus && existsSync(SYSTEM_BUS) && (await deps.systemBusHasLibvirt())) {
    return { address: `unix:path=${SYSTEM_BUS}`, private: false, close: async () => undefined };
  }
  await mkdir(deps.runtimeDir, { recursive: true, mode: 0o700 });
  const socket = join(deps.runtimeDir, 'libvirt-bus.sock');
  const configFile = join(deps.runtimeDir, 'libvirt-bus.conf');
  await rm(socket, { force: true });
  await writeFile(configFile, BUS_CONFIG(socket), { mode: 0o600 });
  const address = `unix:path=${socket}`;

  const children: ChildProcess[] = [];
  let closing = false;
  const bus = spawnTied(
    'dbus-daemon',
    [`--config-file=${configFile}`, '--nofork', '--nosyslog'],
    process.env,
  );
  children.push(bus);
  let busGone = false;
  // Without its bus nothing can be restarted here: stop libvirt-dbus too. Our D-Bus client sees the
  // connection drop and the hypervisor monitor opens a whole new bus.
  watch(
    bus,
    'dbus-daemon',
    deps.log,
    () => closing,
    () => {
      busGone = true;
      for (const c of children) if (c !== bus) c.kill('SIGTERM');
    },
  );
  await waitFor(() => existsSync(socket), 5000, 'the private D-Bus daemon did not start');

  // libvirt-dbus is restarted if it dies (it is what every hypervisor call goes through).
  const startLibvirtDbus = () => {
    const child = spawnTied('libvirt-dbus', ['--system'], {
      ...process.env,
      DBUS_SYSTEM_BUS_ADDRESS: address,
    });
    children.push(child);
    watch(
      child,
      'libvirt-dbus',
      deps.log,
      () => closing,
      () => {
        children.splice(children.indexOf(child), 1);
        if (!closing && !busGone) setTimeout(startLibvirtDbus, 1000).unref();
      },
    );
  };
  startLibvirtDbus();

  return {
    address,
    private: true,
    async close() {
      closing = true;
      await Promise.all(children.map((c) => stop(c)));
      await rm(socket, { force: true });
    },
  };
}

function spawnTied(cmd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(...tied(cmd, args), { stdio: ['ignore', 'ignore', 'pipe'], env });
}

function watch(
  child: ChildProcess,
  name: string,
  log: Logger,
  closing: () => boolean,
  onExit?: () => void,
): void {
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-2000);
  });
  child.on('error', (err) => log.error({ err, name }, `${name} could not be started`));
  child.on('exit', (code, signal) => {
    if (!closing()) log.error({ name, code, signal, stderr }, `${name} exited`);
    onExit?.();
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
    return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitFor(check: () => boolean, ms: number, message: string): Promise<void> {
  for (let waited = 0; waited < ms; waited += 20) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(message);
}
