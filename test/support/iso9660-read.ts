/**
 * Reads the root directory of an ISO 9660 image the way Linux mounts it: the primary volume
 * descriptor's label, each file under its Rock Ridge name (the `NM` entry; the 8.3 ISO name when
 * there is none) with its bytes, and whether a Joliet descriptor is there. Enough to check a
 * cloud-init seed without mounting anything; written from ECMA-119 and SUSP/RRIP (IEEE P1282).
 */
export interface IsoRead {
  volumeId: string;
  joliet: boolean;
  files: Map<string, Buffer>;
}

const SECTOR = 2048;

export function readIso9660(image: Buffer): IsoRead {
  let pvd: Buffer | null = null;
  let joliet = false;
  for (let s = 16; (s + 1) * SECTOR <= image.length; s++) {
    const d = image.subarray(s * SECTOR, (s + 1) * SECTOR);
    if (d.toString('latin1', 1, 6) !== 'CD001') throw new Error(`no volume descriptor at sector ${s}`);
    if (d[0] === 255) break;
    if (d[0] === 1) pvd = d;
    // a supplementary descriptor with a UCS-2 escape sequence (%/@, %/C, %/E) is Joliet
    if (d[0] === 2 && d.toString('latin1', 88, 90) === '%/' && '@CE'.includes(d.toString('latin1', 90, 91)))
      joliet = true;
  }
  if (!pvd) throw new Error('no primary volume descriptor');
  const volumeId = pvd.toString('latin1', 40, 72).trimEnd();
  const root = pvd.subarray(156, 156 + 34);
  const rootExtent = root.readUInt32LE(2);
  const rootSize = root.readUInt32LE(10);
  const dir = image.subarray(rootExtent * SECTOR, rootExtent * SECTOR + rootSize);
  const files = new Map<string, Buffer>();
  for (let at = 0; at < dir.length; ) {
    const len = dir[at] ?? 0;
    if (len === 0) {
      at = (Math.floor(at / SECTOR) + 1) * SECTOR; // records do not cross sectors
      continue;
    }
    const rec = dir.subarray(at, at + len);
    at += len;
    const flags = rec[25] ?? 0;
    const idLen = rec[32] ?? 0;
    const id = rec.subarray(33, 33 + idLen);
    if (idLen === 1 && (id[0] === 0 || id[0] === 1)) continue; // "." and ".."
    if (flags & 2) continue; // a directory: the seed has none
    const extent = rec.readUInt32LE(2);
    const size = rec.readUInt32LE(10);
    let name = id.toString('latin1').replace(/;1$/, '').replace(/\.$/, '');
    // System Use area: after the identifier, padded to an even offset
    for (let su = 33 + idLen + (idLen % 2 === 0 ? 1 : 0); su + 4 <= rec.length; ) {
      const sig = rec.toString('latin1', su, su + 2);
      const suLen = rec[su + 2] ?? 0;
      if (suLen < 4) break;
      if (sig === 'NM') name = rec.toString('utf8', su + 5, su + suLen);
      su += suLen;
    }
    files.set(name, Buffer.from(image.subarray(extent * SECTOR, extent * SECTOR + size)));
  }
  return { volumeId, joliet, files };
}
