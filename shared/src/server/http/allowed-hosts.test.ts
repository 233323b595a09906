import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAllowedHosts, hostOf } from './allowed-hosts.ts';

describe('hostOf', () => {
  it('takes the name of a Host header, lower-case, without port or trailing dot', () => {
    assert.equal(hostOf('Quantix.Example.org:8443'), 'quantix.example.org');
    assert.equal(hostOf('quantix.example.org.'), 'quantix.example.org');
    assert.equal(hostOf('127.0.0.1:443'), '127.0.0.1');
    assert.equal(hostOf('[::1]:8443'), '::1');
    assert.equal(hostOf('[0:0:0:0:0:0:0:1]'), '::1', 'one spelling per IPv6 address');
  });

  it('refuses what is not a plain name or address', () => {
    for (const bad of [
      '',
      'a b',
      'user@host',
      'host/path',
      'host:port',
      '[::1',
      '[not-v6]:1',
      'h:1:2',
      'x:123456',
    ]) {
      assert.equal(hostOf(bad), null, bad);
    }
  });
});

describe('allowed hosts', () => {
  const fixed = {
    publicNames: ['quantix.example.org'],
    certificateNames: () => ['DNS:localhost', 'DNS:appliance', 'IP:127.0.0.1', 'IP:::1', 'IP:10.9.8.7'],
    hostname: () => 'Appliance',
    addresses: () => ['127.0.0.1', '192.168.1.20', 'fe80::1%eth0'],
  };

  it('allows the hostname, localhost, every address, the certificate names and the public names', () => {
    const hosts = createAllowedHosts(fixed);
    for (const ok of [
      'appliance:8443',
      'APPLIANCE',
      'localhost:8443',
      '127.0.0.1:8443',
      '[::1]:8443',
      '192.168.1.20',
      '[fe80::1]:8443',
      '10.9.8.7:443',
      'quantix.example.org',
    ]) {
      assert.equal(hosts.allows(ok), true, ok);
    }
  });

  it('refuses any other name, a missing Host and tricks around the real names', () => {
    const hosts = createAllowedHosts(fixed);
    for (const bad of [
      undefined,
      'evil.example',
      'evil.example:8443',
      'localhost.evil.example',
      'appliance.evil.example',
      '127.0.0.1.nip.io',
      '2130706433',
      '[::ffff:127.0.0.1]',
      'localhost@evil.example',
      'quantix.example.org.evil',
    ]) {
      assert.equal(hosts.allows(bad), false, String(bad));
    }
  });

  it('reads addresses and names again after a few seconds: a re-addressed host keeps working', () => {
    const clock = { t: 0 };
    let addresses = ['192.168.1.20'];
    let hostname = 'old-name';
    const hosts = createAllowedHosts({
      publicNames: [],
      certificateNames: () => [],
      hostname: () => hostname,
      addresses: () => addresses,
      now: () => clock.t,
    });
    assert.equal(hosts.allows('192.168.1.20'), true);
    addresses = ['192.168.1.99'];
    hostname = 'new-name';
    clock.t += 10_000;
    assert.equal(hosts.allows('192.168.1.99'), true, 'the new address');
    assert.equal(hosts.allows('new-name'), true, 'the new hostname');
    assert.equal(hosts.allows('192.168.1.20'), false, 'the old address is gone');
    assert.equal(hosts.allows('old-name'), false);
  });
});
