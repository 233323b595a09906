# Stage bookkeeping for iso/build.sh: each stage is named as it starts, timed, and checks its
# output; a failure anywhere names the stage that failed and exits non-zero.

STAGE_NAME=""
STAGE_NUM=0
STAGE_COUNT=0
BUILD_STARTED=$SECONDS

# stage NAME DESCRIPTION FUNCTION: runs FUNCTION as stage NAME
stage() {
  local name=$1 what=$2 fn=$3 started=$SECONDS
  STAGE_NAME=$name
  STAGE_NUM=$((STAGE_NUM + 1))
  printf '\n==> [%d/%d] %s: %s\n' "$STAGE_NUM" "$STAGE_COUNT" "$name" "$what"
  "$fn"
  printf '<== %s done in %s\n' "$name" "$(elapsed $((SECONDS - started)))"
  STAGE_NAME=""
}

elapsed() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# on_error: the ERR trap (set -E carries it into functions)
on_error() {
  local status=$? line=${BASH_LINENO[0]}
  trap - ERR
  if [ -n "$STAGE_NAME" ]; then
    printf '\nmake iso: stage "%s" FAILED (exit %d, %s line %d)\n' "$STAGE_NAME" "$status" "${BASH_SOURCE[1]:-build.sh}" "$line" >&2
  else
    printf '\nmake iso: FAILED before any stage (exit %d)\n' "$status" >&2
  fi
  exit "$status"
}

# fail MESSAGE: a check that did not hold, in the current stage
fail() {
  printf 'make iso: %s\n' "$*" >&2
  return 1
}

# need_file PATH...: each exists and is not empty
need_file() {
  local f
  for f in "$@"; do
    [ -s "$f" ] || fail "expected output $f is missing or empty"
  done
}

# need_dir PATH...: each exists and holds something
need_dir() {
  local d
  for d in "$@"; do
    [ -d "$d" ] && [ -n "$(ls -A "$d")" ] || fail "expected output folder $d is missing or empty"
  done
}
