#!/usr/bin/env bash
# A bounded fuzzing run of every property test over untrusted text and numbers (project
# files, clip lists, time strings, .env lines, ASS from transcript text, the avcC / Annex-B /
# length-prefix parsers, clip selection): each round runs them with fresh random inputs
# (proptest picks a new seed per run). A failure prints the minimal input; keep it as a
# regression test beside the property.
# Usage: scripts/fuzz.sh [ROUNDS]   (default 20 rounds, ~256 cases per property per round)
set -euo pipefail
cd "$(dirname "$0")/.."
export GGML_NATIVE=OFF
rounds=${1:-20}
filters=(project:: h264:: settings:: cli::export:: captions::ass:: media::tests scoring::)
cargo test --workspace --lib --no-run -q
for r in $(seq "$rounds"); do
  echo "== round $r of $rounds"
  if ! out=$(cargo test --workspace --lib -q -- "${filters[@]}" 2>&1); then
    echo "$out" | grep -E -A12 "minimal failing|panicked" | head -60
    echo "fuzz: a property failed in round $r" >&2
    exit 1
  fi
  echo "$out" | grep -E "test result: ok. [1-9]"
done
echo "fuzz: $rounds rounds, no failure"
