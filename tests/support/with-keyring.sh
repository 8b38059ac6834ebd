#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring and private
# XDG dirs, so tests use a real Secret Service and never touch the user's keychain or data dir.
# Usage: tests/support/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
if [ -z "${RAMPART_IN_TEST_KEYRING:-}" ]; then
  export RAMPART_IN_TEST_KEYRING=1
  exec dbus-run-session -- "$0" "$@"
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/rampart-keyring.XXXXXX")
cleanup() {
  [ -n "${keyring_pid:-}" ] && kill "$keyring_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# --unlock reads the new login keyring's password from stdin and creates it unlocked.
eval "$(printf '%s' 'rampart-test-keyring' | gnome-keyring-daemon --unlock --components=secrets)"
keyring_pid=${GNOME_KEYRING_PID:-}
# The daemon answers before its login collection is the default one: until then every write
# fails with "no result found". Wait (up to 10 s) until a probe item can be stored and read.
ready=
for _ in $(seq 100); do
  if printf probe | secret-tool store --label=rampart-ready rampart-ready probe 2>/dev/null &&
    [ "$(secret-tool lookup rampart-ready probe 2>/dev/null)" = probe ]; then
    secret-tool clear rampart-ready probe 2>/dev/null || true
    ready=1
    break
  fi
  sleep 0.1
done
[ -n "$ready" ] || { echo "with-keyring: the test keyring never became writable" >&2; exit 1; }
export RAMPART_KEYRING_SERVICE="${RAMPART_KEYRING_SERVICE:-rampart-test-$$}"
"$@"
