import { z } from 'zod';

/**
 * `BUILD_INFO.json`: what `make iso` wrote into the image (`/usr/share/quantix/BUILD_INFO.json`)
 * and beside it (`iso/out/`). The host reads it at start (`--build-info`) and reports its version
 * and commit in `ping` and on the About page, so a running appliance says which image it is.
 */
export const BuildInfo = z.object({
  product: z.literal('quantix-host'),
  version: z.string().min(1).max(64),
  /** ISO 8601, when the image was built */
  builtAt: z.string().min(1).max(64),
  /** the git commit of the tree built, with `-dirty` when it had uncommitted changes */
  commit: z.string().min(1).max(64),
  /** the Node.js runtime in the image (`v20.…`) */
  node: z.string().min(1).max(64),
  /** the kernel package's version in the image (`6.1.0-…-amd64`) */
  kernel: z.string().min(1).max(128),
  /** Debian release the image is built from */
  debian: z.string().min(1).max(32),
  registrationApiSupported: z.literal(true),
});
export type BuildInfo = z.infer<typeof BuildInfo>;
