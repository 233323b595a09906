import { formatBytes } from '../format/format-bytes.ts';
import type { IsoOption } from './wizard-form.ts';

/** The ISO images a VM can boot from, as a select's options: valued `pool/volume`, shown with pool and size. */
export function IsoOptions(props: { isos: readonly IsoOption[] }) {
  return (
    <>
      {props.isos.map((o) => (
        <option key={`${o.pool}/${o.volume}`} value={`${o.pool}/${o.volume}`}>
          {o.volume} ({o.pool}, {formatBytes(o.size)})
        </option>
      ))}
    </>
  );
}
