#!/usr/bin/env bash
# make iso: the bootable Quantix host installer, built from Debian 12 packages and the built host
# appliance with ordinary tools run as root (no containers). Each stage is named as it runs and
# checks its output; a failed stage names itself and the build exits non-zero, leaving no ISO.
#
# Settings (environment):
#   QUANTIX_ISO_CACHE   cached root file systems and the work folder (default /var/cache/quantix-iso)
#   QUANTIX_ISO_OUT     where the ISO and BUILD_INFO.json go (default iso/out)
#   QUANTIX_ISO_MIRROR  the Debian mirror (default http://deb.debian.org/debian)
#   QUANTIX_ISO_EXTRA_PACKAGES  more packages, space separated (the tests name an impossible one)
set -Eeuo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# shellcheck source=lib/stages.sh
. "$HERE/lib/stages.sh"
# shellcheck source=lib/chroot.sh
. "$HERE/lib/chroot.sh"
# shellcheck source=lib/rootfs.sh
. "$HERE/lib/rootfs.sh"
trap on_error ERR

SUITE=bookworm
MIRROR=${QUANTIX_ISO_MIRROR:-http://deb.debian.org/debian}
CACHE=${QUANTIX_ISO_CACHE:-/var/cache/quantix-iso}
OUT=${QUANTIX_ISO_OUT:-$REPO/iso/out}
EXTRA=${QUANTIX_ISO_EXTRA_PACKAGES:-}
VERSION=$(node -p "require('$REPO/host/package.json').version")
ISO_NAME=quantix-host-$VERSION.iso
WORK=$CACHE/work
ROOT=$WORK/rootfs
STAGING=$WORK/staging
STAGE_COUNT=7

# the package list as installed: the file without comments, plus the extra ones
packages() { { sed -e 's/#.*//' "$HERE/packages.txt" | tr -s ' \t' '\n'; printf '%s\n' $EXTRA; } | grep -v '^$'; }

preflight() {
  [ "$(id -u)" -eq 0 ] || fail "must run as root (debootstrap, chroot and mounts need it): sudo make iso"
  local tool
  for tool in debootstrap mksquashfs grub-mkrescue xorriso mformat mkfs.vfat sha256sum; do
    command -v "$tool" >/dev/null || fail "$tool is missing: make iso installs it with scripts/ensure-packages.sh"
  done
  need_file "$REPO/host/dist/cli.js" "$REPO/host/dist/public/index.html"
  local node_version
  node_version=$(node --version)
  case "$node_version" in v20.*) ;; *) fail "the image carries this machine's Node.js, which must be 20 (is $node_version)" ;; esac
  mkdir -p "$CACHE" "$OUT"
  # one build at a time per cache (they share the work folder)
  exec 9>"$CACHE/build.lock"
  flock -w 3600 9 || fail "another build holds $CACHE/build.lock"
  # a failed or interrupted earlier build leaves nothing mounted and no ISO that looks finished
  unmount_chroot "$ROOT" 2>/dev/null || true
  rm -f "$OUT/$ISO_NAME" "$OUT/$ISO_NAME.part" "$OUT/$ISO_NAME.sha256" "$OUT/BUILD_INFO.json"
  echo "version $VERSION, Node.js $node_version, mirror $MIRROR, cache $CACHE"
}

# Debian minbase, cached by the suite, the mirror and the script that makes it
BASE_KEY=""
base() {
  BASE_KEY=$({ echo "$SUITE $MIRROR"; declare -f build_base; } | sha256sum | cut -c1-16)
  local cached=$CACHE/base-$BASE_KEY
  if [ -f "$cached/.complete" ]; then
    echo "reusing the cached Debian base $cached"
    return 0
  fi
  rm -rf "$cached.tmp"
  build_base "$cached.tmp"
  need_file "$cached.tmp/usr/bin/apt-get" "$cached.tmp/etc/apt/sources.list"
  touch "$cached.tmp/.complete"
  mv "$cached.tmp" "$cached"
  find "$CACHE" -maxdepth 1 -name 'base-*' -not -name "base-$BASE_KEY" -exec rm -rf {} +
}

# the package list on the base, cached by a hash of everything that decides its content
ROOTFS_KEY=""
rootfs() {
  ROOTFS_KEY=$({ echo "$BASE_KEY"; packages; declare -f install_packages; } | sha256sum | cut -c1-16)
  local cached=$CACHE/rootfs-$ROOTFS_KEY
  if [ -f "$cached/.complete" ]; then
    echo "reusing the cached root file system $cached (the package list is unchanged)"
    return 0
  fi
  local tmp=$cached.tmp
  unmount_chroot "$tmp" 2>/dev/null || true
  rm -rf "$tmp"
  cp -a "$CACHE/base-$BASE_KEY" "$tmp"
  rm -f "$tmp/.complete"
  install_packages "$tmp"
  need_file "$tmp/usr/bin/qemu-system-x86_64" "$tmp/usr/sbin/libvirtd"
  ls "$tmp"/boot/vmlinuz-* "$tmp"/boot/initrd.img-* >/dev/null || fail "no kernel or initrd in the root file system"
  touch "$tmp/.complete"
  mv "$tmp" "$cached"
  # older root file systems are not needed again
  find "$CACHE" -maxdepth 1 -name 'rootfs-*' -not -name "rootfs-$ROOTFS_KEY" -exec rm -rf {} +
}

