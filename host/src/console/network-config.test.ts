import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeNetwork, ManagementNetwork, parseNetworkForm, renderNetworkFile } from './network-config.ts';

const form = (f: Partial<Parameters<typeof parseNetworkForm>[0]>) =>
  parseNetworkForm({ iface: 'enp2s0', mode: 'static', address: '', gateway: '', dns: '', ...f });
const errors = (f: Partial<Parameters<typeof parseNetworkForm>[0]>) => {
  const r = form(f);
  assert.equal(r.ok, false, `expected ${JSON.stringify(f)} to be refused`);
  return r.ok ? [] : r.errors;
};

describe('management network validation', () => {
  it('accepts DHCP on an interface', () => {
    assert.deepEqual(parseNetworkForm({ iface: 'enp2s0', mode: 'dhcp' }), {
      ok: true,
      config: { mode: 'dhcp', iface: 'enp2s0' },
    });
  });

  it('accepts a static address with gateway and DNS, split on spaces and commas', () => {
    assert.deepEqual(
      form({ address: ' 192.168.1.10/24 ', gateway: '192.168.1.1', dns: '1.1.1.1, 9.9.9.9' }),
      {
        ok: true,
        config: {
          mode: 'static',
          iface: 'enp2s0',
          address: '192.168.1.10/24',
          gateway: '192.168.1.1',
          dns: ['1.1.1.1', '9.9.9.9'],
        },
      },
    );
    const bare = form({ address: '10.0.0.5/8' });
    assert.ok(bare.ok && bare.config.mode === 'static' && bare.config.gateway === undefined);
    assert.ok(form({ address: '2001:db8::10/64', gateway: '2001:db8::1', dns: '2001:db8::53' }).ok);
    assert.ok(form({ address: '192.168.1.10/31', gateway: '192.168.1.11' }).ok, 'a /31 has no broadcast');
  });

  it('wants an address with its prefix', () => {
    for (const address of [
      '',
      '192.168.1.10',
      '192.168.1.10/33',
      '192.168.1.300/24',
      'host/24',
      '2001:db8::1/129',
    ])
      assert.match(
        errors({ address }).join(),
        /^address: expected an address with its prefix length/,
        address,
      );
  });

  it("refuses the subnet's network and broadcast address", () => {
    assert.match(
      errors({ address: '192.168.1.0/24' }).join(),
      /address: 192\.168\.1\.0 is the network's or broadcast/,
    );
    assert.match(
      errors({ address: '192.168.1.255/24' }).join(),
      /address: 192\.168\.1\.255 is the network's/,
    );
    assert.match(errors({ address: '200.1.2.255/24' }).join(), /broadcast/, 'an address above 2^31');
  });

  it('wants the gateway in the subnet, of the same family, and not the address itself', () => {
    assert.match(
      errors({ address: '192.168.1.10/24', gateway: '192.168.2.1' }).join(),
      /gateway: 192\.168\.2\.1 is not in 192\.168\.1\.10\/24/,
    );
    assert.match(
      errors({ address: '192.168.1.10/24', gateway: '2001:db8::1' }).join(),
      /gateway: the gateway is not an ipv4 address/,
    );
    assert.match(
      errors({ address: '2001:db8::10/64', gateway: '2001:db9::1' }).join(),
      /gateway: .* is not in/,
    );
    assert.match(
      errors({ address: '192.168.1.10/24', gateway: '192.168.1.10' }).join(),
      /gateway: the gateway is the address itself/,
    );
    assert.match(
      errors({ address: '192.168.1.10/24', gateway: 'router' }).join(),
      /gateway: expected an IPv4 or IPv6 address/,
    );
  });

  it('wants DNS servers as addresses, at most 3', () => {
    assert.match(
      errors({ address: '192.168.1.10/24', dns: 'dns.example' }).join(),
      /^dns: expected an IPv4 or IPv6/,
    );
    assert.match(
      errors({ address: '192.168.1.10/24', dns: '1.1.1.1 8.8.8.8 9.9.9.9 1.0.0.1' }).join(),
      /dns: at most 3/,
    );
  });

  it('wants an interface name the kernel could have', () => {
    for (const iface of ['', 'a'.repeat(16), 'eth 0', '../eth0', 'eth0\n[Network]'])
      assert.match(parseNetworkForm({ iface, mode: 'dhcp' }).ok ? '' : 'refused', /refused/, iface);
    assert.throws(() =>
      ManagementNetwork.parse({ mode: 'static', iface: 'eth0', address: '10.0.0.5/8', dns: [], extra: 1 }),
    );
  });
});

describe('the systemd-networkd file', () => {
  it('matches the interface by name and asks for DHCP', () => {
    const text = renderNetworkFile({ mode: 'dhcp', iface: 'enp2s0' });
    assert.match(text, /^\[Match\]\nName=enp2s0\n\n\[Network\]\nDHCP=yes\n$/m);
    assert.doesNotMatch(text, /Address=|Gateway=|DNS=/);
  });

  it('sets the static address, gateway and each DNS server', () => {
    const text = renderNetworkFile({
      mode: 'static',
      iface: 'eno1',
      address: '192.168.1.10/24',
      gateway: '192.168.1.1',
      dns: ['1.1.1.1', '2001:db8::53'],
    });
    assert.ok(
      text.endsWith(
        '[Match]\nName=eno1\n\n[Network]\nAddress=192.168.1.10/24\nGateway=192.168.1.1\nDNS=1.1.1.1\nDNS=2001:db8::53\n',
      ),
      text,
    );
    assert.match(text, /^# /, 'says who wrote it');
    const noGw = renderNetworkFile({ mode: 'static', iface: 'eno1', address: '10.0.0.5/8', dns: [] });
    assert.doesNotMatch(noGw, /Gateway=|DNS=/);
  });

  it('describes the choice in one line', () => {
    assert.equal(describeNetwork({ mode: 'dhcp', iface: 'eno1' }), 'eno1: DHCP');
    assert.equal(
      describeNetwork({
        mode: 'static',
        iface: 'eno1',
        address: '10.0.0.5/8',
        gateway: '10.0.0.1',
        dns: ['1.1.1.1'],
      }),
      'eno1: 10.0.0.5/8, gateway 10.0.0.1, DNS 1.1.1.1',
    );
  });
});
