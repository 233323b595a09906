#!/usr/bin/env bash
# The ISO the boot tests run, built once per content of its inputs: the ISO is kept in the cache
# (outside the clone) under a hash of every file that goes into it, so an unchanged tree does not
# rebuild. Prints the ISO's path on stdout, and everything else on stderr.
set -Eeuo pipefail
exec 3>&1 1>&2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
CACHE=${QUANTIX_ISO_CACHE:-/var/cache/quantix-iso}
VERSION=$(node -p "require('$REPO/host/package.json').version")

# the inputs: the image's own files, the host and the contracts it is built from (their tests
# aside), the lock file, the build scripts, and the Node.js copied in
key=$(
  cd "$REPO"
  {
    git ls-files -z --cached --others --exclude-standard -- iso host shared scripts package.json package-lock.json |
      grep -zv -e '\.test\.ts$' -e '\.test-helper\.ts$' -e '^iso/out/' | sort -z | xargs -0 sha256sum
    node --version
  } | sha256sum | cut -c1-16
)
dir=$CACHE/iso-$key
iso=$dir/quantix-host-$VERSION.iso
if [ -s "$iso" ] && [ -s "$dir/BUILD_INFO.json" ]; then
  echo "reusing the ISO built from these inputs ($key)"
else
  echo "building the ISO for inputs $key"
  # build.sh copies host/dist in: built here from the very sources the key names, or a dist left
  # from before a change would be cached under the new key (and reused by every clone here)
  (cd "$REPO" && npm run build -w host)
  rm -rf "$dir.tmp"
  QUANTIX_ISO_OUT="$dir.tmp" "$HERE/build.sh"
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
  # only the newest two ISOs are kept
  ls -dt "$CACHE"/iso-* 2>/dev/null | grep -v '\.tmp$' | tail -n +3 | xargs -r rm -rf
fi
echo "$iso" >&3
