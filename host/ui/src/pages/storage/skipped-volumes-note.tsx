import type { SkippedVolume } from '../../store/app-state.ts';
import { skippedVolumeText } from './skipped-volumes.ts';

/** Volumes libvirt lists but cannot read (a file deleted behind its back): named, not hidden. */
export function SkippedVolumes(props: { skipped: readonly SkippedVolume[] | undefined }) {
  const list = props.skipped ?? [];
  if (list.length === 0) return null;
  return (
    <div class="alert alert-warn" role="status" data-testid="volumes-skipped">
      <ul class="plain-list">
        {list.map((s) => (
          <li key={s.key} data-testid="volume-skipped" data-key={s.key}>
            {skippedVolumeText(s)}
          </li>
        ))}
      </ul>
    </div>
  );
}
