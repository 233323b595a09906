import type { CloudInitConfig } from '@quantix/shared';
import { stringify } from 'yaml';

/** The three files of a NoCloud seed, as cloud-init reads them from a volume labelled `cidata`. */
export interface SeedFiles {
  'user-data': string;
  'meta-data': string;
  'network-config': string;
}

// YAML 1.1 as cloud-init's PyYAML reads it: "yes", "on", "no" and friends are quoted, not booleans.
// No line folding: an SSH key stays on one line.
const yaml = (value: unknown) => stringify(value, { version: '1.1', lineWidth: 0 });

/**
 * The seed's files. `hostname` defaults to the VM's name; `mac` is the first NIC's address, which
 * the network config matches on (interface names differ between images); `passwordHash` is the
 * hash of `config.password` made on the host, or `config.passwordHash`.
 */
export function buildSeedFiles(
  config: CloudInitConfig,
  vm: { name: string; instanceId: string; mac: string | null; passwordHash?: string },
): SeedFiles {
  const hostname =
    config.hostname ??
    vm.name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '');
  const metaData = yaml({ 'instance-id': vm.instanceId, 'local-hostname': hostname });
  return {
    'user-data': config.userData ?? `#cloud-config\n${yaml(userData(config, hostname, vm.passwordHash))}`,
    'meta-data': metaData,
    'network-config': yaml(networkConfig(config, vm.mac)),
  };
}

function userData(
  config: CloudInitConfig,
  hostname: string,
  hash: string | undefined,
): Record<string, unknown> {
  const doc: Record<string, unknown> = { hostname, manage_etc_hosts: true };
  if (config.user) {
    doc.users = [
      {
        name: config.user,
        gecos: config.user,
        shell: '/bin/bash',
        sudo: 'ALL=(ALL) NOPASSWD:ALL',
        groups: 'sudo',
        lock_passwd: hash === undefined,
        ...(hash ? { passwd: hash } : {}),
        ...(config.sshKeys.length ? { ssh_authorized_keys: config.sshKeys } : {}),
      },
    ];
  } else if (config.sshKeys.length) {
    // the image's default user (debian, ubuntu, cloud-user) gets the keys
    doc.ssh_authorized_keys = config.sshKeys;
  }
  if (hash) {
    doc.ssh_pwauth = true;
    doc.chpasswd = { expire: false };
  }
  return doc;
}

function networkConfig(config: CloudInitConfig, mac: string | null): Record<string, unknown> {
  if (!mac) return { version: 2, ethernets: {} };
  const net = config.network;
  const nic: Record<string, unknown> = { match: { macaddress: mac.toLowerCase() } };
  if (net.mode === 'dhcp') {
    nic.dhcp4 = true;
  } else {
    nic.dhcp4 = false;
    nic.addresses = [net.address];
    if (net.gateway) nic.routes = [{ to: '0.0.0.0/0', via: net.gateway }];
    if (net.dns.length) nic.nameservers = { addresses: net.dns };
  }
  return { version: 2, ethernets: { nic0: nic } };
}
