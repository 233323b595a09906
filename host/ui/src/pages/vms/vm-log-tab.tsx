import { useEffect } from 'preact/hooks';
import { LogFilters } from '../../components/log-filters.tsx';
import { LogTable } from '../../components/log-table.tsx';
import { useApi, useStore } from '../../store/use-store.ts';

/** The VM's own QEMU log (by name), newest first. */
export function VmLogTab(props: { name: string }) {
  const api = useApi();
  const view = useStore((s) => s.vmLog);
  useEffect(() => api.logs.watchVm(props.name), [api, props.name]);
  return (
    <div data-testid="vm-log">
      <LogFilters
        filter={view.filter}
        sources={null}
        idPrefix="vm-log"
        onApply={(f) => void api.logs.setVmFilter(f)}
      />
      <LogTable
        view={view}
        showSource={false}
        onOlder={() => void api.logs.loadVmOlder()}
        emptyText="Nothing in this VM's log matches."
      />
    </div>
  );
}
