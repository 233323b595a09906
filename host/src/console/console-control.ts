import { ConsoleStatus, type ControlRequest, MintedToken } from '@quantix/shared';
import type { ServiceView } from './banner.ts';
import type { HostAddress } from './host-addresses.ts';

/** What the console asks the running server, over its control socket. */
export interface ConsoleControl {
  status(): Promise<ConsoleStatus>;
  mintToken(): Promise<MintedToken>;
  /** a new password for an existing account */
  passwd(username: string, password: string): Promise<void>;
  /** the first administrator, while none exists */
  createAdmin(username: string, password: string): Promise<void>;
}

/** The console's requests over `send` (the control socket's client), answers parsed. */
export function createConsoleControl(send: (req: ControlRequest) => Promise<unknown>): ConsoleControl {
  return {
    status: async () => ConsoleStatus.parse(await send({ cmd: 'console-status' })),
    mintToken: async () => MintedToken.parse(await send({ cmd: 'token' })),
    passwd: async (username, password) => {
      await send({ cmd: 'passwd', username, password });
    },
    createAdmin: async (username, password) => {
      await send({ cmd: 'create-admin', username, password });
    },
  };
}

/**
 * The service as the banner shows it: its status, or "down" with what the console can read itself
 * (hostname and addresses). Never rejects: a console that cannot reach the service keeps polling.
 */
export function createServiceView(deps: {
  control: Pick<ConsoleControl, 'status'>;
  /** a status slower than this counts as no answer (a hung or starting server) */
  timeoutMs: number;
  local: () => Promise<{ hostname: string; addresses: HostAddress[] }>;
}): () => Promise<ServiceView> {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), deps.timeoutMs);
    });
    try {
      return { kind: 'up', status: await Promise.race([deps.control.status(), timeout]) };
    } catch (err) {
      // the control client's words for "no socket" and "nobody listening on it" (ENOENT, ECONNREFUSED)
      const absent = /server is running with this data directory/.test((err as Error).message);
      const local = await deps.local().catch(() => ({ hostname: '', addresses: [] }));
      return { kind: 'down', why: absent ? 'absent' : 'silent', ...local };
    } finally {
      clearTimeout(timer);
    }
  };
}
