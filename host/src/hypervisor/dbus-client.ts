import dbus, { type Message, type MessageBus } from 'dbus-next';

const { Message: DbusMessage, Variant } = dbus;
export const LIBVIRT_BUS_NAME = 'org.libvirt';
const MAX_IN_FLIGHT = 32;
/** libvirt answers in milliseconds; a call still open after this is lost, not slow */
const CALL_TIMEOUT_MS = 25_000;
const DISCONNECTED = 'org.freedesktop.DBus.Error.Disconnected';

/** A D-Bus error reply, with libvirt's message text. */
export class DbusCallError extends Error {
  readonly errorName: string;
  constructor(errorName: string, text: string) {
    super(text);
    this.name = 'DbusCallError';
    this.errorName = errorName;
  }
}

export interface DbusClient {
  call(
    path: string,
    iface: string,
    member: string,
    signature?: string,
    body?: unknown[],
    /** how long an answer may take; default 25 s */
    timeoutMs?: number,
  ): Promise<unknown[]>;
  /** a method of the bus itself (org.freedesktop.DBus), e.g. ListNames */
  callBus(member: string): Promise<unknown[]>;
  getAll(path: string, iface: string): Promise<Record<string, unknown>>;
  set(path: string, iface: string, property: string, signature: string, value: unknown): Promise<void>;
  /** Subscribes to a signal of org.libvirt; returns an unsubscribe function. */
  onSignal(iface: string, member: string, fn: (path: string, body: unknown[]) => void): () => void;
  /** true once the bus connection is gone: every call then fails at once */
  readonly dead: boolean;
  close(): void;
}

/**
 * Thin, typed-at-the-edges access to libvirt-dbus with dbus-next's low-level API: plain method
 * calls on known object paths, no introspection round trips (which would cost one call per
 * object on a host with 500 VMs).
 */
export async function connectDbus(address: string): Promise<DbusClient> {
  const bus: MessageBus = dbus.sessionBus({ busAddress: address });
  await new Promise<void>((resolve, reject) => {
    bus.once('connect', () => resolve());
    bus.once('error', reject);
  });
  // A dropped bus must fail calls, not leave them waiting forever: dbus-next itself never settles
  // the calls that were in flight when the connection went.
  let dead = false;
  const pending = new Set<(err: Error) => void>();
  const lost = () => new DbusCallError(DISCONNECTED, 'the D-Bus connection to libvirt-dbus was lost');
  const die = () => {
    if (dead) return;
    dead = true;
    for (const reject of pending) reject(lost());
    pending.clear();
  };
  bus.on('error', die);
  const stream = (bus as unknown as { _connection?: { stream?: NodeJS.EventEmitter } })._connection?.stream;
  stream?.on('close', die);
  stream?.on('end', die);
  const handlers = new Map<string, Set<(path: string, body: unknown[]) => void>>();
  bus.on('message', (msg: Message) => {
    if (msg.type !== dbus.MessageType.SIGNAL) return;
    // libvirt-dbus itself went away (crashed, restarted): the events it was sending us are gone
    // with it, so this connection is as good as lost and the monitor starts over
    if (msg.member === 'NameOwnerChanged' && msg.body[0] === LIBVIRT_BUS_NAME && msg.body[2] === '') die();
    const set = handlers.get(`${msg.interface}.${msg.member}`);
    if (set) for (const fn of set) fn(msg.path, msg.body.map(unwrap));
  });

  const busMethod = (member: string, signature = '', body: unknown[] = []) =>
    bus.call(
      new DbusMessage({
        destination: 'org.freedesktop.DBus',
        path: '/org/freedesktop/DBus',
        interface: 'org.freedesktop.DBus',
        member,
        signature,
        body,
      }),
    );
  const addMatch = (rule: string) => busMethod('AddMatch', 's', [rule]).catch(() => undefined);
  await addMatch(
    `type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='${LIBVIRT_BUS_NAME}'`,
  );

  // A bus allows a connection only so many calls awaiting replies (the system bus: 128), so a burst
  // (loading 500 VMs) goes through a window of 32 in flight.
  let inFlight = 0;
  const queue: Array<() => void> = [];
  const call: DbusClient['call'] = async (path, iface, member, signature = '', body = [], timeoutMs) => {
    if (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => queue.push(resolve));
    inFlight++;
    try {
      return await callNow(path, iface, member, signature, body, timeoutMs);
    } finally {
      inFlight--;
      queue.shift()?.();
    }
  };
  const callNow: DbusClient['call'] = async (
    path,
    iface,
    member,
    signature = '',
    body = [],
    timeoutMs = CALL_TIMEOUT_MS,
  ) => {
    if (dead) throw lost();
    let reject: (err: Error) => void = () => undefined;
    const failed = new Promise<never>((_, r) => {
      reject = r;
    });
    pending.add(reject);
    const timer = setTimeout(
      () =>
        reject(
          new DbusCallError(
            'org.freedesktop.DBus.Error.NoReply',
            `no answer to ${member} in ${timeoutMs / 1000} s`,
          ),
        ),
      timeoutMs,
    );
    try {
      const reply = await Promise.race([
        bus.call(
          new DbusMessage({ destination: LIBVIRT_BUS_NAME, path, interface: iface, member, signature, body }),
        ),
        failed,
      ]);
      return (reply?.body ?? []).map(unwrap);
    } catch (err) {
      if (err instanceof DbusCallError) throw err;
      const e = err as { type?: string; text?: string; message?: string };
      throw new DbusCallError(
        e.type ?? 'org.freedesktop.DBus.Error.Failed',
        e.text ?? e.message ?? String(err),
      );
    } finally {
      clearTimeout(timer);
      pending.delete(reject);
    }
  };

  return {
    call,
    async callBus(member) {
      const reply = await busMethod(member);
      return (reply?.body ?? []).map(unwrap);
    },
    async getAll(path, iface) {
      const [props] = await call(path, 'org.freedesktop.DBus.Properties', 'GetAll', 's', [iface]);
      return (props ?? {}) as Record<string, unknown>;
    },
    async set(path, iface, property, signature, value) {
      await call(path, 'org.freedesktop.DBus.Properties', 'Set', 'ssv', [
        iface,
        property,
        new Variant(signature, value),
      ]);
    },
    onSignal(iface, member, fn) {
      const key = `${iface}.${member}`;
      let set = handlers.get(key);
      if (!set) {
        set = new Set();
        handlers.set(key, set);
        void addMatch(`type='signal',sender='${LIBVIRT_BUS_NAME}',interface='${iface}',member='${member}'`);
      }
      set.add(fn);
      return () => set.delete(fn);
    },
    get dead() {
      return dead;
    },
    close() {
      die();
      bus.disconnect();
    },
  };
}

/** Variants (and nested ones) to plain values; 64-bit integers stay bigint. */
function unwrap(v: unknown): unknown {
  if (v instanceof Variant) return unwrap(v.value);
  if (Array.isArray(v)) return v.map(unwrap);
  if (v && typeof v === 'object' && !(v instanceof Buffer) && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = unwrap(x);
    return out;
  }
  return v;
}
