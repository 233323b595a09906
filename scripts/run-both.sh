#!/usr/bin/env bash
# `make run`: runs the host and the hub side by side, each line of their output prefixed with its
# name, then one summary with both URLs and setup codes. Ctrl-C (or SIGTERM) stops both, and so
# does either one exiting. Usage: run-both.sh "HOST COMMAND" "HUB COMMAND"
set -uo pipefail
logs=$(mktemp -d)
pids=()
stop() { kill "${pids[@]}" 2>/dev/null; wait; rm -rf "$logs"; }
trap 'stop; exit 130' INT TERM

start() { # name, command: the command's words are split on spaces (no paths with spaces here)
  # shellcheck disable=SC2086
  $2 > >(tee "$logs/$1" | sed -u "s/^/[$1] /") 2>&1 &
  pids+=($!)
}
start host "$1"
start hub "$2"

# Once both listen (or one has died), the two things to open and the codes to enter.
for _ in $(seq 600); do
  if grep -q '^listening ' "$logs/host" 2>/dev/null && grep -q '^listening ' "$logs/hub" 2>/dev/null; then
    echo
    for name in host hub; do
      url=$(sed -n 's/^  URL: *//p' "$logs/$name")
      code=$(sed -n 's/^  Setup code: *\([^ ]*\).*/\1/p' "$logs/$name")
      printf '  %-5s %-28s setup code: %s\n' "$name" "$url" "${code:-none (an administrator exists)}"
    done
    echo
    break
  fi
  kill -0 "${pids[@]}" 2>/dev/null || break
  sleep 0.1
done

wait -n "${pids[@]}"
status=$?
stop
exit "$status"
