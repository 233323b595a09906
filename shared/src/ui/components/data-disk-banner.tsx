import { useShellConfig, useShellStore } from '../store/shell-context.ts';

/** On every page while the server cannot write its data disk: changes are refused until it can. */
export function DataDiskBanner() {
  const disk = useShellStore((s) => s.dataDisk);
  const { peer } = useShellConfig();
  if (!disk || disk.writable) return null;
  const what = disk.problem === 'read-only' ? 'read-only' : 'full';
  return (
    <div class="banner banner-warn" role="alert" data-testid="data-disk-banner">
      The {peer}'s data disk is {what}: settings cannot be saved and events are kept in memory until
      {disk.problem === 'read-only' ? ' it can be written again' : ' space is freed'}. Everything else keeps
      working.
    </div>
  );
}
