import { useEffect, useRef } from 'preact/hooks';
import { useApi, useStore } from '../store/use-store.ts';

/**
 * On every virtualization page: which libvirt we talk to, or a clear banner while it is gone —
 * never an empty list that looks like "no VMs".
 */
export function HypervisorStatus() {
  const api = useApi();
  const hv = useStore((s) => s.hypervisor);
  useEffect(() => {
    void api.hypervisor.load();
  }, [api]);
  if (!hv) return null;
  if (!hv.available) {
    return (
      <div class="alert alert-warn" role="alert" data-testid="hypervisor-unavailable">
        <span>
          <span class="spinner" aria-hidden="true" /> Hypervisor unavailable —{' '}
          {hv.error ?? 'libvirt does not answer'}. Reconnecting…
        </span>
      </div>
    );
  }
  return (
    <div class="hv-line">
      <span class="muted" data-testid="hypervisor-uri">
        Connected to <code>{hv.uri}</code>
        {hv.libvirtVersion ? ` · libvirt ${hv.libvirtVersion}` : ''}
      </span>
      {hv.testDriver && (
        <span class="badge badge-warning" data-testid="test-driver-notice">
          libvirt test driver — nothing real runs
        </span>
      )}
    </div>
  );
}

/** false while libvirt is known to be gone; true when up, or not known yet. */
export function useHypervisorAvailable(): boolean {
  return useStore((s) => s.hypervisor?.available !== false);
}

/** Runs `reload` when libvirt comes back after being gone. */
export function useReloadWhenHypervisorBack(reload: () => void): void {
  const available = useHypervisorAvailable();
  const was = useRef(available);
  const latest = useRef(reload);
  latest.current = reload;
  useEffect(() => {
    if (!was.current && available) latest.current();
    was.current = available;
  }, [available]);
}
