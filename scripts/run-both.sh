#!/usr/bin/env bash
# `make run`: runs the host and the hub side by side, each line of their output prefixed with its
# name, then one summary with both URLs and setup codes and, once the host is up, a join string
# that adds it to the hub (minted by TOKEN COMMAND). Ctrl-C (or SIGTERM) stops both, and so does
# either one exiting. Usage: run-both.sh "HOST COMMAND" "HUB COMMAND" ["TOKEN COMMAND"]
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
    # the host's control socket is up once it listens: mint a registration token for the hub
    if [ -n "${3:-}" ]; then
      # shellcheck disable=SC2086
      if minted=$($3 2>&1); then
        join=$(sed -n 's/^join: *//p' <<<"$minted")
        expires=$(sed -n 's/^expires: *//p' <<<"$minted")
        echo "  Add the host to the hub: paste this join string into the hub (valid until $expires, one use):"
        echo
        echo "    $join"
        echo
        echo "  (README, \"Adding a host to the hub\"; a new one: ${3})"
      else
        echo "  could not mint a registration token: $minted"
      fi
      echo
    fi
    break
  fi
  kill -0 "${pids[@]}" 2>/dev/null || break
  sleep 0.1
done

wait -n "${pids[@]}"
status=$?
stop
exit "$status"
