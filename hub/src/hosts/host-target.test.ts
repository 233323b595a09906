import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, encodeJoin } from '@quantix/shared';
import { classifyAddress, parseHostInput, refusalReason, resolveHostTarget } from './host-target.ts';

function rejectsWith(code: string, phase: string) {
  return (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code, err.message);
    assert.equal(err.details?.phase, phase);
    assert.equal(typeof err.details?.hostUrl, 'string');
    return true;
  };
}

describe('parseHostInput', () => {
  it('takes an https origin, with port 443 by default', () => {
    assert.deepEqual(parseHostInput(' https://Host.Example/ '), {
      origin: 'https://host.example',
      hostname: 'host.example',
      port: 443,
      join: null,
    });
    assert.equal(parseHostInput('https://host.example:8443').port, 8443);
    assert.equal(parseHostInput('https://host.example:443').origin, 'https://host.example');
  });

  it('strips the brackets of an IPv6 literal', () => {
    const o = parseHostInput('https://[2001:db8::1]:8443/');
    assert.equal(o.hostname, '2001:db8::1');
    assert.equal(o.origin, 'https://[2001:db8::1]:8443');
  });

  it('takes the URL out of a qx1. join string', () => {
    const join = {
      url: 'https://192.0.2.10:8443',
      token: 'abc123.0123456789abcdef',
      spki: `sha256:${'0f'.repeat(32)}`,
    };
    const o = parseHostInput(encodeJoin(join));
    assert.equal(o.origin, 'https://192.0.2.10:8443');
    assert.equal(o.port, 8443);
    assert.deepEqual(o.join, { v: 1, ...join });
    assert.throws(() => parseHostInput('qx1.garbage!'), rejectsWith('VALIDATION_FAILED', 'parse'));
    assert.throws(
      () => parseHostInput(encodeJoin({ ...join, url: 'http://192.0.2.10:8443' })),
      rejectsWith('VALIDATION_FAILED', 'parse'),
    );
  });

  for (const bad of [
    'host.example',
    'http://host.example',
    'ftp://host.example',
    'https://user:pw@host.example',
    'https://user@host.example',
    'https://host.example/api',
    'https://host.example/?x=1',
    'https://host.example/#x',
    'https://',
    '',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseHostInput(bad), rejectsWith('VALIDATION_FAILED', 'parse'));
    });
  }
});

describe('classifyAddress and refusalReason', () => {
  const cases: [string, string | null][] = [
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['::ffff:169.254.3.4', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'multicast'],
    ['ff02::1', 'multicast'],
    ['127.0.0.1', 'loopback'],
    ['127.1.2.3', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['192.168.1.10', null],
    ['10.0.0.5', null],
    ['2001:db8::1', null],
    ['fec0::1', null],
    ['fd00:ec2::253', null],
    ['::ffff:192.168.1.10', null],
    ['169.255.0.1', null],
  ];
  for (const [address, cls] of cases) {
    it(`${address} is ${cls ?? 'allowed'}`, () => {
      assert.equal(classifyAddress(address), cls);
      assert.equal(refusalReason(address, { allowLoopback: false }) === null, cls === null);
    });
  }

  it('allows loopback only when told to, and nothing else with it', () => {
    assert.equal(refusalReason('127.0.0.1', { allowLoopback: true }), null);
    assert.equal(refusalReason('::1', { allowLoopback: true }), null);
    assert.match(refusalReason('127.0.0.1', { allowLoopback: false }) ?? '', /loopback/);
    assert.match(refusalReason('169.254.169.254', { allowLoopback: true }) ?? '', /metadata/);
    assert.match(refusalReason('fe80::1%eth0', { allowLoopback: true }) ?? '', /link-local/);
  });
});

describe('resolveHostTarget', () => {
  const resolveTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('returns every checked address of the name', async () => {
    const t = await resolveHostTarget(parseHostInput('https://host.example:8443'), {
      allowLoopback: false,
      resolveAll: resolveTo('192.0.2.10', '2001:db8::10'),
    });
    assert.deepEqual(t.addresses, [
      { address: '192.0.2.10', family: 4 },
      { address: '2001:db8::10', family: 6 },
    ]);
    assert.equal(t.origin, 'https://host.example:8443');
  });

  it('refuses the whole name when any address is refused', async () => {
    await assert.rejects(
      resolveHostTarget(parseHostInput('https://host.example'), {
        allowLoopback: false,
        resolveAll: resolveTo('192.0.2.10', '169.254.169.254'),
      }),
      rejectsWith('ADDRESS_NOT_ALLOWED', 'resolve'),
    );
  });

  it('checks IP literals without asking DNS', async () => {
    const resolveAll = async () => assert.fail('DNS must not be asked');
    for (const url of ['https://169.254.169.254', 'https://[fe80::1]', 'https://[::ffff:169.254.169.254]']) {
      await assert.rejects(
        resolveHostTarget(parseHostInput(url), { allowLoopback: true, resolveAll }),
        rejectsWith('ADDRESS_NOT_ALLOWED', 'resolve'),
      );
    }
    const t = await resolveHostTarget(parseHostInput('https://[2001:db8::1]'), {
      allowLoopback: false,
      resolveAll,
    });
    assert.deepEqual(t.addresses, [{ address: '2001:db8::1', family: 6 }]);
  });

  it('refuses loopback names unless allowed, through the real resolver', async () => {
    await assert.rejects(
      resolveHostTarget(parseHostInput('https://localhost:8443'), { allowLoopback: false }),
      rejectsWith('ADDRESS_NOT_ALLOWED', 'resolve'),
    );
    const t = await resolveHostTarget(parseHostInput('https://localhost:8443'), { allowLoopback: true });
    assert.ok(t.addresses.length >= 1);
    for (const a of t.addresses) assert.equal(classifyAddress(a.address), 'loopback');
  });

  it('reports a name that does not resolve, or resolves to nothing', async () => {
    await assert.rejects(
      resolveHostTarget(parseHostInput('https://no-such-host.invalid'), { allowLoopback: false }),
      rejectsWith('NETWORK_UNREACHABLE', 'resolve'),
    );
    await assert.rejects(
      resolveHostTarget(parseHostInput('https://host.example'), {
        allowLoopback: false,
        resolveAll: resolveTo(),
      }),
      rejectsWith('NETWORK_UNREACHABLE', 'resolve'),
    );
  });
});
