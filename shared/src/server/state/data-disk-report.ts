import type { EventStore } from '../events/event-store.ts';
import type { Logger } from '../logging/logger.ts';
import type { DataDisk } from './data-disk.ts';

/**
 * Says in the log and the event log when the data disk stops or starts taking writes. The event that
 * says it is full cannot be written yet: the event store keeps it in memory (pushed live, listed by
 * queries), and the event that says it is writable again writes it along with every other one kept.
 */
export function reportDataDisk(deps: { disk: DataDisk; events: EventStore; log: Logger }): () => void {
  const { disk, events, log } = deps;
  return disk.onChange((s) => {
    if (!s.writable) {
      const what = s.problem === 'read-only' ? 'read-only' : 'full';
      log.error(
        { problem: s.problem },
        `the data disk is ${what}: changes are refused until it can be written`,
      );
      void events.record({
        level: 'error',
        category: 'system',
        message: `The data disk is ${what}: settings cannot be saved (507 STORAGE_FULL) and events are kept in memory until it can be written again`,
        source: 'system',
      });
      return;
    }
    const kept = events.unwritten();
    log.info({ keptEvents: kept }, 'the data disk can be written again');
    void events.record({
      level: 'info',
      category: 'system',
      message:
        kept > 0
          ? `The data disk can be written again; ${kept} events kept in memory meanwhile were saved`
          : 'The data disk can be written again',
      source: 'system',
    });
  });
}
