import { useEffect, useRef } from 'preact/hooks';
import type { ErrorInfo } from '../store/app-state.ts';
import { errorBesideBanner, isStale } from '../store/stale.ts';
import { useApi, useStore } from '../store/use-store.ts';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';

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
      <div class="alert alert-warn hv-stale" role="alert" data-testid="hypervisor-unavailable">
        <span>
          <span class="spinner" aria-hidden="true" /> <strong>Hypervisor unavailable</strong> —{' '}
          {hv.error ?? 'libvirt does not answer'}. Reconnecting…
          <br />
          <span data-testid="stale-banner">
            Not live: what this page shows was read before libvirt went away. VM and pool states may have
            changed since, and VM CPU and memory use is not shown. Everything is read again when libvirt is
            back.
          </span>
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
  return useStore((s) => !isStale(s.hypervisor));
}

/** A page's load error, unless it only repeats the banner's "libvirt is gone". */
export function LoadError(props: { error: ErrorInfo | null | undefined; testId: string }) {
  const hv = useStore((s) => s.hypervisor);
  return <ErrorMessage error={errorBesideBanner(props.error ?? null, hv)} testId={props.testId} />;
}

/** Over a list read before libvirt went away: says it is not live. Nothing while libvirt answers. */
export function StaleNote(props: { what: string }) {
  if (useHypervisorAvailable()) return null;
  return (
    <p class="stale-note" role="status" data-testid="stale-note">
      <span class="badge badge-warning">not live</span> {props.what} as read before libvirt went away; it may
      have changed since.
    </p>
  );
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
