/**
 * A small but real ISO 9660 image (ECMA-119, level 1, no extensions): a primary volume descriptor,
 * the set terminator, both path tables, a root directory and its files — what `genisoimage` would
 * write for the same files, without needing it on the machine. `file(1)` reads it as
 * "ISO 9660 CD-ROM filesystem data" and a loop mount shows the files.
 */

const SECTOR = 2048;

/** both-endian 32-bit (LE then BE), as ISO 9660 writes most numbers */
function both32(buf: Buffer, at: number, n: number): void {
  buf.writeUInt32LE(n, at);
  buf.writeUInt32BE(n, at + 4);
}
function both16(buf: Buffer, at: number, n: number): void {
  buf.writeUInt16LE(n, at);
  buf.writeUInt16BE(n, at + 2);
}
function text(buf: Buffer, at: number, len: number, s: string): void {
  buf.write(s.padEnd(len, ' ').slice(0, len), at, 'ascii');
}

/** a 7-byte directory record date */
function recordDate(d: Date): Buffer {
  return Buffer.from([
    d.getUTCFullYear() - 1900,
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    0,
  ]);
}

/** a 17-byte volume descriptor date: "YYYYMMDDHHMMSScc" and the zone offset */
function volumeDate(d: Date | null): Buffer {
  const out = Buffer.alloc(17, 0);
  const digits = d
    ? d
        .toISOString()
        .replace(/[-:T.Z]/g, '')
        .slice(0, 16)
    : '0'.repeat(16);
  out.write(digits, 0, 'ascii');
  return out;
}

function directoryRecord(o: { id: Buffer; extent: number; size: number; dir: boolean; at: Date }): Buffer {
  const len = 33 + o.id.length + (o.id.length % 2 === 0 ? 1 : 0);
  const r = Buffer.alloc(len, 0);
  r[0] = len;
  both32(r, 2, o.extent);
  both32(r, 10, o.size);
  recordDate(o.at).copy(r, 18);
  r[25] = o.dir ? 2 : 0;
  both16(r, 28, 1);
  r[32] = o.id.length;
  o.id.copy(r, 33);
  return r;
}

/** Builds the image; file names must be ISO 9660 level 1 (`NAME.EXT`, upper case, 8.3). */
export function buildIso9660(volumeId: string, files: Array<{ name: string; data: Buffer }>): Buffer {
  for (const f of files) {
    if (!/^[A-Z0-9_]{1,8}(\.[A-Z0-9_]{0,3})?$/.test(f.name)) throw new Error(`not a level 1 name: ${f.name}`);
  }
  const at = new Date();
  const pvdSector = 16;
  const lPathSector = 18;
  const mPathSector = 19;
  const rootSector = 20;
  let next = rootSector + 1;
  const placed = files.map((f) => {
    const extent = next;
    next += Math.max(1, Math.ceil(f.data.length / SECTOR));
    return { ...f, extent };
  });
  const totalSectors = next;
  const image = Buffer.alloc(totalSectors * SECTOR, 0);

  // the root directory: ".", "..", then each file (version suffix ";1")
  const rootRecords = [
    directoryRecord({ id: Buffer.from([0]), extent: rootSector, size: SECTOR, dir: true, at }),
    directoryRecord({ id: Buffer.from([1]), extent: rootSector, size: SECTOR, dir: true, at }),
    ...placed.map((f) =>
      directoryRecord({
        id: Buffer.from(`${f.name};1`, 'ascii'),
        extent: f.extent,
        size: f.data.length,
        dir: false,
        at,
      }),
    ),
  ];
  const root = Buffer.concat(rootRecords);
  if (root.length > SECTOR) throw new Error('too many files for a one-sector root directory');
  root.copy(image, rootSector * SECTOR);
  for (const f of placed) f.data.copy(image, f.extent * SECTOR);

  // path tables: the root only (id 0x00, parent 1, padded to an even length)
  const pathEntry = (bigEndian: boolean): Buffer => {
    const e = Buffer.alloc(10, 0);
    e[0] = 1;
    if (bigEndian) {
      e.writeUInt32BE(rootSector, 2);
      e.writeUInt16BE(1, 6);
    } else {
      e.writeUInt32LE(rootSector, 2);
      e.writeUInt16LE(1, 6);
    }
    return e;
  };
  pathEntry(false).copy(image, lPathSector * SECTOR);
  pathEntry(true).copy(image, mPathSector * SECTOR);

  const pvd = image.subarray(pvdSector * SECTOR, (pvdSector + 1) * SECTOR);
  pvd[0] = 1;
  pvd.write('CD001', 1, 'ascii');
  pvd[6] = 1;
  text(pvd, 8, 32, 'LINUX');
  text(pvd, 40, 32, volumeId.toUpperCase());
  both32(pvd, 80, totalSectors);
  both16(pvd, 120, 1);
  both16(pvd, 124, 1);
  both16(pvd, 128, SECTOR);
  both32(pvd, 132, 10);
  pvd.writeUInt32LE(lPathSector, 140);
  pvd.writeUInt32BE(mPathSector, 148);
  directoryRecord({ id: Buffer.from([0]), extent: rootSector, size: SECTOR, dir: true, at }).copy(pvd, 156);
  for (const [offset, len] of [
    [190, 128],
    [318, 128],
    [446, 128],
    [574, 128],
    [702, 37],
    [739, 37],
    [776, 37],
  ] as const) {
    text(pvd, offset, len, '');
  }
  text(pvd, 574, 128, 'QUANTIX TESTS');
  volumeDate(at).copy(pvd, 813);
  volumeDate(at).copy(pvd, 830);
  volumeDate(null).copy(pvd, 847);
  volumeDate(at).copy(pvd, 864);
  pvd[881] = 1;

  // the set terminator
  const term = image.subarray((pvdSector + 1) * SECTOR, (pvdSector + 2) * SECTOR);
  term[0] = 255;
  term.write('CD001', 1, 'ascii');
  term[6] = 1;
  return image;
}
