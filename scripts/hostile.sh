#!/usr/bin/env bash
# The hostile-input corpus and the fault set (issue 14): runs the tests that generate the
# corpus and drive the real binary through each case (tests/hostile/, plus the odd file
# names of tests/cli.rs), and prints their rows as a markdown table:
# | input or fault | command | outcome |. Exits non-zero when any case fails.
# Uses CARGO_TARGET_DIR when set. The mount cases (read-only folder, full disk) need root;
# without it they say "skipped" and print no row.
set -euo pipefail
cd "$(dirname "$0")/.."
export GGML_NATIVE=OFF CARGO_TERM_COLOR=never

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test -p slopcannon --test tests -- --nocapture --test-threads 1 \
  hostile:: odd_file_names_open_the_local_file >"$log" 2>&1 || status=$?

echo "| input or fault | command | outcome |"
echo "|---|---|---|"
grep -o 'HOSTILE-ROW | .*' "$log" | sed 's/^HOSTILE-ROW //' | awk '!seen[$0]++'
echo
grep -E '^skipped:' "$log" || true
grep -E '^test result:' "$log" || true
if [ "$status" -ne 0 ]; then
  echo "FAILED cases:" >&2
  grep -E '^test .* FAILED$|^    [a-z_:]+$' "$log" >&2 || true
  grep -A4 'panicked at' "$log" >&2 || true
  exit "$status"
fi
