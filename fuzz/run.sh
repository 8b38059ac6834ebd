#!/usr/bin/env bash
# `make fuzz`: builds every cargo-fuzz target (or the ones named as arguments) and runs each for
# FUZZ_SECONDS (default 60) in libFuzzer's fork mode, so a crash, timeout or OOM is recorded and
# fuzzing goes on. The working corpus and crash artifacts live under the cargo target dir (never
# in git); the committed seeds in fuzz/seeds/<target>/ start each run. Prints per target:
# executions, exec/s and crashes (crash/timeout/OOM inputs saved), then where the inputs are.
# Stable Rust only: RUSTC_BOOTSTRAP=1 lets cargo-fuzz use its -Z flags.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
export RUSTC_BOOTSTRAP=1
target_dir=${CARGO_TARGET_DIR:-$PWD/fuzz/target}
work=${FUZZ_WORK:-$target_dir/fuzz-work}

if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo fuzz list); fi
cargo fuzz build --release --debug-assertions
bin_dir=$target_dir/x86_64-unknown-linux-gnu/release

rows=()
for t in "${targets[@]}"; do
  mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
  log=$work/$t.log
  echo "== $t: ${seconds}s (log: $log)"
  # Fork mode with one job: crashes/timeouts/OOMs are counted and fuzzing continues.
  "$bin_dir/$t" "$work/corpus/$t" "fuzz/seeds/$t" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
    -ignore_ooms=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/artifacts/$t/" >"$log" 2>&1 || true
  # The last status line: "#N: cov: .. oom/timeout/crash: O/T/C time: Ss ..";
  # exec/s is N / S over the whole run.
  status=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1 || true)
  execs=$(sed -nE 's/^#([0-9]+):.*/\1/p' <<<"$status")
  secs=$(sed -nE 's/.* time: ([0-9]+)s.*/\1/p' <<<"$status")
  rate=$([ -n "$execs" ] && [ "${secs:-0}" -gt 0 ] && echo $((execs / secs)) || true)
  otc=$(sed -nE 's/.*oom\/timeout\/crash: ([0-9]+\/[0-9]+\/[0-9]+).*/\1/p' <<<"$status")
  saved=$(find "$work/artifacts/$t" -type f | wc -l)
  rows+=("$(printf '%-20s %12s %8s %18s %8s' "$t" "${execs:-?}" "${rate:-?}" "${otc:-?}" "$saved")")
done

echo
printf '%-20s %12s %8s %18s %8s\n' target executions exec/s oom/timeout/crash saved
printf '%s\n' "${rows[@]}"
echo "crash inputs: $work/artifacts/<target>/ (reproduce: $bin_dir/<target> <file>)"
