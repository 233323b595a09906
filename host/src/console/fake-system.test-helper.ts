import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { ConsoleStatus, MintedToken } from '@quantix/shared';
import type { ConsoleControl } from './console-control.ts';
import type { NetInterface } from './net-interfaces.ts';
import { type ManagementNetwork, NETWORK_FILE, renderNetworkFile } from './network-config.ts';
import type { SystemActions } from './system-actions.ts';
import { createTerminal, type Terminal } from './terminal.ts';

/** A terminal over piped streams: `type` sends keys, `text` is everything written so far. */
export function fakeTerminal(size?: { cols: number; rows: number }) {
  const input = new PassThrough();
  const output = Object.assign(
    new PassThrough(),
    size ? { isTTY: true, columns: size.cols, rows: size.rows } : {},
  );
  let text = '';
  output.setEncoding('utf8').on('data', (c: string) => (text += c));
  const term: Terminal = createTerminal({ input, output });
  return {
    term,
    type: (keys: string) => input.write(keys),
    end: () => input.end(),
    text: () => text,
    /** the screens drawn so far (each starts with clear + home) */
    screens: () => text.split('\x1b[H\x1b[2J').slice(1),
    async waitFor(pattern: RegExp | string, timeoutMs = 3000): Promise<void> {
      const found = () => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
      const until = Date.now() + timeoutMs;
      while (!found()) {
        if (Date.now() > until) throw new Error(`waited for ${pattern} in:\n${text.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

export const STATUS: ConsoleStatus = {
  version: '0.4.0',
  commit: 'abcdef0123456789',
  hostId: '6f1c1b0e-2d7e-4c53-8f7e-4f4d3b2a1c0d',
  hostname: 'qx-test',
  port: 443,
  listenHost: '0.0.0.0',
  addresses: [{ iface: 'enp2s0', address: '192.168.10.7', family: 'IPv4' }],
  spki: `sha256:${'5a'.repeat(32)}`,
  hubs: [],
  setupCode: { code: 'ABCD-EFGH-JKLM', expiresAt: '2026-12-02T12:30:00.000Z' },
  hypervisorAvailable: true,
};

export const TOKEN: MintedToken = {
  token: 'tok.secret',
  tokenId: 'tok',
  expiresAt: '2026-12-02T13:00:00.000Z',
  join: `qx1.${'eyJ2IjoxLCJ1cmwiOiJodHRwczovLzE5Mi4xNjguMTAuNyJ9'.repeat(4)}`,
};

/** The control socket's answers, recording what was asked. */
export function fakeControl(calls: string[]): ConsoleControl {
  return {
    status: async () => STATUS,
    mintToken: async () => {
      calls.push('token');
      return TOKEN;
    },
    passwd: async (u, p) => {
      calls.push(`passwd ${u} ${p}`);
    },
    createAdmin: async (u, p) => {
      calls.push(`create-admin ${u} ${p}`);
    },
  };
}

export const INTERFACES: NetInterface[] = [
  { name: 'enp2s0', mac: '02:00:00:00:00:02', state: 'up', physical: true, addresses: ['192.168.10.7/24'] },
  { name: 'enp3s0', mac: '02:00:00:00:00:03', state: 'down', physical: true, addresses: [] },
];

/**
 * SystemActions for unit tests: records every call; applyNetwork writes the `.network` file into
 * `networkDir` as the real one would, without networkctl.
 */
export function fakeSystemActions(networkDir: string, logs = '') {
  const calls: string[] = [];
  const applied: ManagementNetwork[] = [];
  const ok = (what: string) => async () => {
    calls.push(what);
    return { ok: true, detail: '' };
  };
  const actions: SystemActions = {
    restart: ok('restart'),
    reboot: ok('reboot'),
    poweroff: ok('poweroff'),
    logs: async () => {
      calls.push('logs');
      return logs;
    },
    install: async () => {
      calls.push('install');
      return 0;
    },
    shell: async () => {
      calls.push('shell');
      return 0;
    },
    listInterfaces: async () => INTERFACES,
    applyNetwork: async (config) => {
      calls.push(`network ${config.iface} ${config.mode}`);
      applied.push(config);
      await writeFile(join(networkDir, NETWORK_FILE), renderNetworkFile(config));
      return { ok: true, detail: `wrote ${join(networkDir, NETWORK_FILE)}` };
    },
  };
  return { actions, calls, applied };
}
