import {
  type AddHostRequest,
  AppError,
  type HostPreview,
  type HubHost,
  type HubHostChanged,
  type StoredHubHost,
} from '@quantix/shared';
import type { EventStore, Logger } from '@quantix/shared/server';
import type { HostLinks, HostLive } from '../link/host-links.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { Adoption } from './adoption.service.ts';

export interface HostsService {
  list(): Promise<HubHost[]>;
  /** `HOST_NOT_FOUND` when there is no such host */
  get(hostId: string): Promise<HubHost>;
  find(hostId: string): Promise<HubHost | null>;
  discover(req: AddHostRequest, by: string): Promise<HostPreview>;
  add(req: AddHostRequest, by: string): Promise<HubHost>;
  /** re-pairs a host whose certificate changed: a full adoption taking the old record's place */
  repair(hostId: string, req: AddHostRequest, by: string): Promise<HubHost>;
  setMaintenance(hostId: string, maintenance: boolean, by: string): Promise<HubHost>;
  remove(hostId: string, by: string): Promise<void>;
  /** told after each change this service made (`host: null`: removed) */
  onChange(fn: (c: HubHostChanged) => void): () => void;
}

/** A stored record with its live part; the credential never leaves the store. */
export function toHubHost(h: StoredHubHost, live: HostLive): HubHost {
  return {
    hostId: h.hostId,
    hostname: h.hostname,
    url: h.url,
    spki: h.spki,
    version: h.version,
    via: h.via,
    adoptedAt: h.adoptedAt,
    state: live.state,
    stateReason: live.stateReason,
    lastSeenAt: live.lastSeenAt ?? h.lastSeenAt,
    maintenance: h.maintenance,
    status: live.status,
    inventory: h.inventory,
  };
}

/** The link may be gone by the time the host is told; the removal goes on without it. */
const UNTOLD = new Set(['HOST_NOT_CONNECTED', 'COMMAND_TIMEOUT']);

/** The hosts the hub manages: adoption, re-pairing, maintenance and removal, each in the event log. */
export function createHostsService(deps: {
  store: HubStore;
  links: HostLinks;
  adoption: Adoption;
  events: EventStore;
  log: Logger;
}): HostsService {
  const { store, links, adoption, events, log } = deps;
  const listeners = new Set<(c: HubHostChanged) => void>();
  const view = (h: StoredHubHost) => toHubHost(h, links.live(h.hostId));
  const changed = (hostId: string, host: HubHost | null) => {
    for (const fn of listeners) fn({ hostId, host });
  };
  const stored = async (hostId: string) => {
    const h = await store.getHost(hostId);
    if (!h) throw new AppError('HOST_NOT_FOUND', `no host ${hostId.slice(0, 64)} on this hub`);
    return h;
  };

  /** A failed adoption is logged (never the token); a refused identity is also a security event. */
  const adopting = async <T>(what: string, by: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const { phase, hostUrl } = err.toBody().error;
      log.warn({ code: err.code, phase, hostUrl, by }, `${what} failed: ${err.message}`);
      if (err.code === 'HOST_IDENTITY_MISMATCH') {
        await events.record({
          level: 'warning',
          category: 'security',
          message: `${what} at ${hostUrl ?? 'an unknown URL'} refused: ${err.message}`,
          source: by,
          details: { code: err.code, ...(hostUrl ? { hostUrl } : {}) },
        });
      }
      throw err;
    }
  };

  return {
    list: async () => (await store.listHosts()).map(view),
    get: async (hostId) => view(await stored(hostId)),
    async find(hostId) {
      const h = await store.getHost(hostId);
      return h ? view(h) : null;
    },
    discover: (req, by) => adopting('Discovery', by, () => adoption.preview(req)),
    async add(req, by) {
      const { host, tokenId } = await adopting('Adding a host', by, () => adoption.adopt(req));
      await events.record({
        level: 'info',
        category: 'registration',
        message: `Host "${host.hostname}" (${host.url}) added with registration token ${tokenId}`,
        source: by,
        details: { hostId: host.hostId, url: host.url, spki: host.spki, tokenId },
      });
      const v = view(host);
      changed(host.hostId, v);
      return v;
    },
    async repair(hostId, req, by) {
      const old = await stored(hostId);
      const { host, tokenId } = await adopting('Re-pairing a host', by, () =>
        adoption.adopt(req, { replacing: hostId }),
      );
      // the old record's link (if any) spoke for the old key: the link server starts afresh
      links.drop(hostId);
      await events.record({
        level: 'info',
        category: 'registration',
        message:
          `Host "${host.hostname}" (${host.url}) re-paired with registration token ${tokenId}` +
          (old.spki === host.spki ? '' : `: its certificate key changed from ${old.spki} to ${host.spki}`),
        source: by,
        details: {
          hostId: host.hostId,
          oldHostId: hostId,
          url: host.url,
          spki: host.spki,
          oldSpki: old.spki,
          tokenId,
        },
      });
      const v = view(host);
      if (hostId !== host.hostId) changed(hostId, null);
      changed(host.hostId, v);
      return v;
    },
    async setMaintenance(hostId, maintenance, by) {
      const before = await stored(hostId);
      const h = await store.updateHost(hostId, { maintenance });
      if (before.maintenance !== maintenance) {
        await events.record({
          level: 'info',
          category: 'system',
          message: `Host "${h.hostname}" ${maintenance ? 'put in maintenance' : 'taken out of maintenance'}`,
          source: by,
          details: { hostId, maintenance },
        });
      }
      const v = view(h);
      changed(hostId, v);
      return v;
    },
    async remove(hostId, by) {
      const h = await stored(hostId);
      let told = false;
      if (links.live(hostId).state === 'connected') {
        try {
          await links.forget(hostId, `removed from the hub by ${by}`);
          told = true;
        } catch (err) {
          if (!(err instanceof AppError && UNTOLD.has(err.code))) throw err;
        }
      }
      links.drop(hostId);
      await store.removeHost(hostId);
      await events.record({
        level: 'info',
        category: 'registration',
        message:
          `Host "${h.hostname}" (${h.url}) removed` +
          (told ? '; it was told to forget this hub' : '; it was not connected, so it still lists this hub'),
        source: by,
        details: { hostId, url: h.url, told },
      });
      changed(hostId, null);
    },
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
