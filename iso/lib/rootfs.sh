# The root file system in two cached steps; the text of each function is part of its cache key.

# build_base DIR: Debian minbase by debootstrap, with the security and update suites
build_base() {
  local dir=$1
  debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$dir" "$MIRROR"
  cat >"$dir/etc/apt/sources.list" <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb ${MIRROR%/debian}/debian-security $SUITE-security main
SOURCES
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\nAcquire::Retries "3";\n' \
    >"$dir/etc/apt/apt.conf.d/90quantix"
}

# install_packages DIR: the package list by apt in a chroot, without recommends
install_packages() {
  local dir=$1 list
  # the installed system's boot loader is set up by quantix-install, never at package time
  printf 'grub-pc grub-pc/install_devices multiselect\ngrub-pc grub-pc/install_devices_empty boolean true\n' >"$dir/tmp/debconf"
  list=$(packages | tr '\n' ' ')
  in_chroot "$dir" /bin/sh -ec "
    debconf-set-selections /tmp/debconf
    apt-get update
    apt-get install -y $list
    apt-get clean
  "
}
