import type { SkippedVolume } from '../../store/app-state.ts';

/** The file name of a volume key (usually its path); the key itself when it has no "/". */
export function volumeFileName(key: string): string {
  const trimmed = key.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || key;
}

/** "g.img could not be read: <reason>", for a volume libvirt lists but cannot read. */
export function skippedVolumeText(s: SkippedVolume): string {
  const reason = s.reason.trim().replace(/\.$/, '');
  return `${volumeFileName(s.key)} could not be read: ${reason || 'libvirt gave no reason'}`;
}
