#!/usr/bin/env bash
# Makes sure a libvirt daemon runs on this machine, starting one without systemd if needed, and
# prints the libvirt URI the host should use: qemu:///system when a daemon answers, otherwise
# test:///default (libvirt's built-in test driver), with the reason on stderr.
set -uo pipefail
sock=/run/libvirt/libvirt-sock
if [ ! -S "$sock" ] || ! virsh -c qemu:///system version >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-libvirtd: not root, cannot start libvirtd; using libvirt's test driver" >&2
    echo "test:///default"; exit 0
  fi
  echo "ensure-libvirtd: starting virtlogd and libvirtd (no systemd here)" >&2
  pgrep -x virtlogd >/dev/null || virtlogd -d
  pgrep -x libvirtd >/dev/null || libvirtd -d
  for _ in $(seq 1 50); do
    [ -S "$sock" ] && virsh -c qemu:///system version >/dev/null 2>&1 && break
    sleep 0.1
  done
fi
if virsh -c qemu:///system version >/dev/null 2>&1; then
  echo "qemu:///system"
else
  echo "ensure-libvirtd: libvirtd does not answer; using libvirt's test driver" >&2
  echo "test:///default"
fi
