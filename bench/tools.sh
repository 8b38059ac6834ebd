#!/usr/bin/env bash
# The responder's tools (issue 10) beside Node running the guide's own code on the same inputs:
# decrypting 100,000 encrypted fields (encryptData/decryptData), verifying 20,000 JWTs
# (jsonwebtoken with the guide's options), and 20 bcrypt cost-10 checks (bcryptjs). Wall time
# and peak RSS of each process; one run, so compare within the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
node_dir="$root/crates/responder/tests/node"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart-target}"
[ -d "$node_dir/node_modules" ] || (cd "$node_dir" && npm ci --no-audit --no-fund >/dev/null)
cargo build --release -q -p rampart-responder --example throughput
ours="$CARGO_TARGET_DIR/release/examples/throughput"

work=$(mktemp -d "${TMPDIR:-/tmp}/rampart-bench-tools.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ENCRYPTION_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export JWT_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export BCRYPT_PASSWORD="correct horse battery staple"
node_run() { echo "$2" | node "$node_dir/interop.mjs" "$1"; }

node_run make-payloads "{\"n\": 100000, \"file\": \"$work/fields.jsonl\"}" >/dev/null
node_run make-tokens "{\"n\": 20000, \"file\": \"$work/tokens.txt\"}" >/dev/null
hash=$(node_run bcrypt "{\"password\": \"$BCRYPT_PASSWORD\", \"costs\": [10]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0])')

# Runs a command under /usr/bin/time; prints "<what> <count> <ms>  <peak RSS MB>".
measure() {
  local line rss
  line=$(/usr/bin/time -f '%M' -o "$work/rss" "$@" | tr -d '"')
  rss=$(awk '{printf "%.1f", $1 / 1024}' "$work/rss")
  echo "$line $rss"
}

printf '%-14s %-8s %10s %10s %12s\n' task who count "wall ms" "peak RSS MB"
row() { read -r what count ms rss <<<"$2"; printf '%-14s %-8s %10s %10s %12s\n' "$what" "$1" "$count" "$ms" "$rss"; }
row rampart "$(measure "$ours" decrypt "$work/fields.jsonl")"
row node "$(measure node "$node_dir/interop.mjs" bench-decrypt <<<"{\"file\": \"$work/fields.jsonl\"}")"
row rampart "$(measure "$ours" jwt "$work/tokens.txt")"
row node "$(measure node "$node_dir/interop.mjs" bench-jwt <<<"{\"file\": \"$work/tokens.txt\"}")"
row rampart "$(measure "$ours" bcrypt "$hash" 20)"
row node "$(measure node "$node_dir/interop.mjs" bench-bcrypt <<<"{\"hash\": \"$hash\", \"password\": \"$BCRYPT_PASSWORD\", \"n\": 20}")"
echo "(Rampart's figures include reading and parsing the whole file; Node's the same work in one process.)"
