import { AppError, type VmHardwareResult, type VmHardwareUpdate } from '@quantix/shared';
import { parseHardwareXml } from '../libvirt-xml/domain-edit-parse.ts';
import {
  setBootOrder,
  setCpuModel,
  setDescription,
  setMemory,
  setVcpus,
} from '../libvirt-xml/domain-edit.ts';
import { cpuLabel } from './start-failure.ts';
import type { HardwareCore } from './vm-hardware-core.ts';
import { applyStartAtBoot } from './vm-start-at-boot.ts';

export interface SettingsEdits {
  /** vCPUs, topology, memory, CPU type, boot order, description, autostart */
  update(uuid: string, req: VmHardwareUpdate, by: string): Promise<VmHardwareResult>;
}

/** The edits of what is not a device. */
export function createSettingsEdits(core: HardwareCore): SettingsEdits {
  const { deps, hv, edit, define, tryLive, pendingNote } = core;
  return {
    update: (uuid, req, by) =>
      edit(uuid, by, async (ctx) => {
        const conf = parseHardwareXml(ctx.config);
        const live = ctx.live ? parseHardwareXml(ctx.live) : null;
        let xml = ctx.config;
        const live_: Array<() => Promise<void>> = [];

        if (req.vcpus !== undefined || req.maxVcpus !== undefined || req.topology !== undefined) {
          const t = req.topology;
          let max = req.maxVcpus ?? (t ? t.sockets * t.cores * t.threads : conf.maxVcpus);
          if (req.vcpus !== undefined && req.vcpus > max && req.maxVcpus === undefined && !t) {
            if (ctx.active) {
              throw new AppError(
                'EDIT_REFUSED',
                `"${ctx.name}" runs with at most ${conf.maxVcpus} vCPUs; raise the maximum (from its next start) to go beyond`,
              );
            }
            max = req.vcpus;
          }
          const vcpus = req.vcpus ?? (conf.vcpus === conf.maxVcpus ? max : Math.min(conf.vcpus, max));
          xml = setVcpus(xml, { vcpus, maxVcpus: max, ...(t !== undefined ? { topology: t } : {}) });
          ctx.done.push(`vCPUs ${vcpus}${max !== vcpus ? ` of ${max}` : ''}`);
          const after = parseHardwareXml(xml);
          if (
            live &&
            (after.maxVcpus !== live.maxVcpus ||
              JSON.stringify(after.topology) !== JSON.stringify(live.topology))
          ) {
            pendingNote(ctx, 'vCPU maximum and topology');
          } else if (live && vcpus > live.vcpus) {
            live_.push(
              async () =>
                void (await tryLive(ctx, `vCPUs ${vcpus}`, () => hv().setVcpus(uuid, vcpus, 'live'))),
            );
          } else if (live && vcpus < live.vcpus) {
            // taking vCPUs away needs the guest's cooperation, which a hung or BIOS-only guest never gives
            pendingNote(ctx, `vCPUs ${vcpus}`);
          }
        }

        if (req.memoryMiB !== undefined || req.currentMemoryMiB !== undefined) {
          const max = req.memoryMiB ?? conf.memoryMiB;
          const cur =
            req.currentMemoryMiB ??
            (conf.currentMemoryMiB === conf.memoryMiB ? max : Math.min(conf.currentMemoryMiB, max));
          xml = setMemory(xml, { memoryMiB: max, currentMemoryMiB: cur });
          ctx.done.push(`memory ${cur} MiB${cur !== max ? ` of ${max} MiB` : ''}`);
          if (live && max !== live.memoryMiB) pendingNote(ctx, `memory maximum ${max} MiB`);
          if (live && cur !== live.currentMemoryMiB) {
            if (cur <= live.memoryMiB) {
              live_.push(
                async () =>
                  void (await tryLive(ctx, `memory (balloon) ${cur} MiB`, () =>
                    hv().setMemory(uuid, Math.round(cur * 1024), 'live'),
                  )),
              );
            } else pendingNote(ctx, `memory ${cur} MiB (above the running maximum)`);
          }
        }

        if (req.cpu) {
          await deps.cpu.assertStartable(req.cpu);
          xml = setCpuModel(xml, req.cpu);
          const label = cpuLabel({
            mode: req.cpu.mode,
            model: req.cpu.mode === 'custom' ? req.cpu.model : null,
          });
          ctx.done.push(`CPU ${label}`);
          pendingNote(ctx, `CPU ${label}`);
        }
        if (req.bootOrder) {
          xml = setBootOrder(xml, req.bootOrder);
          ctx.done.push(`boot order ${req.bootOrder.join(', ')}`);
          pendingNote(ctx, 'boot order');
        }
        if (req.description !== undefined) {
          const text = req.description;
          xml = setDescription(xml, text);
          ctx.done.push('description');
          if (live && live.description !== text) {
            live_.push(
              async () =>
                void (await tryLive(ctx, 'description', () => hv().setDomainDescription(uuid, text, 'live'))),
            );
          }
        }

        await define(ctx, xml);
        for (const f of live_) await f();

        if (req.autostart) {
          // libvirt's flag without an order, the host's ordered start with one (vm-start-at-boot.ts)
          const a = req.autostart;
          await applyStartAtBoot({ hv, metadata: deps.metadata }, uuid, a);
          if (a.enabled !== undefined) ctx.done.push(`autostart ${a.enabled ? 'on' : 'off'}`);
          if (a.order !== undefined || a.delaySeconds !== undefined) ctx.done.push('start order and delay');
        }
      }),
  };
}
