#!/usr/bin/env bash
# Fails if anything in the real Rampart data dir changed since `make test` started: every test
# must use its own temp data dir (and its own keychain namespace, under with-keyring.sh).
set -euo pipefail
marker="${CARGO_TARGET_DIR:-$HOME/.cache/rampart-target}/.test-start"
real="${XDG_DATA_HOME:-$HOME/.local/share}/rampart"
[ -f "$marker" ] || { echo "hermeticity: no start marker at $marker (run via make test)"; exit 1; }
if [ -d "$real" ] && [ -n "$(find "$real" -newer "$marker" -print -quit)" ]; then
  echo "hermeticity: tests wrote into the real data dir $real:"
  find "$real" -newer "$marker" | head
  exit 1
fi
echo "hermeticity: the real data dir ($real) was not touched"
