import { z } from 'zod';

// Names and paths that end up inside libvirt XML or on a command line. They are strict on purpose:
// a name like `x</name><source>` is rejected here, before any XML is built or libvirt is called.

const NO_DOT_DOT = (s: string): boolean => !s.includes('..');

/** A domain, pool, network or snapshot name. */
export const VirtName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    'letters, digits, "_", "." and "-", starting with a letter or digit, at most 64',
  )
  .refine(NO_DOT_DOT, 'must not contain ".."');
export type VirtName = z.infer<typeof VirtName>;

/**
 * A volume (file) name: like VirtName but room for an extension (`disk-1.qcow2`,
 * `debian-12.5.0-amd64-netinst.iso`). No "/", no "..", no leading or trailing ".".
 */
export const VolumeName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/,
    'letters, digits, "_", "." and "-", starting with a letter or digit, at most 80',
  )
  .refine(NO_DOT_DOT, 'must not contain ".."')
  .refine((s) => !s.endsWith('.'), 'must not end with "."');
export type VolumeName = z.infer<typeof VolumeName>;

/** An absolute path of plain segments: no "..", no ".", no spaces, quotes or control characters. */
export const AbsolutePath = z
  .string()
  .max(1024)
  .regex(/^(\/[A-Za-z0-9_.+@:-]+)+\/?$/, 'an absolute path of letters, digits and "_.+@:-"')
  .refine(
    (s) => s.split('/').every((seg) => seg !== '.' && seg !== '..'),
    'must not contain "." or ".." segments',
  );
export type AbsolutePath = z.infer<typeof AbsolutePath>;

// C0 controls but tab, LF and CR, DEL, and the non-characters U+FFFE/U+FFFF
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point
const NOT_XML_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/;

/** Free text for descriptions: XML 1.0 cannot carry most C0 control characters, even escaped. */
export const Description = z
  .string()
  .max(1024)
  .refine((s) => !NOT_XML_TEXT.test(s), 'must not contain control characters');

/** 8-4-4-4-12 hex. libvirt's UUIDs are not always RFC 4122 (the test driver's are not): no version check. */
export const VirtUuid = z.guid();

export const VolumeFormat = z.enum(['qcow2', 'raw']);
export type VolumeFormat = z.infer<typeof VolumeFormat>;
