import type {
  HostLinkState,
  HostStatus,
  LinkCommand,
  LinkPoolChanged,
  LinkVmChanged,
  TelemetrySample,
} from '@quantix/shared';

/** What changed for a host: its live state (rare), or only its status (each heartbeat). */
export type LinkChange = 'state' | 'status';

/** What the link knows of one host right now (nothing of it is stored). */
export interface HostLive {
  state: HostLinkState;
  stateReason: string | null;
  status: HostStatus | null;
  lastSeenAt: string | null;
}

/**
 * The hub's live links to its hosts, as the services see them. The link server implements it;
 * the hosts, pools and VM services only ever talk to a host through it.
 */
export interface HostLinks {
  /** `pending` for a host that has never connected since the hub started */
  live(hostId: string): HostLive;
  /**
   * Sends a command and resolves with the host's result. Throws `HOST_NOT_CONNECTED` when the
   * link is not up, `COMMAND_TIMEOUT` when no ack comes in `timeoutMs` (default 30 s), and the
   * host's own error (code and message) when it refuses.
   */
  command<T = unknown>(hostId: string, cmd: LinkCommand, timeoutMs?: number): Promise<T>;
  /** tells a connected host to forget this hub (it will not dial again), then closes its link */
  forget(hostId: string, reason: string): Promise<void>;
  /** a host record was removed or replaced: drop its link without telling it anything */
  drop(hostId: string): void;
  /** someone on the hub watches this host's telemetry (counted; the host pushes while > 0) */
  watch(hostId: string): () => void;
  /**
   * told whenever a host's live state changes (`state`: its state, reason or link went up), and
   * each time a connected host pushes its status (`status`, every few seconds per host: listeners
   * that fan out keep this cheap — see hosts.socket.ts)
   */
  onChange(fn: (hostId: string, what: LinkChange) => void): () => void;
  /**
   * told each time a link of a host comes up: every new link, also one that replaces a link lost a
   * moment earlier (a host restarted within the grace period never leaves `connected`, so
   * `onChange` says nothing then)
   */
  onLinkUp(fn: (hostId: string) => void): () => void;
  /** told each telemetry sample of a watched host */
  onTelemetry(fn: (hostId: string, sample: TelemetrySample) => void): () => void;
}

/** The other things hosts push over their links, for services that keep fleet-wide views. */
export interface HostLinkFeeds {
  /** a VM of a host changed (libvirt lifecycle event on the host) */
  onVmChanged(fn: (hostId: string, change: LinkVmChanged) => void): () => void;
  /** a storage pool of a host changed */
  onPoolChanged(fn: (hostId: string, change: LinkPoolChanged) => void): () => void;
}
