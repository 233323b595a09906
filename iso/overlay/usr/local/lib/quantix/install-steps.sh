# The steps of quantix-install, sourced by it. A disk holds (GPT):
#   1  BIOS boot    1 MiB   GRUB's core for BIOS machines
#   2  EFI system   256 MiB GRUB for UEFI machines (\EFI\BOOT\BOOTX64.EFI: no NVRAM entry needed)
#   3  system       6 GiB   the image, unpacked (replaced by an upgrade)
#   4  data         rest    everything that makes the host itself: its identity, accounts and
#                           hubs (/var/lib/quantix-host), libvirt's definitions and images, the
#                           network settings, the hostname; kept by an upgrade
# The system partition mounts the data partition at /var/lib/quantix-data and binds its folders
# where the programs look for them.

DATA_MOUNT=/var/lib/quantix-data
# folder on the data partition → where it is bound on the installed system
DATA_BINDS="host:/var/lib/quantix-host libvirt:/var/lib/libvirt libvirt-qemu:/etc/libvirt/qemu libvirt-storage:/etc/libvirt/storage network:/etc/systemd/network"
TARGET=/mnt/quantix-target
SYSTEM_MIB=6144

say() { printf 'quantix-install: %s\n' "$*"; }
step() {
  STEP=$((STEP + 1))
  printf '\nquantix-install: [%d/%d] %s\n' "$STEP" "$STEPS" "$*"
}

# part DISK N: the path of partition N (/dev/vda3, /dev/nvme0n1p3)
part() { case "$1" in *[0-9]) echo "${1}p$2" ;; *) echo "$1$2" ;; esac; }

partition_disk() {
  local disk=$1
  wipefs -a -q "$disk"
  sfdisk -q -X gpt "$disk" <<TABLE
size=1MiB, type=21686148-6449-6E6F-744E-656564454649, name=bios
size=256MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=efi
size=${SYSTEM_MIB}MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=quantix-system
type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=quantix-data
TABLE
  udevadm settle
  local n
  for n in 2 3 4; do
    [ -b "$(part "$disk" "$n")" ] || { say "partition $(part "$disk" "$n") did not appear"; return 1; }
  done
}

make_filesystems() {
  local disk=$1 keep_data=$2
  mkfs.vfat -F 32 -n QX-EFI "$(part "$disk" 2)" >/dev/null
  mkfs.ext4 -q -F -L QX-SYSTEM "$(part "$disk" 3)"
  if [ "$keep_data" = 1 ]; then
    e2fsck -p "$(part "$disk" 4)" >/dev/null || { say "the data partition has errors e2fsck could not repair"; return 1; }
  else
    mkfs.ext4 -q -F -L QX-DATA "$(part "$disk" 4)"
  fi
}

mount_target() {
  local disk=$1
  mkdir -p "$TARGET"
  mount "$(part "$disk" 3)" "$TARGET"
  mkdir -p "$TARGET/boot/efi" "$TARGET$DATA_MOUNT"
  mount "$(part "$disk" 2)" "$TARGET/boot/efi"
  mount "$(part "$disk" 4)" "$TARGET$DATA_MOUNT"
}

unmount_target() {
  local m
  for m in dev/pts dev sys proc "${DATA_MOUNT#/}" boot/efi; do
    mountpoint -q "$TARGET/$m" && umount "$TARGET/$m"
  done
  if mountpoint -q "$TARGET"; then umount "$TARGET"; fi
  return 0
}

copy_system() {
  unsquashfs -f -d "$TARGET" "$MEDIUM/live/filesystem.squashfs"
  [ -x "$TARGET/usr/local/bin/quantix-host" ] || { say "the system was not copied"; return 1; }
}

