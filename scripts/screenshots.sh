#!/usr/bin/env bash
# The README's screenshots: runs the Xvfb smoke test that drives the real window through its
# main states (empty, clips found, the export panel's caption preview, the export queue),
# checks each, and writes them as PNGs ~960 px wide; then copies them into docs/screenshots/.
# Needs a whisper model (../shared/models, or SLOPCANNON_TEST_MODELS; see scripts/test.sh).
# Usage: scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
export GGML_NATIVE=OFF
cargo test --workspace --test tests -- smoke_screenshots_of_the_main_states --test-threads 2
target="${CARGO_TARGET_DIR:-target}"
mkdir -p docs/screenshots
for name in empty clips captions queue; do
  cp "$target/tmp/screenshots/$name.png" "docs/screenshots/$name.png"
done
ls -l docs/screenshots
