#!/usr/bin/env bash
# The main job on a sample: installs what is needed, builds, generates a sample video,
# probes it, and opens the window on it when a display is present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --locked
BIN=target/debug/slopcannon
SAMPLE=target/demo/sample.mp4
if [ ! -s "$SAMPLE" ]; then
  mkdir -p target/demo
  echo "demo: generating a 60 s 1280x720 sample with cuts, motion and a tone: $SAMPLE"
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=20" \
    -f lavfi -i "mandelbrot=size=1280x720:rate=30,trim=duration=20" \
    -f lavfi -i "smptehdbars=size=1280x720:rate=30:duration=20" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=60" \
    -filter_complex "[0:v][1:v][2:v]concat=n=3:v=1:a=0,format=yuv420p[v]" \
    -map "[v]" -map 3:a -c:v libx264 -preset veryfast -g 60 -c:a aac -b:a 128k \
    "$SAMPLE.tmp.mp4"
  mv "$SAMPLE.tmp.mp4" "$SAMPLE"
fi
"$BIN" probe "$SAMPLE"
if [ -n "${DISPLAY:-}" ] && [ -z "${CI:-}" ]; then
  "$BIN" "$SAMPLE"
else
  echo "demo: no display; run '$BIN $SAMPLE' on a desktop to open the window."
fi
