import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CloudInitConfig, type CloudInitConfigInput } from '@quantix/shared';
import { tempRoot } from '@quantix/shared/server/testing';
import { parse } from 'yaml';
import { readIso9660 } from '../../../test/support/iso9660-read.ts';
import { buildSeedFiles } from './cloud-init-files.ts';
import { isSeedPath } from './cloud-init.service.ts';
import { hashPassword } from './password-hash.ts';
import { writeSeedIso } from './seed-iso.ts';

const base = tempRoot('qximg-ci-');
const MAC = '52:54:00:AB:cd:01';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq0bQyq7RrQ8V6r0m3jzB2kYxg3wJkqg1m8N7o1yH5a admin@example';
const cfg = (c: CloudInitConfigInput) => CloudInitConfig.parse(c);
/** as cloud-init's PyYAML reads it: YAML 1.1 */
const yaml11 = (text: string) => parse(text, { version: '1.1' }) as Record<string, unknown>;

describe('cloud-init seed files', () => {
  it('user-data is #cloud-config with the user, hash, keys and hostname', () => {
    const files = buildSeedFiles(cfg({ hostname: 'web1', user: 'ops', sshKeys: [KEY] }), {
      name: 'qx-web',
      instanceId: 'iid-1',
      mac: MAC,
      passwordHash: '$6$salt$hash',
    });
    assert.ok(files['user-data'].startsWith('#cloud-config\n'), 'the header cloud-init needs');
    const ud = yaml11(files['user-data']);
    assert.equal(ud.hostname, 'web1');
    const [user] = ud.users as Array<Record<string, unknown>>;
    assert.equal(user?.name, 'ops');
    assert.equal(user?.passwd, '$6$salt$hash');
    assert.equal(user?.lock_passwd, false);
    assert.deepEqual(user?.ssh_authorized_keys, [KEY]);
    assert.equal(ud.ssh_pwauth, true);
    assert.deepEqual(ud.chpasswd, { expire: false });
    assert.ok(!files['user-data'].includes('\n  admin@example'), 'the key is not folded');
    const md = yaml11(files['meta-data']);
    assert.deepEqual(md, { 'instance-id': 'iid-1', 'local-hostname': 'web1' });
  });

  it('network-config v2 matches the NIC by MAC, DHCP or static', () => {
    const dhcp = yaml11(buildSeedFiles(cfg({}), { name: 'vm', instanceId: 'i', mac: MAC })['network-config']);
    assert.deepEqual(dhcp, {
      version: 2,
      ethernets: { nic0: { match: { macaddress: '52:54:00:ab:cd:01' }, dhcp4: true } },
    });
    const fixed = yaml11(
      buildSeedFiles(
        cfg({
          network: { mode: 'static', address: '192.0.2.10/24', gateway: '192.0.2.1', dns: ['192.0.2.53'] },
        }),
        { name: 'vm', instanceId: 'i', mac: MAC },
      )['network-config'],
    );
    assert.deepEqual(fixed, {
      version: 2,
      ethernets: {
        nic0: {
          match: { macaddress: '52:54:00:ab:cd:01' },
          dhcp4: false,
          addresses: ['192.0.2.10/24'],
          routes: [{ to: '0.0.0.0/0', via: '192.0.2.1' }],
          nameservers: { addresses: ['192.0.2.53'] },
        },
      },
    });
  });

  it('quotes what YAML 1.1 would read as a boolean, defaults the hostname to the VM name', () => {
    const files = buildSeedFiles(cfg({ hostname: 'on', user: 'yes' }), {
      name: 'x',
      instanceId: 'i',
      mac: null,
    });
    const ud = yaml11(files['user-data']);
    assert.equal(ud.hostname, 'on');
    assert.equal((ud.users as Array<{ name: unknown }>)[0]?.name, 'yes');
    assert.equal(
      yaml11(buildSeedFiles(cfg({}), { name: 'Web_01', instanceId: 'i', mac: null })['meta-data'])[
        'local-hostname'
      ],
      'web-01',
    );
  });

  it('raw user-data replaces the generated one; the keys go to the default user without a user', () => {
    const raw = '#cloud-config\npackages: [nginx]\n';
    assert.equal(
      buildSeedFiles(cfg({ userData: raw }), { name: 'v', instanceId: 'i', mac: null })['user-data'],
      raw,
    );
    const ud = yaml11(
      buildSeedFiles(cfg({ sshKeys: [KEY] }), { name: 'v', instanceId: 'i', mac: null })['user-data'],
    );
    assert.deepEqual(ud.ssh_authorized_keys, [KEY]);
    assert.equal(ud.users, undefined);
  });

  it('the schema refuses a password without a user, both password and hash, and bad keys', () => {
    assert.equal(CloudInitConfig.safeParse({ password: 'x' }).success, false);
    assert.equal(
      CloudInitConfig.safeParse({ user: 'a', password: 'x', passwordHash: `$6$s$${'a'.repeat(86)}` }).success,
      false,
    );
    assert.equal(CloudInitConfig.safeParse({ sshKeys: ['ssh-ed25519 AAAA\nroot'] }).success, false);
    assert.equal(CloudInitConfig.safeParse({ userData: 'packages: []' }).success, false);
    assert.equal(CloudInitConfig.safeParse({ user: 'root' }).success, false);
  });
});

