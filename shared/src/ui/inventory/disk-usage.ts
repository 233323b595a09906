type Disk = {
  readonly partitions: ReadonlyArray<{ readonly mount: string; readonly fstype: string }>;
  /** the host's reasons the disk must not be wiped (mounted, swap, LVM PV, RAID member, holders, data) */
  readonly inUse?: readonly string[];
};

export type DiskUsageKind = 'in-use' | 'formatted' | 'unused';

/**
 * How a local disk is used. The host's `inUse` reasons decide; without them (an older report) a
 * mounted partition means in use. "Unused" only when nothing says otherwise: no reason and no
 * partition with a filesystem.
 */
export function diskUsage(disk: Disk): DiskUsageKind {
  if (disk.inUse ? disk.inUse.length > 0 : disk.partitions.some((p) => p.mount !== '')) return 'in-use';
  if (disk.partitions.some((p) => p.fstype !== '')) return 'formatted';
  return 'unused';
}

export interface DiskUseLabel {
  readonly kind: DiskUsageKind;
  readonly label: string;
  readonly badge: string;
  /** why, one line each: the host's reasons, or the mounted partitions */
  readonly reasons: readonly string[];
}

const LABEL: Record<DiskUsageKind, { label: string; badge: string }> = {
  'in-use': { label: 'In use', badge: 'badge-warning' },
  formatted: { label: 'Has filesystems', badge: 'badge-info' },
  unused: { label: 'Unused', badge: 'badge-ok' },
};

/** The Use column: a badge and the reasons under it. */
export function diskUseLabel(disk: Disk): DiskUseLabel {
  const kind = diskUsage(disk);
  const reasons =
    kind === 'in-use'
      ? (disk.inUse ?? disk.partitions.filter((p) => p.mount !== '').map((p) => `mounted at ${p.mount}`))
      : kind === 'formatted'
        ? ['not mounted; its filesystems may hold data']
        : [];
  return { kind, ...LABEL[kind], reasons };
}
