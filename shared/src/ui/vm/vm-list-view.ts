import type { VmState, VmSummary } from '@quantix/shared';

/** The columns a VM list sorts by. */
export type VmSortKey =
  | 'name'
  | 'state'
  | 'vcpus'
  | 'memory'
  | 'tags'
  | 'disks'
  | 'cpu'
  | 'memoryUsed'
  | 'autostart';

export interface VmSort {
  readonly key: VmSortKey;
  readonly dir: 'asc' | 'desc';
}

/** The state filter: one state, or the groups an admin thinks in. */
export type VmStateFilter = '' | 'on' | 'off' | VmState;

export interface VmListFilter {
  /** name, uuid or tag contains this (case-insensitive) */
  readonly search: string;
  readonly state: VmStateFilter;
  /** '' for any */
  readonly tag: string;
}

export const NO_FILTER: VmListFilter = { search: '', state: '', tag: '' };
export const DEFAULT_SORT: VmSort = { key: 'name', dir: 'asc' };

const ON: readonly VmState[] = ['running', 'blocked', 'paused', 'pmsuspended', 'shutdown'];

function stateMatches(filter: VmStateFilter, state: VmState): boolean {
  if (filter === '') return true;
  if (filter === 'on') return ON.includes(state);
  if (filter === 'off') return !ON.includes(state);
  return state === filter;
}

export function filterVms(list: readonly VmSummary[], f: VmListFilter): readonly VmSummary[] {
  const q = f.search.trim().toLowerCase();
  if (!q && !f.state && !f.tag) return list;
  return list.filter(
    (vm) =>
      stateMatches(f.state, vm.state) &&
      (!f.tag || vm.tags.includes(f.tag)) &&
      (!q ||
        vm.name.toLowerCase().includes(q) ||
        vm.uuid.startsWith(q) ||
        vm.tags.some((t) => t.includes(q))),
  );
}

// Running first when sorting by state ascending: what an admin looks for.
const STATE_RANK: Record<VmState, number> = {
  running: 0,
  blocked: 1,
  paused: 2,
  pmsuspended: 3,
  shutdown: 4,
  crashed: 5,
  shutoff: 6,
  unknown: 7,
};

/** A figure the column shows; null (no live figure) sorts last in either direction. */
function figureOf(vm: VmSummary, key: VmSortKey): string | number | null {
  switch (key) {
    case 'name':
      return vm.name;
    case 'state':
      return STATE_RANK[vm.state];
    case 'vcpus':
      return vm.vcpus;
    case 'memory':
      return vm.memoryMiB;
    case 'tags':
      return vm.tags.length ? vm.tags.join(',') : null;
    case 'disks':
      return vm.disks;
    case 'cpu':
      return vm.cpuPercent;
    case 'memoryUsed':
      return vm.memoryUsedMiB;
    case 'autostart':
      return vm.autostart ? 0 : 1;
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** A new sorted array; ties (and equal figures) fall back to the name, so the order is stable. */
export function sortVms(list: readonly VmSummary[], sort: VmSort): readonly VmSummary[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...list].sort((a, b) => {
    const va = figureOf(a, sort.key);
    const vb = figureOf(b, sort.key);
    if (va !== vb) {
      if (va === null) return 1;
      if (vb === null) return -1;
      const c =
        typeof va === 'string' && typeof vb === 'string' ? collator.compare(va, vb) : va < vb ? -1 : 1;
      if (c !== 0) return sign * c;
    }
    return collator.compare(a.name, b.name) || a.uuid.localeCompare(b.uuid);
  });
}

/** Clicking a header: the same column flips, another starts ascending. */
export function nextSort(current: VmSort, key: VmSortKey): VmSort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: 'asc' };
}

/** Every tag in the list, sorted, for the tag filter. */
export function allTags(list: readonly VmSummary[]): string[] {
  const tags = new Set<string>();
  for (const vm of list) for (const t of vm.tags) tags.add(t);
  return [...tags].sort();
}

/** "web, db": a tag list typed by hand, to the tags it names (lower-cased, once each). */
export function parseTagInput(text: string): string[] {
  const tags = text
    .split(/[\s,;]+/)
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(tags)];
}

/**
 * VmTag's rule (shared/src/virt-vm.ts), here without zod: the UI bundles no zod. A test checks
 * the two agree.
 */
export const TAG_PATTERN = /^[a-z0-9][a-z0-9_.+-]{0,31}$/;
export const MAX_TAGS = 16;

/** What is wrong with typed tags, or null when the host will take them. */
export function tagInputProblem(tags: readonly string[]): string | null {
  const bad = tags.find((t) => !TAG_PATTERN.test(t));
  if (bad !== undefined)
    return `"${bad}" is not a tag: lower-case letters, digits, "_", ".", "+" and "-", at most 32`;
  if (tags.length > MAX_TAGS) return `at most ${MAX_TAGS} tags`;
  return null;
}

/** Every VM state, in the filter's order (VmState's values, without zod). */
export const VM_STATES = [
  'running',
  'paused',
  'shutoff',
  'crashed',
  'pmsuspended',
  'shutdown',
  'blocked',
  'unknown',
] as const satisfies readonly VmState[];

const LIVE_KEYS: ReadonlySet<string> = new Set(['cpuPercent', 'memoryUsedMiB']);

/**
 * True when `b` differs from `a` in its live figures only (a `vms:stats` tick spreads the old
 * summary, so everything else is the same value or the same array). Fields added to VmSummary
 * later count as not live.
 */
export function onlyLiveFiguresDiffer(a: VmSummary, b: VmSummary): boolean {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  for (const k of new Set([...Object.keys(x), ...Object.keys(y)]))
    if (!LIVE_KEYS.has(k) && x[k] !== y[k]) return false;
  return true;
}
