#!/usr/bin/env bash
# `make bench [BENCH=NAME]`: benchmarks that print figures beside their peers, measured in the same
# run on this machine (not pass/fail, not part of `make test`).
#   desktop  code-list tick vs totp-rs; desktop start-up, PSS and idle CPU vs a bare Tauri window
#   backup   Rampart's backup engine vs restic, tar.gz + aws s3 cp, tar|zstd|age|aws, the zstd
#            floor; restore vs restic restore; RSS as the data set doubles (issue 3)
#   feeds    Rampart's health poller vs blackbox_exporter on 1,000 loopback targets (issue 4)
#   tools    field decryption, JWT verification and bcrypt checks vs Node running the guide's
#            code (issue 10)
#   checks   every checklist item against a good loopback target (goal < 3 s); the secret scan
#            of this repository with history vs git log -p | grep -P of the same rules (issue 8)
# With no name (or "all") every benchmark runs, one after the other.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
which="${1:-${BENCH:-all}}"
case "$which" in
  all) names=(desktop backup feeds tools checks) ;;
  desktop | backup | feeds | tools | checks) names=("$which") ;;
  *) echo "bench: unknown benchmark '$which' (desktop, backup, feeds, tools, checks or all)" >&2; exit 2 ;;
esac
for name in "${names[@]}"; do
  echo
  echo "######## bench: $name"
  "$root/bench/$name.sh"
done
