import { z } from 'zod';
import type { Ack } from './errors.ts';
import type { HostEvent } from './events.ts';
import type { HypervisorStatus } from './hypervisor.ts';
import type { DataDiskStatus } from './state.ts';
import type { TelemetrySample } from './telemetry.ts';
import type { VmState, VmSummary } from './virt-vm.ts';

export interface TaskProgress {
  taskId: string;
  step: number;
  total: number;
  message: string;
}

export interface VmChanged {
  uuid: string;
  /** why, when libvirt said: defined, started, suspended, resumed, stopped, shutdown, crashed, undefined */
  event: string | null;
  vm: VmSummary | null;
}

export interface VmStatsTick {
  t: number;
  vms: Array<{ uuid: string; state: VmState; cpuPercent: number | null; memoryUsedMiB: number | null }>;
}

/** Payloads a client may send; the server parses each with these schemas. */
export const TelemetrySubscribe = z.strictObject({
  /** how much history to send back at once (seconds, ≤ 3600) */
  historySeconds: z.number().int().min(0).max(3600).default(300),
});
export type TelemetrySubscribe = z.infer<typeof TelemetrySubscribe>;

export const EventsSubscribe = z.strictObject({ limit: z.number().int().min(0).max(1000).default(100) });
export type EventsSubscribe = z.infer<typeof EventsSubscribe>;

/** Why the server is about to drop a socket. */
export const SessionEnded = z.object({ reason: z.enum(['logout', 'expired', 'revoked']) });
export type SessionEnded = z.infer<typeof SessionEnded>;

export interface ServerToClientEvents {
  'telemetry:sample': (sample: TelemetrySample) => void;
  'event:new': (event: HostEvent) => void;
  'session:ended': (info: SessionEnded) => void;
  /** progress of the caller's own long request (see X-Quantix-Task in PROTOCOL.md) */
  'task:progress': (p: TaskProgress) => void;
  /** a VM was defined, changed state or was removed (vm: null); pushed to every socket */
  'vm:changed': (c: VmChanged) => void;
  /** live CPU/memory of every VM, each tick while subscribed with vms:subscribe */
  'vms:stats': (s: VmStatsTick) => void;
  /** sent on connect and whenever libvirt comes or goes */
  'hypervisor:status': (status: HypervisorStatus) => void;
  /** sent on connect and whenever the data disk fills up, turns read-only or can be written again */
  'data-disk:status': (status: DataDiskStatus) => void;
}

export interface ClientToServerEvents {
  'telemetry:subscribe': (req: unknown, ack: (res: Ack<{ history: TelemetrySample[] }>) => void) => void;
  'telemetry:unsubscribe': (ack: (res: Ack<null>) => void) => void;
  'events:subscribe': (req: unknown, ack: (res: Ack<{ events: HostEvent[] }>) => void) => void;
  'events:unsubscribe': (ack: (res: Ack<null>) => void) => void;
  'vms:subscribe': (ack: (res: Ack<{ vms: VmSummary[] }>) => void) => void;
  'vms:unsubscribe': (ack: (res: Ack<null>) => void) => void;
}

/** socket.io path; the same HTTPS server serves it. */
export const SOCKET_PATH = '/socket.io';

// ---- logs (host/src/logs/logs.socket.ts) — merged into the two maps above ----
export interface ServerToClientEvents {
  /** an entry of this socket's live tail (see `logs:tail`) */
  'logs:entry': (entry: import('./logs.ts').LogEntry) => void;
  /** entries of the tail not sent in the last second: they came faster than the cap */
  'logs:dropped': (info: import('./logs.ts').LogTailDropped) => void;
}
export interface ClientToServerEvents {
  /** LogTailRequest; starts or replaces this socket's tail → ack `{ backend }` */
  'logs:tail': (req: unknown, ack: (res: Ack<{ backend: import('./logs.ts').LogBackend }>) => void) => void;
  'logs:untail': (ack: (res: Ack<null>) => void) => void;
}

// ---- storage pools and networks (host/src/hypervisor/object-events.socket.ts) ----
/** libvirt's lifecycle event for a pool or network, whoever caused it; pushed to every socket. */
export interface ObjectChanged {
  uuid: string;
  name: string | null;
  event: 'defined' | 'undefined' | 'started' | 'stopped' | 'created' | 'deleted' | 'changed';
}
export interface ServerToClientEvents {
  'pool:changed': (c: ObjectChanged) => void;
  'network:changed': (c: ObjectChanged) => void;
}

// ---- tasks (host/src/tasks/task.socket.ts) ----
export interface ServerToClientEvents {
  /** a task started, progressed (at most about once a second per task) or ended; to every socket */
  'task:changed': (c: import('./tasks.ts').TaskChanged) => void;
}
