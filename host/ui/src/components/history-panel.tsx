import type { HistoryRange } from '@quantix/shared';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { HistoryCharts, HistoryRangePicker } from '@quantix/shared/ui/components/history-charts.tsx';
import { useEffect, useState } from 'preact/hooks';
import { useApi, useStore } from '../store/use-store.ts';

/** how often an open history view re-reads (the files take a point a minute) */
const REFRESH_MS: Record<HistoryRange, number> = {
  hour: 10_000,
  day: 60_000,
  week: 300_000,
  month: 900_000,
  year: 3_600_000,
};

/**
 * The metrics history of the host (`historyKey` "host") or of a VM (its UUID), with a range picker;
 * re-read on a timer only while it is shown.
 */
export function HistoryPanel(props: { historyKey: string; title?: string }) {
  const api = useApi();
  const [range, setRange] = useState<HistoryRange>('hour');
  const state = useStore((s) => s.history);
  useEffect(() => {
    let timer = 0;
    let stopped = false;
    const load = () => {
      void api.history.load(props.historyKey, range).finally(() => {
        if (!stopped) timer = window.setTimeout(load, REFRESH_MS[range]);
      });
    };
    load();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [api, props.historyKey, range]);
  const series =
    state.data?.key === props.historyKey && state.data.series.range === range ? state.data.series : null;
  return (
    <Card
      title={props.title ?? 'History'}
      testId="history-panel"
      actions={<HistoryRangePicker range={range} onSelect={setRange} />}
    >
      <ErrorMessage error={state.error} testId="history-error" />
      {series ? (
        <HistoryCharts series={series} />
      ) : (
        <p class="muted">{state.loading ? 'Loading…' : 'No history yet.'}</p>
      )}
    </Card>
  );
}
