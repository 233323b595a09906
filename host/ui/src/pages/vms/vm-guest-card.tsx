import type { VmDetail, VmGuestInfo } from '@quantix/shared';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { OS_CHOICES } from '@quantix/shared/ui/vm/wizard-form.ts';
import { useEffect, useState } from 'preact/hooks';
import { useApi } from '../../store/use-store.ts';

/** while the page is open, the agent is asked again this often (the host caches it for 60 s) */
const REFRESH_MS = 30_000;

const AGENT_TEXT: Record<VmGuestInfo['agent'], string> = {
  connected: 'running',
  'not-running': 'not running',
  'not-configured': 'no agent channel',
  'vm-off': 'VM is off',
};

/**
 * Issue 9: the VM's platform (guest OS preset, firmware, TPM) and what its guest agent says. The
 * agent is asked when the page opens and every 30 s while it stays open and the VM runs; an agent
 * that does not answer is a state shown here, not an error.
 */
export function VmGuestCard(props: { vm: VmDetail }) {
  const api = useApi();
  const { vm } = props;
  const [info, setInfo] = useState<VmGuestInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const running = vm.state === 'running' || vm.state === 'blocked';

  const load = async (refresh: boolean) => {
    setBusy(true);
    try {
      setInfo(await api.vmGuest.guest(vm.uuid, refresh));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const tick = async (refresh: boolean) => {
      await load(refresh);
      if (!stopped && running) timer = window.setTimeout(() => void tick(true), REFRESH_MS);
    };
    void tick(false);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [vm.uuid, running]);

  const p = vm.platform;
  const preset = OS_CHOICES.find((c) => c.value === vm.osPreset)?.label;
  const addresses = (info?.interfaces ?? []).filter((i) => i.addresses.length > 0);
  return (
    <Card
      title="Guest"
      testId="vm-guest"
      actions={
        <button
          type="button"
          class="btn btn-secondary btn-small"
          disabled={busy || !running}
          onClick={() => void load(true)}
          data-testid="vm-guest-refresh"
        >
          {busy ? 'Asking…' : 'Ask the agent'}
        </button>
      }
    >
      <dl class="kv kv-cols">
        <dt>Guest OS preset</dt>
        <dd data-testid="vm-os-preset">{preset ?? '—'}</dd>
        <dt>Firmware</dt>
        <dd data-testid="vm-firmware">
          {p ? (p.firmware === 'uefi' ? `UEFI${p.secureBoot ? ', Secure Boot' : ''}` : 'BIOS') : '—'}
        </dd>
        <dt>TPM</dt>
        <dd data-testid="vm-tpm">{p?.tpm ? `TPM ${p.tpm.version ?? ''} (${p.tpm.model})` : 'none'}</dd>
        <dt>Guest agent</dt>
        <dd data-testid="vm-agent" data-agent={info?.agent ?? 'unknown'}>
          {info ? AGENT_TEXT[info.agent] : error ? '—' : 'asking…'}
          {info?.agent === 'not-running' && (
            <span class="hint">
              {' '}
              — install and start qemu-guest-agent in the guest; shutdown and reboot use ACPI meanwhile.
            </span>
          )}
        </dd>
        {info?.agent === 'connected' && (
          <>
            <dt>Hostname</dt>
            <dd data-testid="vm-guest-hostname">{info.hostname ?? '—'}</dd>
            <dt>OS</dt>
            <dd data-testid="vm-guest-os">
              {info.os
                ? [info.os.name, info.os.version && `(${info.os.version})`].filter(Boolean).join(' ')
                : '—'}
              {info.os?.kernel && <span class="muted"> · kernel {info.os.kernel}</span>}
            </dd>
            <dt>IP addresses</dt>
            <dd data-testid="vm-guest-ips">
              {addresses.length === 0 ? (
                'none reported'
              ) : (
                <ul class="plain-list">
                  {addresses.map((i) => (
                    <li key={i.name}>
                      <span class="mono">{i.name}</span>
                      {i.mac && <span class="muted mono"> {i.mac}</span>}:{' '}
                      {i.addresses.map((a) => `${a.address}/${a.prefix}`).join(', ')}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </>
        )}
      </dl>
      {error && (
        <p class="field-error" data-testid="vm-guest-error">
          {error}
        </p>
      )}
    </Card>
  );
}
