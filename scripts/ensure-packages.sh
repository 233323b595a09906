#!/usr/bin/env bash
# Installs the Debian packages given as arguments unless they are already installed.
# Used by the Makefile so `make run` / `make test` work on a fresh Debian 12 machine.
#
# Another apt may be running (an unattended upgrade, another `make`, a provisioning script):
# apt-get then waits for it instead of failing at once. apt waits for the dpkg locks itself when
# told to (DPkg::Lock::Timeout); apt-get update (apt 2.6) does not wait for the lists lock, nor
# does the download step for the archives lock, so those are tried again here until the same
# deadline. APT_LOCK_WAIT_SECONDS (default 600) and APT_LOCK_RETRY_SECONDS (default 5) tune it.
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo)

wait_seconds=${APT_LOCK_WAIT_SECONDS:-600}
retry_seconds=${APT_LOCK_RETRY_SECONDS:-5}
deadline=$((SECONDS + wait_seconds))
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT

# apt-get with the lock waits; its messages in English (LC_ALL=C) so that a busy lock is known
apt_get() {
  while :; do
    local status=0
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
      apt-get -o DPkg::Lock::Timeout="$wait_seconds" "$@" 2>"$errors" || status=$?
    if [ "$status" -ne 0 ] && grep -q 'Could not get lock' "$errors" && [ "$SECONDS" -lt "$deadline" ]; then
      echo "apt is busy (another install holds its lock); trying again in ${retry_seconds} s"
      sleep "$retry_seconds"
      continue
    fi
    cat "$errors" >&2
    return "$status"
  done
}

apt_get update -qq
apt_get install -y -qq --no-install-recommends "${missing[@]}"
