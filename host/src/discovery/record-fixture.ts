// Records this machine's RawInventory as a fixture for inventory-map tests:
//   node --import tsx host/src/discovery/record-fixture.ts host/src/discovery/fixtures/<name>.json [libvirt-uri]
// A developer tool, not part of the host process: it reads argv itself.
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { createInventorySource } from './inventory-source.ts';

export async function recordFixture(out: string, libvirtUri: string): Promise<number> {
  const started = performance.now();
  const raw = await createInventorySource({ libvirtUri }).read();
  const ms = Math.round(performance.now() - started);
  await writeFile(out, `${JSON.stringify(raw, null, 2)}\n`);
  return ms;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [out, uri = 'qemu:///system'] = process.argv.slice(2);
  if (!out) {
    console.error('usage: record-fixture.ts <out.json> [libvirt-uri]');
    process.exit(2);
  }
  const ms = await recordFixture(out, uri);
  console.log(`wrote ${out} (collected in ${ms} ms)`);
}
