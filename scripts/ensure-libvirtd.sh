#!/usr/bin/env bash
# Makes sure a libvirt daemon runs on this machine, starting one without systemd if needed, and
# prints the libvirt URI the host should use: qemu:///system when a daemon answers, otherwise
# test:///default (libvirt's built-in test driver), with the reason on stderr.
set -uo pipefail
sock=/run/libvirt/libvirt-sock
# Without udev, /dev/kvm keeps the kernel's root-only 0600 and QEMU (running as libvirt-qemu)
# cannot use it, while libvirt probes as root: it then re-probes QEMU on every call (a minute per
# VM definition). Give it what Debian's udev rule gives it: group kvm, mode 0660.
if [ -c /dev/kvm ] && [ "$(id -u)" -eq 0 ] && getent group kvm >/dev/null && [ "$(stat -c %G /dev/kvm)" != kvm ]; then
  chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
fi
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
