import { z } from 'zod';
import { IsoTime, SpkiFingerprint } from './common.ts';

/** What the dashboard header and the about page show. */
export const HostSummary = z.object({
  hostId: z.uuid(),
  hostname: z.string(),
  spki: SpkiFingerprint,
  version: z.string(),
  build: z.object({ commit: z.string(), builtAt: z.string(), node: z.string() }),
  startedAt: IsoTime,
  enrolled: z.boolean(),
  os: z.object({ platform: z.string(), release: z.string(), arch: z.string() }),
  cpu: z.object({ model: z.string(), threads: z.number().int() }),
  memoryTotal: z.number().nonnegative(),
  certificate: z.object({ notBefore: IsoTime, notAfter: IsoTime, subjectAltNames: z.array(z.string()) }),
});
export type HostSummary = z.infer<typeof HostSummary>;
