#!/usr/bin/env bash
# Seeds a temp data dir with a few realistic accounts and credentials, opens the debug app under
# Xvfb with a real gnome-keyring, and saves a screenshot of the code list to docs/codes.png
# (or $1). Used for the README and for looking at the app as a user would.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${RAMPART_IN_TEST_KEYRING:-}" ]; then
  exec "$root/tests/support/with-keyring.sh" "$0" "$@"
fi
out="${1:-$root/docs/codes.png}"
target="${CARGO_TARGET_DIR:-$HOME/.cache/rampart-target}"
cli="$target/debug/rampart"
app="$target/debug/rampart-desktop"
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
export RAMPART_DATA_DIR="$work/data"

for uri in \
  "otpauth://totp/GitHub:oncall@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub" \
  "otpauth://totp/AWS%20Prod:root-break-glass?secret=KRSXG5CTMVRXEZLUKN2XAZLSONSWG4TF&issuer=AWS%20Prod" \
  "otpauth://totp/Cloudflare:ops@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Cloudflare&digits=8" \
  "otpauth://totp/Sentry:ops@example.com?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=Sentry" \
  "otpauth://hotp/VPN:alice?secret=ONSWG4TFOQ======&counter=12&issuer=VPN" \
  "otpauth://steam/Steam:ops-bot?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&issuer=Steam"; do
  "$cli" otp add "$uri" 2>/dev/null
done
"$cli" otp list --json | python3 -c 'import json,sys; print([a["id"] for a in json.load(sys.stdin) if a["issuer"]=="AWS Prod"][0])' \
  | xargs -I{} true
printf %s 'postgres://app:pw@db.internal:5432/app' | "$cli" vault set prod-db --kind databaseUri --tag prod
printf %s 'https://hooks.slack.com/services/T0/B0/x' | "$cli" vault set slack-oncall --kind webhookUrl --tag alerts
"$cli" vault generate jwt-secret --bytes 32 2>/dev/null

display=":$((200 + RANDOM % 50))"
Xvfb "$display" -screen 0 1100x760x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
export DISPLAY="$display"
sleep 1
"$app" >"$work/app.log" 2>&1 &
pids+=($!)
sleep "${RAMPART_SHOT_DELAY:-6}"
mkdir -p "$(dirname "$out")"
import -window root "$out"
echo "screenshot: $out"