# the data partition's folders, seeded from the new system the first time; then the settings
setup_data() {
  local hostname=$1 net=$2 enroll=$3 pair dir bind
  for pair in $DATA_BINDS; do
    dir=$TARGET$DATA_MOUNT/${pair%%:*}
    bind=${pair#*:}
    if [ ! -d "$dir" ]; then
      mkdir -p "$dir"
      if [ -d "$TARGET$bind" ]; then cp -a "$TARGET$bind/." "$dir/"; fi
    fi
  done
  chmod 700 "$TARGET$DATA_MOUNT/host"
  if [ -n "$hostname" ]; then echo "$hostname" >"$TARGET$DATA_MOUNT/hostname"; fi
  [ -s "$TARGET$DATA_MOUNT/hostname" ] || echo quantix >"$TARGET$DATA_MOUNT/hostname"
  hostname=$(cat "$TARGET$DATA_MOUNT/hostname")
  echo "$hostname" >"$TARGET/etc/hostname"
  sed -i "s/^127\.0\.1\.1.*/127.0.1.1\t$hostname/" "$TARGET/etc/hosts"
  if [ -n "$net" ]; then write_network "$net" "$TARGET$DATA_MOUNT/network/10-quantix-mgmt.network"; fi
  if [ -n "$enroll" ]; then
    mkdir -p "$TARGET/etc/quantix"
    printf 'QUANTIX_JOIN_HUB=%s\n' "$enroll" >"$TARGET/etc/quantix/host.env"
    chmod 600 "$TARGET/etc/quantix/host.env"
  fi
}

# write_network SPEC FILE: SPEC is "dhcp" or "ADDRESS/PREFIX,GATEWAY[,DNS[,DNS]]"
write_network() {
  local spec=$1 file=$2 address gateway dns
  if [ "$spec" = dhcp ]; then
    printf '[Match]\nName=en* eth*\nType=ether\n\n[Network]\nDHCP=yes\n' >"$file"
    return 0
  fi
  IFS=, read -r address gateway dns <<<"$spec"
  [[ "$address" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$ ]] || { say "quantix.net: $address is not ADDRESS/PREFIX"; return 1; }
  [[ "$gateway" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || { say "quantix.net: the gateway $gateway is not an address"; return 1; }
  {
    printf '[Match]\nName=en* eth*\nType=ether\n\n[Network]\nAddress=%s\nGateway=%s\n' "$address" "$gateway"
    local d
    for d in ${dns//,/ }; do printf 'DNS=%s\n' "$d"; done
  } >"$file"
}

write_fstab() {
  local disk=$1 uuid_sys uuid_efi uuid_data pair
  uuid_sys=$(blkid -s UUID -o value "$(part "$disk" 3)")
  uuid_efi=$(blkid -s UUID -o value "$(part "$disk" 2)")
  uuid_data=$(blkid -s UUID -o value "$(part "$disk" 4)")
  {
    echo "# written by quantix-install"
    echo "UUID=$uuid_sys / ext4 errors=remount-ro 0 1"
    echo "UUID=$uuid_efi /boot/efi vfat umask=0077 0 2"
    echo "UUID=$uuid_data $DATA_MOUNT ext4 defaults 0 2"
    for pair in $DATA_BINDS; do
      echo "$DATA_MOUNT/${pair%%:*} ${pair#*:} none bind,x-systemd.requires-mounts-for=$DATA_MOUNT 0 0"
    done
  } >"$TARGET/etc/fstab"
}

install_bootloader() {
  local disk=$1
  mount -t proc proc "$TARGET/proc"
  mount -t sysfs sysfs "$TARGET/sys"
  mount --bind /dev "$TARGET/dev"
  mount --bind /dev/pts "$TARGET/dev/pts"
  chroot "$TARGET" grub-install --target=i386-pc --recheck "$disk"
  chroot "$TARGET" grub-install --target=x86_64-efi --efi-directory=/boot/efi --removable --no-nvram
  chroot "$TARGET" update-grub
  [ -s "$TARGET/boot/efi/EFI/BOOT/BOOTX64.EFI" ] && [ -s "$TARGET/boot/grub/grub.cfg" ] ||
    { say "the boot loader was not installed"; return 1; }
}

# Ejects the CD the live system runs from, then reboots at once. The live root is read from that
# medium: once it is out, a page of a program or library that is not in memory cannot be read, and
# its process dies of SIGBUS. The installer did (exit 135, at "systemctl reboot", after copying the
# system had pushed systemctl out of the page cache), and the machine never rebooted. So the last
# moves run from copies on a tmpfs: bash and eject with the libraries they load, started by the
# copied loader; the reboot is the kernel's own (sysrq b), which needs no program. Nothing is lost:
# the target is synced and unmounted, and the live system keeps nothing. The page cache is dropped
# right after the eject, so anything still read from the medium fails every time, not now and then.
eject_and_reboot() {
  local ram dev ld progs
  dev=$(findmnt -no SOURCE "$MEDIUM" 2>/dev/null || true)
  ram=/run/quantix-reboot
  mkdir -p "$ram"
  mountpoint -q "$ram" || mount -t tmpfs -o size=64m,mode=0700 quantix-reboot "$ram"
  progs="$(command -v bash) $(command -v eject)"
  # shellcheck disable=SC2086 # two paths, split on purpose
  cp -L $progs $(ldd $progs | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*\/ld-linux/ { print $1 }' | sort -u) "$ram/"
  ld=$(echo "$ram"/ld-linux*)
  [ -x "$ld" ] && [ -x "$ram/bash" ] && [ -x "$ram/eject" ] || { say "could not copy bash and eject to memory"; return 1; }
  say "rebooting into the installed system"
  # an empty environment: no locale, nothing bash or eject would read from the medium
  exec -c "$ld" --library-path "$ram" "$ram/bash" --norc --noprofile -c '
    if [ -n "$2" ] && "$1" --library-path "$0" "$0/eject" -m "$2" 2>/dev/null; then
      printf "quantix-install: ejected %s; remove it from the drive\n" "$2"
    fi
    echo 3 >/proc/sys/vm/drop_caches
    echo b >/proc/sysrq-trigger' "$ram" "$ld" "$dev"
}
