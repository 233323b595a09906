# Running commands inside the image's root file system: /proc, /sys and /dev mounted for the
# length of one call and always unmounted again, services kept from starting (policy-rc.d).

# in_chroot ROOT COMMAND...: runs COMMAND in ROOT with the kernel file systems mounted
in_chroot() {
  local root=$1 status=0
  shift
  mount -t proc proc "$root/proc"
  mount -t sysfs sysfs "$root/sys"
  mount --bind /dev "$root/dev"
  mount --bind /dev/pts "$root/dev/pts"
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
    chroot "$root" "$@" || status=$?
  rm -f "$root/usr/sbin/policy-rc.d"
  unmount_chroot "$root"
  return "$status"
}

# unmount_chroot ROOT: whatever in_chroot mounted (also after an interrupted build)
unmount_chroot() {
  local root=$1 m
  for m in dev/pts dev sys proc; do
    if mountpoint -q "$root/$m"; then umount "$root/$m" || umount -l "$root/$m"; fi
  done
}
