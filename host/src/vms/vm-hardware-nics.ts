import { randomBytes } from 'node:crypto';
import {
  AppError,
  type NicNetwork,
  type VmHardwareResult,
  type VmNicAdd,
  type VmNicUpdate,
} from '@quantix/shared';
import { addNic, removeNic, updateNic } from '../libvirt-xml/domain-edit-devices.ts';
import { parseHardwareXml } from '../libvirt-xml/domain-edit-parse.ts';
import { bootsFrom } from '../libvirt-xml/domain-edit.ts';
import type { HardwareCore } from './vm-hardware-core.ts';

export interface NicEdits {
  addNic(uuid: string, req: VmNicAdd, by: string): Promise<VmHardwareResult>;
  updateNic(uuid: string, mac: string, req: VmNicUpdate, by: string): Promise<VmHardwareResult>;
  removeNic(uuid: string, mac: string, by: string): Promise<VmHardwareResult>;
}

/** Network interfaces, addressed by MAC. */
export function createNicEdits(core: HardwareCore): NicEdits {
  const { hv, edit, define, tryLive, pendingNote } = core;

  const checkNetwork = async (net: NicNetwork | undefined) => {
    if (net?.type !== 'network') return;
    const nets = await hv().listNetworks();
    if (!nets.some((n) => n.name === net.name)) {
      throw new AppError('NETWORK_NOT_FOUND', `no virtual network named "${net.name}"`);
    }
  };

  const newMac = (taken: Set<string>): string => {
    for (;;) {
      const b = randomBytes(3);
      const mac = `52:54:00:${[...b].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
      if (!taken.has(mac)) return mac;
    }
  };

  return {
    addNic: (uuid, req, by) =>
      edit(uuid, by, async (ctx) => {
        await checkNetwork(req.network);
        const macs = new Set(
          [ctx.config, ctx.live].flatMap((x) => (x ? parseHardwareXml(x).nics.map((n) => n.mac ?? '') : [])),
        );
        if (req.mac && macs.has(req.mac)) {
          throw new AppError(
            'EDIT_REFUSED',
            `"${ctx.name}" already has a network interface with MAC ${req.mac}`,
          );
        }
        // our own MAC when none is given: the live and the persistent copy must be the same NIC
        const mac = req.mac ?? newMac(macs);
        const edited = addNic(ctx.config, { ...req, mac });
        await define(ctx, edited.xml);
        const what = `network interface ${mac} (${req.model}, ${req.network.type}) added`;
        ctx.done.push(what);
        if (ctx.active) await tryLive(ctx, what, () => hv().attachDevice(uuid, edited.device, 'live'));
      }),

    updateNic: (uuid, mac, req, by) =>
      edit(uuid, by, async (ctx) => {
        await checkNetwork(req.network);
        await define(ctx, updateNic(ctx.config, mac, req).xml);
        const changes = [
          req.network
            ? `network ${req.network.type === 'user' ? 'user mode' : `${req.network.type} ${req.network.name}`}`
            : '',
          req.model ? `model ${req.model}` : '',
          req.mac ? `MAC ${req.mac}` : '',
          req.link ? `link ${req.link}` : '',
        ].filter(Boolean);
        ctx.done.push(`network interface ${mac}: ${changes.join(', ')}`);
        if (req.network || req.model || (req.mac && req.mac !== mac.toLowerCase())) {
          pendingNote(
            ctx,
            `network interface ${mac}: ${changes.filter((c) => !c.startsWith('link')).join(', ')}`,
          );
        }
        if (req.link && ctx.live) {
          const liveXml = ctx.live;
          const inLive = parseHardwareXml(liveXml).nics.some((n) => n.mac === mac.toLowerCase());
          const what = `network interface ${mac}: link ${req.link}`;
          if (inLive) {
            await tryLive(ctx, what, () =>
              hv().updateDevice(uuid, updateNic(liveXml, mac, { link: req.link }).device, 'live'),
            );
          } else pendingNote(ctx, what);
        }
      }),

    removeNic: (uuid, mac, by) =>
      edit(uuid, by, async (ctx) => {
        const xml = removeNic(ctx.config, mac).xml;
        const rest = parseHardwareXml(xml);
        if (rest.nics.length === 0 && bootsFrom(ctx.config, 'network')) {
          throw new AppError(
            'EDIT_REFUSED',
            `${mac} is the last NIC of "${ctx.name}", which boots from the network: change the boot order first`,
          );
        }
        await define(ctx, xml);
        ctx.done.push(`network interface ${mac} removed`);
        pendingNote(ctx, `network interface ${mac} removed`);
      }),
  };
}
