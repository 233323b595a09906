import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NetworkCreateRequest } from '@quantix/shared';
import {
  fixture,
  validationFailure,
  validateWithSchema,
  validatorMissing,
  virshMissing,
  virshRoundTrip,
} from './libvirt-check.test-helper.ts';
import { buildNetworkXml, parseNetworkXml } from './network-xml.ts';

const NAT: NetworkCreateRequest = {
  name: 'lab',
  mode: 'nat',
  bridge: 'qxbr0',
  ipv4: { address: '10.77.0.1', prefix: 24, dhcpStart: '10.77.0.100', dhcpEnd: '10.77.0.200' },
};
const ISOLATED: NetworkCreateRequest = { name: 'backplane', mode: 'isolated', bridge: 'qxbr1' };

describe('parseNetworkXml', () => {
  it("reads the test driver's default network (netmask, not prefix)", () => {
    assert.deepEqual(parseNetworkXml(fixture('test-network.xml')), {
      name: 'default',
      uuid: 'dd8fe884-6c02-601e-7551-cca97df1c5df',
      mode: 'nat',
      bridge: 'virbr0',
      ipv4: { address: '192.168.122.1', prefix: 24, dhcpStart: '192.168.122.2', dhcpEnd: '192.168.122.254' },
    });
  });

  it('reads an isolated network, other forward modes and skips IPv6', () => {
    const n = parseNetworkXml(
      `<network><name>x</name><ip family='ipv6' address='fd00::1' prefix='64'/><ip address='10.1.0.1' netmask='255.255.0.0'/></network>`,
    );
    assert.deepEqual(
      [n.mode, n.bridge, n.ipv4],
      ['isolated', null, { address: '10.1.0.1', prefix: 16, dhcpStart: null, dhcpEnd: null }],
    );
    assert.equal(parseNetworkXml(`<network><name>r</name><forward mode='route'/></network>`).mode, 'route');
    assert.equal(parseNetworkXml(`<network><name>h</name><forward mode='hostdev'/></network>`).mode, 'other');
    assert.equal(parseNetworkXml(`<network><name>d</name><forward/></network>`).mode, 'nat');
  });
});

describe('buildNetworkXml', () => {
  it('builds NAT with a forward element and isolated without one', () => {
    const nat = buildNetworkXml(NAT);
    assert.match(nat, /<forward mode="nat"\/>/);
    assert.deepEqual(parseNetworkXml(nat), {
      name: 'lab',
      uuid: '',
      mode: 'nat',
      bridge: 'qxbr0',
      ipv4: NAT.ipv4,
    });
    const isolated = buildNetworkXml(ISOLATED);
    assert.doesNotMatch(isolated, /forward/);
    assert.deepEqual(parseNetworkXml(isolated), {
      name: 'backplane',
      uuid: '',
      mode: 'isolated',
      bridge: 'qxbr1',
      ipv4: null,
    });
  });

  const ip = NAT.ipv4 as NonNullable<NetworkCreateRequest['ipv4']>;
  for (const [what, bad] of [
    ['a bridge name with capitals', { ...NAT, bridge: 'Br0' }],
    ['a bridge name over 15 characters', { ...NAT, bridge: 'abcdefghijklmnop' }],
    ['a name carrying markup', { ...NAT, name: 'x</name><forward mode="open"/>' }],
    ['a DHCP range outside the subnet', { ...NAT, ipv4: { ...ip, dhcpEnd: '10.77.1.20' } }],
    [
      'a DHCP range running backwards',
      { ...NAT, ipv4: { ...ip, dhcpStart: '10.77.0.200', dhcpEnd: '10.77.0.100' } },
    ],
    ['a range holding the host address', { ...NAT, ipv4: { ...ip, dhcpStart: '10.77.0.1' } }],
    ['the network address as host address', { ...NAT, ipv4: { ...ip, address: '10.77.0.0' } }],
    ['the broadcast address in the range', { ...NAT, ipv4: { ...ip, dhcpEnd: '10.77.0.255' } }],
    ['a /31', { ...NAT, ipv4: { ...ip, prefix: 31 } }],
    ['a malformed address', { ...NAT, ipv4: { ...ip, address: '10.77.0.256' } }],
    ['a bridge mode', { ...NAT, mode: 'bridge' }],
  ] as const) {
    it(`rejects ${what}`, () => {
      assert.throws(() => buildNetworkXml(bad as NetworkCreateRequest), validationFailure);
    });
  }
});

describe('network XML accepted by libvirt', () => {
  for (const req of [NAT, ISOLATED]) {
    it(`passes the network schema (${req.mode})`, { skip: validatorMissing }, async () => {
      assert.match(await validateWithSchema(buildNetworkXml(req), 'network'), /validates/);
    });

    it(`net-defines in the test driver and reads back (${req.mode})`, { skip: virshMissing }, async () => {
      const out = await virshRoundTrip(buildNetworkXml(req), 'net-define', `net-dumpxml ${req.name}`);
      const n = parseNetworkXml(out);
      assert.match(n.uuid, /^[0-9a-f-]{36}$/);
      assert.deepEqual({ ...n, uuid: '' }, parseNetworkXml(buildNetworkXml(req)));
    });
  }
});
