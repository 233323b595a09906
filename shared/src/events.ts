import { z } from 'zod';
import { IsoTime } from './common.ts';

export const EventLevel = z.enum(['info', 'warning', 'error']);
export type EventLevel = z.infer<typeof EventLevel>;
export const EventCategory = z.enum(['system', 'vm', 'storage', 'network', 'registration', 'security']);
export type EventCategory = z.infer<typeof EventCategory>;

export const HostEvent = z.object({
  id: z.string(),
  seq: z.number().int().nonnegative(),
  timestamp: IsoTime,
  level: EventLevel,
  category: EventCategory,
  message: z.string(),
  source: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type HostEvent = z.infer<typeof HostEvent>;

export const EventQuery = z.object({
  level: EventLevel.optional(),
  category: EventCategory.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** the hub: only events about this host (`details.hostId`), its own and the hub's actions on it */
  hostId: z.uuid().optional(),
});
export type EventQuery = z.infer<typeof EventQuery>;

export const EventList = z.object({ events: z.array(HostEvent) });
export type EventList = z.infer<typeof EventList>;
