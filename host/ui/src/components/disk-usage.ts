type Disk = { readonly partitions: ReadonlyArray<{ readonly mount: string; readonly fstype: string }> };

/** How a local disk is used, as far as the inventory tells: a mounted partition means in use. */
export function diskUsage(disk: Disk): 'mounted' | 'formatted' | 'unused' {
  if (disk.partitions.some((p) => p.mount !== '')) return 'mounted';
  if (disk.partitions.some((p) => p.fstype !== '')) return 'formatted';
  return 'unused';
}
