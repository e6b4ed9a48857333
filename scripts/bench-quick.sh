#!/usr/bin/env bash
# How soon the first picks of a long video are there (issue 12: ≤ 10 s for a 2-hour 1080p
# VOD): `slopcannon analyze --no-speech` (release build) on a 2-hour file (the 10-minute
# 1080p30 bench video 12 times, joined without re-encoding, as bench-gui.sh makes it), each
# quick ranking's arrival time and the part of the video it covers (from the log, stamped by
# this script), and the analysis' own timings: `first_quick` (the first quick ranking),
# `last_quick` (the quick ranking over all of it: when the only quick ranking used to come),
# `audio` and `keyframes` (the two quick sources), `total`. Then the same with `--quick`
# (no full video pass beside it). Prints the machine's load with each run.
# Usage: scripts/bench-quick.sh [VIDEO]   (figures go in BENCHMARKS.md)
# Environment: CARGO_TARGET_DIR (where the release binary is built), BENCH (work folder,
# default target/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
dir=${BENCH:-target/bench}
mkdir -p "$dir"
short=$dir/bench-1080p-10min.mp4
[ -s "$short" ] || bash scripts/make-bench-video.sh "$short"
long=${1:-$dir/bench-1080p-2h.mp4}
if [ ! -s "$long" ]; then
  list=$dir/bench-2h.txt
  : > "$list"
  for _ in $(seq 12); do echo "file '$(realpath "$short")'" >> "$list"; done
  ffmpeg -hide_banner -loglevel error -y -f concat -safe 0 -i "$list" -c copy "$long.tmp.mp4"
  mv "$long.tmp.mp4" "$long"
fi
cargo build --release --locked -q
bin=$target/release/slopcannon
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# file: $long ($(du -h "$long" | cut -f1))"

run() { # label, extra args...
  local label=$1; shift
  local json=$dir/quick-$label.json
  echo "## $label (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  local start
  start=$(date +%s.%N)
  SLOP_LOG=info "$bin" analyze "$long" --no-speech --json "$json" "$@" 2>&1 >/dev/null |
    while IFS= read -r line; do
      case $line in
        *"quick pass:"*)
          printf '%6.1f s  %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "${line#*quick pass: }" ;;
      esac
    done
  python3 - "$json" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))
t = a["timings"]
keys = ["first_quick", "last_quick", "audio", "keyframes", "video", "total"]
print("timings: " + ", ".join(f"{k} {t[k]:.1f} s" for k in keys if k in t))
print("clips: " + ", ".join(f"{c['start']:.0f}–{c['end']:.0f} s ({c['score']:.0f})" for c in a["clips"]))
EOF
  echo "(load after: $(cut -d' ' -f1-3 /proc/loadavg))"
}
run full
run quick-only --quick
