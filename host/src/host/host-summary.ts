import { arch, cpus, platform, release, totalmem } from 'node:os';
import type { HostSummary } from '@quantix/shared';
import type { HostCertificate } from '../tls/certificate.ts';

export function createHostSummary(deps: {
  hostId: string;
  hostname: string;
  cert: HostCertificate;
  build: { version: string; commit: string; builtAt: string };
  startedAt: Date;
  enrolled: () => boolean;
}): () => HostSummary {
  const cpuList = cpus();
  const fixed = {
    hostId: deps.hostId,
    hostname: deps.hostname,
    spki: deps.cert.spki,
    version: deps.build.version,
    build: { commit: deps.build.commit, builtAt: deps.build.builtAt, node: process.version },
    startedAt: deps.startedAt.toISOString(),
    os: { platform: platform(), release: release(), arch: arch() },
    cpu: { model: cpuList[0]?.model.trim() ?? 'unknown', threads: cpuList.length },
    memoryTotal: totalmem(),
    certificate: {
      notBefore: deps.cert.notBefore.toISOString(),
      notAfter: deps.cert.notAfter.toISOString(),
      subjectAltNames: deps.cert.subjectAltNames,
    },
  };
  return () => ({ ...fixed, enrolled: deps.enrolled() });
}
