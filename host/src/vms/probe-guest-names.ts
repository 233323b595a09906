import type { Hypervisor } from '../hypervisor/hypervisor.ts';

/** a probe guest older than this is a leftover of a host that died mid-probe: destroyed */
const LEFTOVER_AFTER_S = 120;

/**
 * The throw-away guests of the CPU and platform probes, named
 * `qx-<kind>-probe-<start time, base 36 seconds>-<random>`: a host that died mid-probe leaves
 * one running (transient, so nothing else removes it), and the name says how old it is.
 */
export function probeGuestNames(kind: 'cpu' | 'fw') {
  const pattern = new RegExp(`^qx-${kind}-probe-([0-9a-z]+)-[0-9a-f]+$`);
  return {
    /** a new probe guest's name */
    name: (uuid: string) =>
      `qx-${kind}-probe-${Math.floor(Date.now() / 1000).toString(36)}-${uuid.slice(0, 8)}`,
    /** any host's probe guest of this kind, by its name */
    matches: (name: string) => pattern.test(name),
    /** destroys the running probe guests of this kind older than LEFTOVER_AFTER_S */
    async destroyLeftovers(h: Hypervisor, onDestroyed: (name: string) => void = () => undefined) {
      const now = Date.now() / 1000;
      for (const d of await h.listDomains()) {
        const started = pattern.exec(d.name)?.[1];
        if (started && d.active && !d.persistent && now - Number.parseInt(started, 36) > LEFTOVER_AFTER_S) {
          await h.domainAction(d.uuid, 'destroy').catch(() => undefined);
          onDestroyed(d.name);
        }
      }
    },
  };
}
