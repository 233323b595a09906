import { Description, VirtName } from '@quantix/shared';
import { seedCdrom } from './domain-xml.ts';
import { VM_METADATA } from './vm-metadata.ts';
import { buildXml, rootElement, validate } from './xml.ts';

/** A disk of the source and what it becomes in the clone. */
export interface ClonedDisk {
  from: string;
  to: string;
  /** the new volume's format (a linked clone's overlay is qcow2 whatever its base) */
  format: 'raw' | 'qcow2';
}

const xmlEscape = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&apos;')
    .replace(/"/g, '&quot;');

const DISK = /<disk\b[^>]*>[\s\S]*?<\/disk>\s*/g;
const SOURCE_FILE = /<source\s+(file|dev)=(['"])([^'"]*)\2/;

/**
 * A clone's domain XML from the source's inactive XML, with targeted edits (as replaceDomainCpu:
 * a rebuild from our parse would lose what we do not model): a new name; no UUID and no MAC
 * addresses (libvirt makes new ones); each disk pointed at its new volume with its format; the
 * source's cloud-init seed left out (`isSeed`), and the clone's own added as `seedPath`; the NVRAM
 * path the clone's copy (`nvramPath`), or none (libvirt makes one from the template file); not a template.
 */
export function cloneDomainXml(
  sourceXml: string,
  opts: {
    name: string;
    disks: ClonedDisk[];
    isSeed: (path: string) => boolean;
    seedPath?: string;
    /** the clone's own NVRAM file (a copy of the source's); without it libvirt makes one from the template */
    nvramPath?: string;
    description?: string;
  },
): string {
  rootElement(sourceXml, 'domain'); // well-formed, and a domain
  const name = validate(VirtName, opts.name, 'name');
  const byPath = new Map(opts.disks.map((d) => [d.from, d]));
  let xml = sourceXml
    .replace(/<name>[^<]*<\/name>/, () => `<name>${name}</name>`)
    .replace(/\s*<uuid>[^<]*<\/uuid>/, '')
    .replace(/\s*<mac\s+address=(['"])[^'"]*\1\s*\/>/g, '')
    .replace(/<nvram\b([^>]*?)\s*>[^<]*<\/nvram>/g, (_m, attrs: string) =>
      opts.nvramPath ? `<nvram${attrs}>${xmlEscape(opts.nvramPath)}</nvram>` : `<nvram${attrs}/>`,
    );
  // firmware autoselection (`<os firmware='efi'>`) names no NVRAM file in the inactive definition
  if (opts.nvramPath && !/<nvram\b/.test(xml)) {
    const path = xmlEscape(opts.nvramPath);
    xml = xml.replace(/(\s*)<\/os>/, (_m, ws: string) => `${ws}  <nvram>${path}</nvram>${ws}</os>`);
  }
  const used: string[] = [];
  xml = xml.replace(DISK, (block) => {
    const src = SOURCE_FILE.exec(block)?.[3];
    const device = /device=(['"])(\w+)\1/.exec(block)?.[2];
    if (src && device === 'cdrom' && opts.isSeed(src)) return '';
    const target = /<target\s+dev=(['"])(\w+)\1/.exec(block)?.[2];
    if (target) used.push(target);
    const to = src ? byPath.get(src) : undefined;
    if (!to) return block;
    return block
      .replace(SOURCE_FILE, (_m, attr: string, q: string) => `<source ${attr}=${q}${xmlEscape(to.to)}${q}`)
      .replace(
        /(<driver\b[^>]*\btype=)(['"])\w+\2/,
        (_m, head: string, q: string) => `${head}${q}${to.format}${q}`,
      )
      .replace(/\s*<backingStore\b[^>]*\/>|\s*<backingStore\b[^>]*>[\s\S]*?<\/backingStore>/g, '');
  });
  for (const d of opts.disks) {
    if (!xml.includes(xmlEscape(d.to))) throw new Error(`no disk of the source uses ${d.from}`);
  }
  xml = clearTemplateFlag(xml);
  if (opts.description !== undefined) {
    const text = xmlEscape(validate(Description, opts.description, 'description'));
    xml = /<description>[\s\S]*?<\/description>/.test(xml)
      ? xml.replace(/<description>[\s\S]*?<\/description>/, () => `<description>${text}</description>`)
      : xml.replace(/(<name>[^<]*<\/name>)/, (m) => `${m}\n  <description>${text}</description>`);
  }
  if (opts.seedPath) {
    const free = ['sdb', 'sdc', 'sdd', 'sde', 'sdf'].find((t) => !used.includes(t)) ?? 'sdz';
    const element = buildXml({ disk: seedCdrom(opts.seedPath, free) }).trim();
    xml = xml.replace(/<\/devices>/, () => `  ${element}\n  </devices>`);
  }
  return xml;
}

/** Our `<x:template>yes</x:template>` inside our metadata element, whatever its prefix, goes. */
function clearTemplateFlag(xml: string): string {
  const ns = VM_METADATA.uri.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const element = new RegExp(`<(\\w+):vm\\b[^>]*xmlns:\\1=(['"])${ns}\\2[^>]*>[\\s\\S]*?<\\/\\1:vm>`);
  return xml.replace(element, (block, prefix: string) =>
    block.replace(new RegExp(`\\s*<${prefix}:template>[^<]*</${prefix}:template>`), ''),
  );
}
