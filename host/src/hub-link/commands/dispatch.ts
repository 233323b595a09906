import { type Ack, AppError, LinkCommand, type LinkCommandType } from '@quantix/shared';
import type { Logger } from '@quantix/shared/server';

/** Who sent a command: the hub, as the host's event log names it (`hub <name>`). */
export interface CommandContext {
  hubId: string;
  hubName: string;
  /** the `by` the host's services record their events with */
  by: string;
}

export type CommandHandler<K extends LinkCommandType> = (
  cmd: Extract<LinkCommand, { type: K }>,
  ctx: CommandContext,
) => Promise<unknown>;

/**
 * One handler per command type; a type without one is answered NOT_SUPPORTED. Each domain
 * contributes its own slice (vm-commands.ts; pools, files, uploads and VM creation in theirs),
 * spread together in main.ts.
 */
export type CommandHandlers = { [K in LinkCommandType]?: CommandHandler<K> };

export type Dispatch = (raw: unknown, ctx: CommandContext) => Promise<Ack<unknown>>;

/**
 * `hub:command`: parses the command with its schema, runs its handler and answers an `Ack`: the
 * handler's result, or its AppError's code and message. The host's services record what they
 * change in the host's event log with `ctx.by`, so a hub's commands read as done by that hub.
 */
export function createDispatch(handlers: CommandHandlers, log: Logger): Dispatch {
  return async (raw, ctx) => {
    const parsed = LinkCommand.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      return {
        ok: false,
        error: { code: 'VALIDATION_FAILED', message: `${where}${issue?.message ?? 'invalid command'}` },
      };
    }
    const cmd = parsed.data;
    const handler = handlers[cmd.type] as CommandHandler<typeof cmd.type> | undefined;
    if (!handler)
      return {
        ok: false,
        error: { code: 'NOT_SUPPORTED', message: `this host does not run ${cmd.type} yet` },
      };
    try {
      return { ok: true, data: (await handler(cmd, ctx)) ?? null };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } };
      log.error({ err, command: cmd.type, hubId: ctx.hubId }, 'hub command failed');
      return { ok: false, error: { code: 'INTERNAL', message: 'internal error; see the host log' } };
    }
  };
}
