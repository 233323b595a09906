import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { NetworkInterfaceInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultRouteInterfaces, orderAddresses, readHostAddresses } from './host-addresses.ts';

// /proc/net/route of a host with two uplinks (enp2s0 the cheaper default route), a libvirt bridge
// and a route that is down
const ROUTES = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
  'enp3s0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0',
  'virbr0\t007AA8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
  'enp2s0\t00000000\t01000A0A\t0003\t0\t0\t100\t00000000\t0\t0\t0',
  'wlan0\t00000000\t01000A0A\t0002\t0\t0\t1\t00000000\t0\t0\t0',
  'enp2s0\t00000A0A\t00000000\t0001\t0\t0\t100\t0000FFFF\t0\t0\t0',
  '',
].join('\n');

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask: '255.255.255.0',
  family: 'IPv4',
  mac: '02:00:00:00:00:01',
  internal,
  cidr: `${address}/24`,
});
const v6 = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask: 'ffff:ffff:ffff:ffff::',
  family: 'IPv6',
  mac: '02:00:00:00:00:01',
  internal,
  cidr: `${address}/64`,
  scopeid: 0,
});

const INTERFACES = {
  lo: [v4('127.0.0.1', true), v6('::1', true)],
  enp3s0: [v4('192.168.1.20')],
  virbr0: [v4('192.168.122.1')],
  enp2s0: [v6('fe80::1'), v6('2001:db8::20'), v4('10.10.0.20')],
};

describe('management addresses', () => {
  it('finds the default routes that are up, lowest metric first', () => {
    assert.deepEqual(defaultRouteInterfaces(ROUTES), ['enp2s0', 'enp3s0']);
    assert.deepEqual(defaultRouteInterfaces(''), []);
    assert.deepEqual(defaultRouteInterfaces(ROUTES.split('\n').slice(0, 3).join('\n')), ['enp3s0']);
  });

  it('puts the management interface first, IPv4 before IPv6, without loopback or link-local', () => {
    assert.deepEqual(orderAddresses(INTERFACES, ['enp2s0', 'enp3s0']), [
      { iface: 'enp2s0', address: '10.10.0.20', family: 'IPv4' },
      { iface: 'enp2s0', address: '2001:db8::20', family: 'IPv6' },
      { iface: 'enp3s0', address: '192.168.1.20', family: 'IPv4' },
      { iface: 'virbr0', address: '192.168.122.1', family: 'IPv4' },
    ]);
  });

  it('orders by interface name when there is no default route', () => {
    assert.deepEqual(
      orderAddresses(INTERFACES, []).map((a) => a.iface),
      ['enp2s0', 'enp2s0', 'enp3s0', 'virbr0'],
    );
    assert.deepEqual(orderAddresses({ lo: INTERFACES.lo }, []), []);
  });

  const dir = mkdtempSync(join(tmpdir(), 'qx-routes-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the route table from a file, and does without one', async () => {
    const routeFile = join(dir, 'route');
    writeFileSync(routeFile, ROUTES);
    const interfaces = () => INTERFACES;
    assert.equal((await readHostAddresses({ routeFile, interfaces }))[0]?.address, '10.10.0.20');
    const none = await readHostAddresses({ routeFile: join(dir, 'absent'), interfaces });
    assert.equal(none.length, 4);
  });
});
