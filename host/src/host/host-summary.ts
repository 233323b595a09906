import { arch, cpus, platform, release, totalmem } from 'node:os';
import type { HostSummary } from '@quantix/shared';
import type { HostCertificate } from '@quantix/shared/server';

export function createHostSummary(deps: {
  hostId: string;
  hostname: string;
  /** read on every call: the certificate is renewed in place */
  cert: () => HostCertificate;
  build: { version: string; commit: string; builtAt: string };
  startedAt: Date;
  enrolled: () => boolean;
}): () => HostSummary {
  const cpuList = cpus();
  const fixed = {
    hostId: deps.hostId,
    hostname: deps.hostname,
    version: deps.build.version,
    build: { commit: deps.build.commit, builtAt: deps.build.builtAt, node: process.version },
    startedAt: deps.startedAt.toISOString(),
    os: { platform: platform(), release: release(), arch: arch() },
    cpu: { model: cpuList[0]?.model.trim() ?? 'unknown', threads: cpuList.length },
    memoryTotal: totalmem(),
  };
  return () => {
    const cert = deps.cert();
    return {
      ...fixed,
      spki: cert.spki,
      enrolled: deps.enrolled(),
      certificate: {
        notBefore: cert.notBefore.toISOString(),
        notAfter: cert.notAfter.toISOString(),
        subjectAltNames: cert.subjectAltNames,
      },
    };
  };
}
