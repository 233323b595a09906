import { readFile } from 'node:fs/promises';
import { ErrorCode } from '@quantix/shared';
import type { EventStore, Logger } from '@quantix/shared/server';
import { readFileIfExists, writeFileDurable } from '@quantix/shared/server';
import { z } from 'zod';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { TaskStore } from '../tasks/task-store.ts';
import { type BootStartOutcome, bootStartOrder, runBootStarts } from './vm-boot-order.ts';
import type { VmInventory } from './vm-inventory.ts';
import type { VmService } from './vm.service.ts';

/** The event source of what the ordered start does. */
export const BOOT_START_SOURCE = 'start at boot';

/** `<data>/boot-start.json`: the machine boot the ordered start last ran for. */
const BootStartState = z.object({ bootId: z.string().min(1), at: z.string() });

export interface BootStarter {
  /**
   * Starts the VMs with a start order, once per machine boot: nothing when this boot's id is the
   * one recorded (the host process alone was restarted). Resolves when done (null: not this time).
   */
  run(): Promise<BootStartOutcome[] | null>;
  /** stops between two VMs (host shutdown); the sequence is not resumed */
  stop(): void;
}

export function createBootStarter(deps: {
  /** /proc/sys/kernel/random/boot_id: a new random id at every boot of the machine */
  bootIdFile: string;
  stateFile: string;
  monitor: HypervisorMonitor;
  inventory: VmInventory;
  vms: Pick<VmService, 'action'>;
  events: EventStore;
  /** each start is a task in the host's task list (target `vm:<uuid>`) */
  tasks?: Pick<TaskStore, 'begin' | 'finish'>;
  log: Logger;
}): BootStarter {
  let stopped = false;
  const sleeping = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        sleeping.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      sleeping.add(done);
    });
  const record = (level: 'info' | 'warning' | 'error', message: string) =>
    void deps.events.record({ level, category: 'vm', message, source: BOOT_START_SOURCE });
  // at machine boot the host may be up before libvirtd: wait for it, however long that takes
  const hypervisorUp = () =>
    new Promise<void>((resolve) => {
      if (deps.monitor.status().available) return resolve();
      const off = deps.monitor.onChange((s) => {
        if (!s.available) return;
        off();
        resolve();
      });
    });

  return {
    async run() {
      let bootId: string;
      try {
        bootId = (await readFile(deps.bootIdFile, 'utf8')).trim();
        if (!bootId) throw new Error('empty');
      } catch (err) {
        // without a boot id a restart could not be told from a boot: start nothing rather than twice
        deps.log.warn({ err, file: deps.bootIdFile }, 'no boot id: VMs with a start order are not started');
        return null;
      }
      const text = await readFileIfExists(deps.stateFile).catch(() => null);
      const last = text ? BootStartState.safeParse(safeJson(text)) : null;
      if (last?.success && last.data.bootId === bootId) {
        deps.log.info({ bootId }, 'ordered start at boot already done for this boot');
        return null;
      }
      await hypervisorUp();
      await deps.inventory.ready();
      if (stopped) return null;
      // recorded before the first start: a host restarted in the middle does not start anything again
      await writeFileDurable(deps.stateFile, `${JSON.stringify({ bootId, at: new Date().toISOString() })}\n`);
      const list = bootStartOrder(
        deps.inventory.all().map((r) => ({
          uuid: r.info.uuid,
          name: r.info.name,
          persistent: r.info.persistent,
          libvirtAutostart: r.info.autostart,
          meta: r.spec.metadata,
        })),
      );
      if (list.length === 0) return [];
      record('info', `Start at boot: ${list.map((v) => `${v.name} (${v.order})`).join(', ')}`);
      const outcomes = await runBootStarts(list, {
        start: async (vm) => {
          const task = deps.tasks?.begin({
            title: `Start VM "${vm.name}" at boot (order ${vm.order})`,
            target: `vm:${vm.uuid}`,
            user: BOOT_START_SOURCE,
          });
          try {
            await deps.vms.action(vm.uuid, 'start', BOOT_START_SOURCE);
            if (task) deps.tasks?.finish(task, { ok: true });
          } catch (err) {
            const code = ErrorCode.safeParse((err as { code?: unknown }).code);
            if (task) {
              deps.tasks?.finish(task, {
                ok: false,
                code: code.success ? code.data : 'INTERNAL',
                message: (err as Error).message,
              });
            }
            throw err;
          }
        },
        isActive: (uuid) => {
          const s = deps.inventory.get(uuid)?.state;
          return s !== undefined && s !== 'shutoff' && s !== 'crashed';
        },
        sleep,
        stopped: () => stopped,
        report: (o) => {
          if (o.outcome === 'running') record('info', `Start at boot: "${o.vm.name}" was already running`);
          // a start that libvirt refused is recorded by the VM service with its explanation
          else if (o.outcome === 'failed' && (o.error as { code?: string }).code !== 'VM_START_FAILED')
            record('error', `Start at boot: could not start "${o.vm.name}": ${o.error.message}`);
        },
      });
      const failed = outcomes.filter((o) => o.outcome === 'failed').length;
      record(
        failed ? 'warning' : 'info',
        `Start at boot: done (${outcomes.length - failed} of ${list.length} running${failed ? `, ${failed} failed` : ''})`,
      );
      return outcomes;
    },
    stop() {
      stopped = true;
      for (const wake of [...sleeping]) wake();
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