describe('password hash', () => {
  it('is a SHA-512 crypt(3) hash that the C library verifies, salted anew each time', async () => {
    const password = 'correct horse $battery "staple"';
    const a = await hashPassword(password);
    const b = await hashPassword(password);
    assert.match(a, /^\$6\$[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{86}$/);
    assert.notEqual(a, b);
    // perl's crypt is the C library's crypt(3), what shadow and cloud-init's chpasswd use
    const check = (pw: string) =>
      execFileSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', pw, a], { encoding: 'utf8' });
    assert.equal(check(password), a);
    assert.notEqual(check('wrong'), a);
  });
});

describe('seed ISO', () => {
  it('is labelled cidata and holds user-data, meta-data and network-config under their names', async () => {
    const dir = await base.fresh('iso-');
    const out = join(dir, 'seed.iso');
    const files = buildSeedFiles(cfg({ hostname: 'db1', user: 'ops', sshKeys: [KEY] }), {
      name: 'qximg-db',
      instanceId: 'iid-abc',
      mac: MAC,
    });
    await writeSeedIso(files, out);
    const iso = readIso9660(await readFile(out));
    assert.equal(iso.volumeId, 'cidata');
    assert.equal(iso.joliet, true);
    assert.deepEqual([...iso.files.keys()].sort(), ['meta-data', 'network-config', 'user-data']);
    assert.equal(iso.files.get('user-data')?.toString(), files['user-data']);
    const ud = yaml11(iso.files.get('user-data')?.toString() ?? '');
    assert.equal(ud.hostname, 'db1');
    assert.equal(yaml11(iso.files.get('meta-data')?.toString() ?? '')['instance-id'], 'iid-abc');
    assert.equal(yaml11(iso.files.get('network-config')?.toString() ?? '').version, 2);
    // blkid, which cloud-init's NoCloud uses to find the seed, sees the same label
    const label = execFileSync('blkid', ['-o', 'value', '-s', 'LABEL', out], { encoding: 'utf8' }).trim();
    assert.equal(label, 'cidata');
  });
});

describe('isSeedPath', () => {
  it('is the seed of that VM only, never any ISO whose name looks like one', () => {
    assert.equal(isSeedPath('/pool/web-cidata.iso', 'web'), true);
    assert.equal(isSeedPath('/pool/other-cidata.iso', 'web'), false);
    assert.equal(isSeedPath('/pool/web.iso', 'web'), false);
    assert.equal(isSeedPath(null, 'web'), false);
  });
});
