#!/usr/bin/env bash
# The whole test suite: installs what it needs, checks formatting and lints, runs every test
# (the GUI smoke test runs the real window under Xvfb). `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

export CARGO_TERM_COLOR=never
# whisper.cpp must not be built for this CPU only (also set in .cargo/config.toml).
export GGML_NATIVE=OFF

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked --all-targets -- --test-threads 2
