import { z } from 'zod';

/**
 * The serial console's WebSocket (`/api/v1/vms/:uuid/serial`): binary frames are the terminal's
 * bytes both ways; text frames are these JSON control messages.
 */
export const SerialServerMessage = z.discriminatedUnion('type', [
  /** who may type: the first viewer writes, later ones are read-only until the writer leaves */
  z.object({ type: z.literal('mode'), mode: z.enum(['write', 'read-only']), message: z.string() }),
  /** the console ended (the VM stopped); the socket closes next */
  z.object({ type: z.literal('end'), reason: z.string() }),
]);
export type SerialServerMessage = z.infer<typeof SerialServerMessage>;

export const SerialClientMessage = z.discriminatedUnion('type', [
  /** a read-only viewer becomes the writer (the former writer turns read-only) */
  z.object({ type: z.literal('take-over') }),
]);
export type SerialClientMessage = z.infer<typeof SerialClientMessage>;
