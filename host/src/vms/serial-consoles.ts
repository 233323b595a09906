// The VMs' serial consoles: one open pty per VM however many browsers view it, its output fanned
// out to every viewer (with the last 64 KB replayed to a newcomer), and one writer at a time —
// the first viewer types; later ones are read-only until the writer leaves or they take over.
// The pty is closed when the last viewer leaves (QEMU drops the output nobody reads).
import { AppError } from '@quantix/shared';
import type { Logger } from '@quantix/shared/server';

/** A VM's serial line, opened (the real one: serial-pty.ts). */
export interface SerialPort {
  write(data: Buffer): void;
  onData(fn: (data: Buffer) => void): void;
  /** once, when the port goes away (the VM stopped) or is closed */
  onClose(fn: () => void): void;
  close(): void;
}

export type SerialMode = 'write' | 'read-only';

export interface SerialViewer {
  data(chunk: Buffer): void;
  mode(mode: SerialMode, message: string): void;
  /** the console ended (the VM stopped) */
  end(reason: string): void;
}

export interface SerialAttachment {
  input(data: Buffer): void;
  /** become the writer (the former writer turns read-only) */
  takeOver(): void;
  leave(): void;
}

export interface SerialConsoles {
  attach(uuid: string, viewer: SerialViewer): Promise<SerialAttachment>;
  /** how many VMs have an open console */
  readonly open: number;
  close(): void;
}

const BACKLOG_BYTES = 64 * 1024;

interface Session {
  port: SerialPort;
  viewers: SerialViewer[]; // viewers[0] writes
  backlog: Buffer[];
  backlogBytes: number;
}

export function createSerialConsoles(deps: {
  /** the VM's pty (VM_NOT_FOUND, VM_STATE_INVALID when it is not running or has no serial port) */
  resolve: (uuid: string) => Promise<{ path: string; name: string }>;
  openPort: (path: string) => Promise<SerialPort>;
  log: Logger;
}): SerialConsoles {
  const sessions = new Map<string, Session>();
  const opening = new Map<string, Promise<Session>>();

  const announce = (s: Session) => {
    s.viewers.forEach((v, i) => {
      if (i === 0) v.mode('write', 'you can type');
      else v.mode('read-only', 'read-only: someone else is typing on this console');
    });
  };

  const open = async (uuid: string): Promise<Session> => {
    const { path, name } = await deps.resolve(uuid);
    const port = await deps.openPort(path);
    // The VM may have stopped between the read of its XML and the open, and its pty number been
    // given to someone else's terminal (an SSH login): the open counts only if the running VM
    // still names that same pty.
    const again = await deps.resolve(uuid).catch(() => null);
    if (again?.path !== path) {
      port.close();
      throw new AppError('VM_STATE_INVALID', 'the VM stopped while its serial console was opening');
    }
    const s: Session = { port, viewers: [], backlog: [], backlogBytes: 0 };
    port.onData((chunk) => {
      s.backlog.push(chunk);
      s.backlogBytes += chunk.length;
      while (s.backlogBytes > BACKLOG_BYTES && s.backlog.length > 1) {
        s.backlogBytes -= s.backlog.shift()?.length ?? 0;
      }
      for (const v of s.viewers) v.data(chunk);
    });
    port.onClose(() => {
      if (sessions.get(uuid) !== s) return;
      sessions.delete(uuid);
      for (const v of s.viewers.splice(0)) v.end('the serial port closed (the VM stopped?)');
    });
    deps.log.info({ vm: name, pty: path }, 'serial console opened');
    sessions.set(uuid, s);
    return s;
  };

  const sessionOf = (uuid: string): Promise<Session> => {
    const s = sessions.get(uuid);
    if (s) return Promise.resolve(s);
    let p = opening.get(uuid);
    if (!p) {
      p = open(uuid).finally(() => opening.delete(uuid));
      opening.set(uuid, p);
    }
    return p;
  };

  return {
    async attach(uuid, viewer) {
      let s = await sessionOf(uuid);
      // the port may have closed while we waited for it: open it again (once)
      if (sessions.get(uuid) !== s) s = await sessionOf(uuid);
      s.viewers.push(viewer);
      if (s.backlog.length > 0) viewer.data(Buffer.concat(s.backlog));
      announce(s);
      let left = false;
      return {
        input(data) {
          if (!left && s.viewers[0] === viewer) s.port.write(data);
        },
        takeOver() {
          const i = s.viewers.indexOf(viewer);
          if (left || i <= 0) return;
          s.viewers.splice(i, 1);
          s.viewers.unshift(viewer);
          announce(s);
        },
        leave() {
          if (left) return;
          left = true;
          const i = s.viewers.indexOf(viewer);
          if (i >= 0) s.viewers.splice(i, 1);
          if (s.viewers.length > 0) {
            if (i === 0) announce(s); // the next in line writes now
            return;
          }
          if (sessions.get(uuid) === s) sessions.delete(uuid);
          s.port.close();
        },
      };
    },
    get open() {
      return sessions.size;
    },
    close() {
      for (const [uuid, s] of sessions) {
        sessions.delete(uuid);
        for (const v of s.viewers.splice(0)) v.end('the host is shutting down');
        s.port.close();
      }
    },
  };
}
