import { LINK_STATUS_INTERVAL_MS, LinkForget, LinkWatch } from '@quantix/shared';
import type { Logger } from '@quantix/shared/server';
import type { TelemetrySampler } from '../telemetry/sampler.ts';
import type { CommandContext, Dispatch } from './commands/dispatch.ts';
import type { HostLinkSocket } from './hub-link.ts';
import type { HostStatusSource } from './host-status.ts';

/**
 * What runs on one established link: the status at once and then every few seconds (the hub's
 * heartbeat), telemetry at 1 Hz while the hub watches (the shared sampler, as a UI watcher would),
 * the hub's commands, and its request to be forgotten. Returns the clean-up for when the link goes.
 */
export function attachLinkSession(d: {
  socket: HostLinkSocket;
  ctx: CommandContext;
  status: HostStatusSource;
  sampler: Pick<TelemetrySampler, 'watch' | 'onSample'>;
  dispatch: Dispatch;
  /** the hub removed this host: forget it (the link is closed by that) */
  forget: (reason: string) => Promise<void>;
  log: Logger;
  statusIntervalMs?: number;
}): () => void {
  const { socket, log } = d;
  const sendStatus = () => socket.emit('host:status', d.status.build());
  sendStatus();
  const beat = setInterval(sendStatus, d.statusIntervalMs ?? LINK_STATUS_INTERVAL_MS);
  beat.unref();

  let telemetry: (() => void) | null = null;
  const stopTelemetry = () => {
    telemetry?.();
    telemetry = null;
  };
  socket.on('hub:watch', (raw) => {
    const w = LinkWatch.safeParse(raw);
    if (!w.success) return log.warn({ hubId: d.ctx.hubId }, 'the hub sent an invalid hub:watch');
    if (!w.data.telemetry) return stopTelemetry();
    if (telemetry) return;
    const release = d.sampler.watch();
    const off = d.sampler.onSample((s) => socket.emit('host:telemetry', s));
    telemetry = () => {
      off();
      release();
    };
  });
  socket.on('hub:command', (raw, ack) => {
    if (typeof ack !== 'function') return;
    void d.dispatch(raw, d.ctx).then(ack);
  });
  socket.on('hub:forget', (raw, ack) => {
    const f = LinkForget.safeParse(raw);
    const reason = f.success ? f.data.reason : 'removed from the hub';
    // answered first: forgetting closes this very link
    if (typeof ack === 'function') ack({ ok: true, data: null });
    d.forget(reason).catch((err: unknown) =>
      log.error({ err, hubId: d.ctx.hubId }, 'could not forget the hub'),
    );
  });
  return () => {
    clearInterval(beat);
    stopTelemetry();
  };
}
