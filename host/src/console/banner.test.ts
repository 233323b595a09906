import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsoleStatus } from '@quantix/shared';
import { type BannerView, managementUrl, renderBanner } from './banner.ts';

const SPKI = `sha256:${'3f'.repeat(32)}`;
const status = (over: Partial<ConsoleStatus> = {}): ConsoleStatus => ({
  version: '0.4.0',
  commit: '0123456789abcdef0123456789abcdef01234567',
  hostId: '6f1c1b0e-2d7e-4c53-8f7e-4f4d3b2a1c0d',
  hostname: 'qx-rack1-07',
  port: 443,
  listenHost: '0.0.0.0',
  addresses: [
    { iface: 'enp2s0', address: '192.168.10.7', family: 'IPv4' },
    { iface: 'enp2s0', address: '2001:db8::7', family: 'IPv6' },
  ],
  spki: SPKI,
  hubs: [],
  setupCode: null,
  hypervisorAvailable: true,
  ...over,
});
const up = (over: Partial<ConsoleStatus> = {}, live = false): BannerView => ({
  service: { kind: 'up', status: status(over) },
  live,
  pollSeconds: 2,
});

function assertFits(text: string) {
  const lines = text.split('\n');
  assert.ok(lines.length <= 23, `${lines.length} lines`);
  for (const l of lines) assert.ok(l.length < 80, `too wide: ${l}`);
  assert.ok(!text.includes('\x1b'), 'the banner itself has no escape sequences');
}

describe('console banner', () => {
  it('shows product, version, hostname, URL, address, fingerprint, hub and libvirt state, and the menu', () => {
    const text = renderBanner(up());
    assertFits(text);
    assert.match(text, /^ {2}Quantix host 0\.4\.0 \(0123456789ab\)$/m);
    assert.match(text, /Manage this host at +https:\/\/192\.168\.10\.7\/$/m);
    assert.match(text, /Hostname +qx-rack1-07$/m);
    assert.match(text, /Management address +192\.168\.10\.7 on enp2s0$/m);
    assert.match(text, /Other addresses +2001:db8::7 \(enp2s0\)$/m);
    assert.ok(text.includes(`    ${SPKI}\n`));
    assert.match(text, /Hub +not adopted by a hub/);
    assert.match(text, /Hypervisor +libvirt answers$/m);
    assert.doesNotMatch(text, /Setup code|LIVE/);
    for (const key of ['[T]', '[P]', '[N]', '[R]', '[L]', '[I]', '[S]', '[B]', '[O]'])
      assert.ok(text.includes(key));
  });

  it('shows the setup code while no admin exists', () => {
    const text = renderBanner(
      up({ setupCode: { code: 'ABCD-EFGH-JKLM', expiresAt: '2026-12-02T12:30:00.000Z' } }),
    );
    assertFits(text);
    assert.match(text, /Setup code +ABCD-EFGH-JKLM {2}\(valid until 12:30 UTC\)$/m);
    assert.match(text, /No administrator yet/);
  });

  it('says when it runs live from the ISO and how to install', () => {
    const text = renderBanner(up({}, true));
    assertFits(text);
    assert.match(text, /LIVE: running from the ISO, not installed\. Changes are lost at power-off;/);
    assert.match(text, /\[I\] installs Quantix host to a disk/);
  });

  it('names the hubs that adopted the host and whether each link is up', () => {
    const text = renderBanner(
      up({
        hubs: [
          {
            hubId: '11111111-2d7e-4c53-8f7e-4f4d3b2a1c0d',
            hubName: 'prod',
            hubUrl: 'https://hub.example',
            linked: true,
          },
          {
            hubId: '22222222-2d7e-4c53-8f7e-4f4d3b2a1c0d',
            hubName: 'dr',
            hubUrl: 'https://dr.example:9443',
            linked: false,
          },
        ],
      }),
    );
    assertFits(text);
    assert.match(text, /Adopted by hub +prod \(https:\/\/hub\.example\) - linked$/m);
    assert.match(text, /^ +dr \(https:\/\/dr\.example:9443\) - link down$/m);
    assert.doesNotMatch(text, /not adopted/);
  });

  it('says libvirt is not answering', () => {
    assert.match(renderBanner(up({ hypervisorAvailable: false })), /Hypervisor +libvirt is not answering/);
  });

  it('says the service is not running, and still where the machine is', () => {
    const view: BannerView = {
      service: {
        kind: 'down',
        why: 'absent',
        hostname: 'qx-rack1-07',
        addresses: [{ iface: 'eno1', address: '10.0.0.7', family: 'IPv4' }],
      },
      live: true,
      pollSeconds: 2,
    };
    const text = renderBanner(view);
    assertFits(text);
    assert.match(text, /The Quantix host service is not running \(or is still starting\)\./);
    assert.match(text, /checks again every 2 s/);
    assert.match(text, /Management address +10\.0\.0\.7 on eno1/);
    assert.match(text, /LIVE/);
    assert.doesNotMatch(text, /sha256:|Setup code|https:/);
    const silent = renderBanner({
      ...view,
      service: { ...view.service, why: 'silent' } as BannerView['service'],
    });
    assert.match(silent, /does not answer \(it may be starting\)/);
  });

  it('builds the URL: no port for 443, IPv6 in brackets; the hostname without addresses', () => {
    assert.equal(managementUrl('192.168.10.7', 443), 'https://192.168.10.7/');
    assert.equal(managementUrl('192.168.10.7', 8443), 'https://192.168.10.7:8443/');
    assert.equal(managementUrl('2001:db8::7', 443), 'https://[2001:db8::7]/');
    assert.equal(managementUrl(undefined, 443), null);
    assert.match(
      renderBanner(up({ listenHost: '127.0.0.1', port: 8443 })),
      /Manage this host at +https:\/\/127\.0\.0\.1:8443\/$/m,
      'a host listening on one address is reached there only',
    );
    assert.match(renderBanner(up({ listenHost: '::' })), /at +https:\/\/192\.168\.10\.7\/$/m);
    const text = renderBanner(up({ addresses: [], port: 8443 }));
    assert.match(text, /Manage this host at +https:\/\/qx-rack1-07:8443\/$/m);
    assert.match(text, /Management address +none yet: \[N\] configures the network/);
  });

  it('cuts lines to a narrow terminal', () => {
    for (const l of renderBanner(up(), 40).split('\n')) assert.ok(l.length < 40, l);
  });
});
