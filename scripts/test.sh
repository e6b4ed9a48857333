#!/usr/bin/env bash
# The whole test suite: installs what it needs, checks formatting and lints, runs every test
# (the GUI smoke test runs the real window under Xvfb). `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

export CARGO_TERM_COLOR=never
# whisper.cpp must not be built for this CPU only (also set in .cargo/config.toml).
export GGML_NATIVE=OFF

# The speech tests use real whisper models: ../shared/models beside the clone (CI), or else
# the tiny.en models fetched with the app's own `models download` (a user's clone, online).
# Offline and without ../shared, the speech tests fail and say how to get a model.
if [ ! -d ../shared/models ] && [ -z "${SLOPCANNON_TEST_MODELS:-}" ]; then
  models="${XDG_DATA_HOME:-$HOME/.local/share}/slopcannon/models"
  cargo build --locked -q
  for m in tiny.en tiny.en-q8_0 tiny.en-q5_1; do
    [ -s "$models/ggml-$m.bin" ] || target/debug/slopcannon models download "$m" ||
      echo "test: could not download the $m model; the speech tests will fail" >&2
  done
  export SLOPCANNON_TEST_MODELS="$models"
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked --all-targets -- --test-threads 2
