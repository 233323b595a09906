import type { VmChanged, VmDetail, VmStatsTick, VmSummary } from '@quantix/shared';

const byName = (a: VmSummary, b: VmSummary) => a.name.localeCompare(b.name);

/** A `vm:changed` applied to the list: replace, add (sorted by name) or remove. */
export function applyVmChanged(list: readonly VmSummary[], change: VmChanged): readonly VmSummary[] {
  const i = list.findIndex((v) => v.uuid === change.uuid);
  if (!change.vm) return i < 0 ? list : list.filter((v) => v.uuid !== change.uuid);
  if (i < 0) return [...list, change.vm].sort(byName);
  const next = [...list];
  next[i] = change.vm;
  return next;
}

/**
 * Live CPU and memory from `vms:stats`. The state is left alone: it changes with `vm:changed`
 * only, so the two streams never fight over it. Returns the same array when nothing moved.
 */
export function applyVmStats(list: readonly VmSummary[], tick: VmStatsTick): readonly VmSummary[] {
  const stats = new Map(tick.vms.map((s) => [s.uuid, s]));
  let changed = false;
  const next = list.map((vm) => {
    const s = stats.get(vm.uuid);
    if (!s || (s.cpuPercent === vm.cpuPercent && s.memoryUsedMiB === vm.memoryUsedMiB)) return vm;
    changed = true;
    return { ...vm, cpuPercent: s.cpuPercent, memoryUsedMiB: s.memoryUsedMiB };
  });
  return changed ? next : list;
}

/** A summary (from `vm:changed`) folded into the open detail; `disks` differ in kind and stay. */
export function mergeSummaryIntoDetail(detail: VmDetail, vm: VmSummary): VmDetail {
  const { disks: _count, ...rest } = vm;
  return { ...detail, ...rest };
}

/** Live stats for the detail page's VM. */
export function applyStatsToDetail(detail: VmDetail, tick: VmStatsTick): VmDetail {
  const s = tick.vms.find((v) => v.uuid === detail.uuid);
  if (!s || (s.cpuPercent === detail.cpuPercent && s.memoryUsedMiB === detail.memoryUsedMiB)) return detail;
  return { ...detail, cpuPercent: s.cpuPercent, memoryUsedMiB: s.memoryUsedMiB };
}
