import { z } from 'zod';

/** Which libvirt the host talks to, and whether it answers. */
export const HypervisorStatus = z.object({
  available: z.boolean(),
  uri: z.string(),
  /** true for libvirt's built-in test driver: nothing real runs */
  testDriver: z.boolean(),
  hostname: z.string().nullable(),
  libvirtVersion: z.string().nullable(),
  error: z.string().nullable(),
});
export type HypervisorStatus = z.infer<typeof HypervisorStatus>;
