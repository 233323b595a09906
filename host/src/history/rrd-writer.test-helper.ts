// Child of the kill -9 test: writes minute after minute into a small RRD file, flushing each one
// and printing a line per flush, until it is killed.
import { openRrd } from './rrd-file.ts';

const [path, t0] = process.argv.slice(2);
if (!path || !t0) throw new Error('usage: rrd-writer PATH T0');
const start = Number(t0);
const rrd = await openRrd(path, { metrics: ['a', 'b'], archives: [{ step: 60, rows: 5 }] }, start);
for (let i = 0; ; i++) {
  const t = start + i * 60;
  // three samples a minute: avg = the minute's number, max of b = 7
  for (const s of [0, 20, 40]) rrd.add(t + s, [i, s === 20 ? 7 : 1]);
  await rrd.flush();
  process.stdout.write(`${i}\n`);
}
