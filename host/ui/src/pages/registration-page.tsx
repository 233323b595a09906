import { useEffect, useState } from 'preact/hooks';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { BusyButton } from '@quantix/shared/ui/components/busy-button.tsx';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { HubsTable } from '../components/hubs-table.tsx';
import { TokenDetails } from '../components/token-details.tsx';
import type { ErrorInfo } from '../store/app-state.ts';
import { useApi, useStore } from '../store/use-store.ts';

export function RegistrationPage() {
  const api = useApi();
  const token = useStore((s) => s.token);
  const spki = useStore((s) => s.host.data?.spki);
  const [minting, setMinting] = useState(false);
  const [mintError, setMintError] = useState<ErrorInfo | null>(null);

  useEffect(() => api.registration.watch(), [api]);

  async function mint() {
    setMinting(true);
    setMintError(null);
    try {
      await api.registration.mint();
    } catch (err) {
      setMintError(toErrorInfo(err));
    } finally {
      setMinting(false);
    }
  }

  const hasToken = token.data !== null;
  return (
    <div class="page page-narrow" data-testid="page-registration">
      <Card
        title="Registration token"
        testId="token-panel"
        actions={
          <BusyButton
            busy={minting}
            busyText="Generating…"
            variant="primary"
            onClick={mint}
            testId="generate-token"
          >
            {hasToken ? 'Regenerate' : 'Generate token'}
          </BusyButton>
        }
      >
        <p class="muted">
          A hub adopts this host with the join string below. A token is valid for one hour and for one use;
          generating a new one cancels the previous one.
        </p>
        <ErrorMessage error={mintError ?? token.error} testId="token-error" />
        {token.data ? (
          <TokenDetails token={token.data} />
        ) : (
          <p data-testid="token-empty">{token.loading ? 'Loading…' : 'No active token.'}</p>
        )}
      </Card>

      <Card title="Host identity" testId="identity-panel">
        <p class="muted">
          The hub pins this fingerprint of the host's certificate key. Check it matches what the hub shows.
        </p>
        <dl class="kv">
          <dt>SPKI fingerprint</dt>
          <dd class="mono break" data-testid="host-spki">
            {spki ?? '—'}
          </dd>
        </dl>
      </Card>

      <HubsTable />
    </div>
  );
}