# the appliance on top: Node.js, the host bundle and its run-time modules, units, settings
system() {
  rm -rf "$ROOT"
  mkdir -p "$WORK"
  cp -a "$CACHE/rootfs-$ROOTFS_KEY" "$ROOT"
  rm -f "$ROOT/.complete"
  install -m 755 "$(command -v node)" "$ROOT/usr/local/bin/node"
  mkdir -p "$ROOT/opt/quantix/host"
  cp -a "$REPO/host/dist/." "$ROOT/opt/quantix/host/"
  node "$HERE/scripts/runtime-modules.mjs" "$REPO/host" "$ROOT/opt/quantix/host" systeminformation selfsigned iconv-lite
  cp -a "$HERE/overlay/." "$ROOT/"
  mkdir -p "$ROOT/usr/share/quantix" "$ROOT/etc/quantix" "$ROOT/var/lib/quantix-host"
  write_build_info "$ROOT/usr/share/quantix/BUILD_INFO.json"
  in_chroot "$ROOT" /bin/sh -ec '
    systemctl enable quantix-host.service quantix-autoinstall.service systemd-networkd.service systemd-resolved.service nftables.service
    systemctl enable quantix-console@tty1.service quantix-console@ttyS0.service
    systemctl mask getty@tty1.service serial-getty@ttyS0.service
    systemctl disable ssh.service
    /usr/local/bin/node --version
  '
  # nothing that must differ between hosts stays in the image: made at first boot instead
  rm -f "$ROOT"/etc/ssh/ssh_host_* "$ROOT/var/lib/dbus/machine-id"
  : >"$ROOT/etc/machine-id"
  ln -sf ../run/systemd/resolve/stub-resolv.conf "$ROOT/etc/resolv.conf"
  rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/apt/archives/*.deb
  rm -rf "$ROOT"/usr/share/man/* "$ROOT"/usr/share/locale/* "$ROOT"/tmp/* "$ROOT"/var/log/*.log
  need_file "$ROOT/usr/local/bin/node" "$ROOT/opt/quantix/host/cli.js" "$ROOT/usr/share/quantix/BUILD_INFO.json"
  need_dir "$ROOT/opt/quantix/host/node_modules/systeminformation"
}

write_build_info() {
  local kernel commit
  kernel=$(basename "$(ls -d "$ROOT"/lib/modules/* | sort -V | tail -n1)")
  commit=$(git -C "$REPO" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  if [ -n "$(git -C "$REPO" status --porcelain 2>/dev/null)" ]; then commit="$commit-dirty"; fi
  (cd "$REPO" && node --import tsx iso/scripts/write-build-info.ts "$1" "$VERSION" "$commit" "$kernel" "12 ($SUITE)")
}

squashfs() {
  mkdir -p "$STAGING/live" "$STAGING/boot/grub"
  rm -f "$STAGING/live/filesystem.squashfs"
  cp "$(ls "$ROOT"/boot/vmlinuz-* | sort -V | tail -n1)" "$STAGING/live/vmlinuz"
  cp "$(ls "$ROOT"/boot/initrd.img-* | sort -V | tail -n1)" "$STAGING/live/initrd.img"
  mksquashfs "$ROOT" "$STAGING/live/filesystem.squashfs" -comp zstd -noappend -wildcards \
    -e 'proc/*' 'sys/*' 'dev/*' 'run/*' 'tmp/*'
  need_file "$STAGING/live/filesystem.squashfs" "$STAGING/live/vmlinuz" "$STAGING/live/initrd.img"
}

image() {
  sed "s/@VERSION@/$VERSION/g" "$HERE/boot/grub.cfg" >"$STAGING/boot/grub/grub.cfg"
  cp "$ROOT/usr/share/quantix/BUILD_INFO.json" "$STAGING/BUILD_INFO.json"
  # hybrid: El Torito for BIOS and UEFI on a CD, and a partition table for a USB stick (dd)
  grub-mkrescue -o "$OUT/$ISO_NAME.part" "$STAGING" -- -volid QUANTIX_HOST
  need_file "$OUT/$ISO_NAME.part"
  xorriso -indev "$OUT/$ISO_NAME.part" -find /live/filesystem.squashfs 2>/dev/null | grep -q filesystem.squashfs ||
    fail "the ISO holds no /live/filesystem.squashfs"
}

finish() {
  cp "$STAGING/BUILD_INFO.json" "$OUT/BUILD_INFO.json"
  mv "$OUT/$ISO_NAME.part" "$OUT/$ISO_NAME"
  (cd "$OUT" && sha256sum "$ISO_NAME" >"$ISO_NAME.sha256")
  ls -l "$OUT/$ISO_NAME"
}

stage preflight "tools, the built host appliance, Node.js 20" preflight
stage base "Debian $SUITE minbase (cached)" base
stage rootfs "$(packages | wc -l) packages on it (cached by their list)" rootfs
stage system "the host appliance, Node.js and the system's settings" system
stage squashfs "the live root file system" squashfs
stage image "the hybrid BIOS + UEFI ISO" image
stage finish "BUILD_INFO.json and checksum beside the ISO" finish
printf '\nbuilt %s (%s MiB) in %s\n' "$OUT/$ISO_NAME" "$(($(stat -c %s "$OUT/$ISO_NAME") / 1048576))" "$(elapsed $((SECONDS - BUILD_STARTED)))"
