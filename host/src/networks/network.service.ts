import { AppError, type NetworkCreateRequest, type NetworkSummary } from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { NetworkInfo } from '../hypervisor/hypervisor.ts';
import { buildNetworkXml, parseNetworkXml } from '../libvirt-xml/network-xml.ts';

export interface NetworkService {
  list(): Promise<NetworkSummary[]>;
  create(req: NetworkCreateRequest, by: string): Promise<NetworkSummary>;
  start(name: string, by: string): Promise<void>;
  stop(name: string, by: string): Promise<void>;
  setAutostart(name: string, on: boolean): Promise<void>;
  remove(name: string, by: string): Promise<void>;
}

export function createNetworkService(deps: {
  monitor: HypervisorMonitor;
  events: EventStore;
  /** VMs with a NIC on this libvirt network, for the "in use" check */
  usersOf: (network: string) => string[];
}): NetworkService {
  const hv = () => deps.monitor.get();
  const record = (message: string, source: string) =>
    void deps.events.record({ level: 'info', category: 'network', message, source });
  const summarize = (n: NetworkInfo): NetworkSummary => {
    const p = parseNetworkXml(n.xml);
    return {
      uuid: n.uuid,
      name: n.name,
      active: n.active,
      autostart: n.autostart,
      bridge: p.bridge,
      mode: p.mode,
      ipv4: p.ipv4 ? `${p.ipv4.address}/${p.ipv4.prefix}` : null,
    };
  };
  const find = async (name: string) => {
    const n = (await hv().listNetworks()).find((x) => x.name === name);
    if (!n) throw new AppError('NETWORK_NOT_FOUND', `no network named "${name}"`);
    return n;
  };
  return {
    async list() {
      return (await hv().listNetworks()).map(summarize).sort((a, b) => a.name.localeCompare(b.name));
    },
    async create(req, by) {
      const h = hv();
      if ((await h.listNetworks()).some((n) => n.name === req.name)) {
        throw new AppError('NAME_TAKEN', `a network named "${req.name}" already exists`);
      }
      const n = await h.defineNetwork(buildNetworkXml(req));
      try {
        await h.startNetwork(n.uuid);
        await h.setNetworkAutostart(n.uuid, true);
      } catch (err) {
        // undefining a running network would leave it running, transient, bridge and all
        await h.stopNetwork(n.uuid).catch(() => undefined);
        await h.undefineNetwork(n.uuid).catch(() => undefined);
        throw err;
      }
      record(`Network "${req.name}" (${req.mode}) created`, by);
      return summarize(await h.network(n.uuid));
    },
    async start(name, by) {
      await hv().startNetwork((await find(name)).uuid);
      record(`Network "${name}" started`, by);
    },
    async stop(name, by) {
      const users = deps.usersOf(name);
      if (users.length)
        throw new AppError('NETWORK_IN_USE', `network "${name}" is used by: ${users.join(', ')}`, {
          details: { vms: users },
        });
      await hv().stopNetwork((await find(name)).uuid);
      record(`Network "${name}" stopped`, by);
    },
    async setAutostart(name, on) {
      await hv().setNetworkAutostart((await find(name)).uuid, on);
    },
    async remove(name, by) {
      const users = deps.usersOf(name);
      if (users.length)
        throw new AppError('NETWORK_IN_USE', `network "${name}" is used by: ${users.join(', ')}`, {
          details: { vms: users },
        });
      const n = await find(name);
      if (n.active) await hv().stopNetwork(n.uuid);
      await hv().undefineNetwork(n.uuid);
      record(`Network "${name}" removed`, by);
    },
  };
}
