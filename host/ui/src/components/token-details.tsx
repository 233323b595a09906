import type { MintedToken } from '@quantix/shared';
import { formatCountdown, formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import { useNow } from '@quantix/shared/ui/hooks/use-now.ts';
import { CopyText } from '@quantix/shared/ui/components/copy-text.tsx';

export function TokenDetails(props: { token: MintedToken }) {
  const now = useNow();
  const { token } = props;
  const left = formatCountdown(new Date(token.expiresAt).getTime() - now);
  return (
    <div class="token" data-testid="token-details">
      <dl class="kv">
        <dt>Token ID</dt>
        <dd class="mono" data-testid="token-id">
          {token.tokenId}
        </dd>
        <dt>Expires</dt>
        <dd>
          {formatDateTime(token.expiresAt)}{' '}
          {left ? (
            <span class="badge badge-ok" data-testid="token-countdown">
              {left} left
            </span>
          ) : (
            <span class="badge badge-error" data-testid="token-countdown">
              expired
            </span>
          )}
        </dd>
      </dl>
      <CopyText
        id="join-string"
        label="Join string (paste into the hub)"
        value={token.join}
        testId="join-string"
      />
    </div>
  );
}
