import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { formatDateTime, formatRelative } from '@quantix/shared/ui/format/format-time.ts';
import { useNow } from '@quantix/shared/ui/hooks/use-now.ts';
import { useStore } from '../store/use-store.ts';

export function AboutPage() {
  const host = useStore((s) => s.host);
  const now = useNow(60_000);
  const h = host.data;
  if (!h) {
    return (
      <div class="page page-narrow" data-testid="page-about">
        <ErrorMessage error={host.error} />
        {host.loading && <p class="muted">Loading…</p>}
      </div>
    );
  }
  const notBefore = new Date(h.certificate.notBefore).getTime();
  const notAfter = new Date(h.certificate.notAfter).getTime();
  const certState = now < notBefore ? 'not yet valid' : now > notAfter ? 'expired' : 'valid';
  return (
    <div class="page page-narrow" data-testid="page-about">
      <Card title="Quantix host">
        <dl class="kv">
          <dt>Version</dt>
          <dd data-testid="about-version">{h.version}</dd>
          <dt>Commit</dt>
          <dd class="mono" data-testid="about-commit">
            {h.build.commit}
          </dd>
          <dt>Built</dt>
          <dd data-testid="about-built-at">
            {Number.isNaN(Date.parse(h.build.builtAt)) ? h.build.builtAt : formatDateTime(h.build.builtAt)}
          </dd>
          <dt>Node.js</dt>
          <dd data-testid="about-node">{h.build.node}</dd>
          <dt>Service started</dt>
          <dd>
            {formatDateTime(h.startedAt)} ({formatRelative(h.startedAt, now)})
          </dd>
          <dt>Host ID</dt>
          <dd class="mono">{h.hostId}</dd>
          <dt>Operating system</dt>
          <dd>
            {h.os.platform} {h.os.release} ({h.os.arch})
          </dd>
        </dl>
      </Card>
      <Card title="TLS certificate" testId="certificate">
        <dl class="kv">
          <dt>Status</dt>
          <dd>
            <span
              class={`badge ${certState === 'valid' ? 'badge-ok' : 'badge-error'}`}
              data-testid="cert-status"
            >
              {certState}
            </span>
          </dd>
          <dt>Valid from</dt>
          <dd data-testid="cert-not-before">{formatDateTime(h.certificate.notBefore)}</dd>
          <dt>Valid until</dt>
          <dd data-testid="cert-not-after">
            {formatDateTime(h.certificate.notAfter)} ({formatRelative(h.certificate.notAfter, now)})
          </dd>
          <dt>Names (SAN)</dt>
          <dd>
            <ul class="plain-list mono" data-testid="cert-sans">
              {h.certificate.subjectAltNames.map((san) => (
                <li key={san}>{san}</li>
              ))}
            </ul>
          </dd>
          <dt>SPKI fingerprint</dt>
          <dd class="mono break">{h.spki}</dd>
        </dl>
      </Card>
    </div>
  );
}
