#!/usr/bin/env bash
# The main job on a sample: installs what is needed, builds, generates a sample video (cuts,
# motion, a loud stretch), finds the clips in it, exports them as 9:16 shorts, and opens the
# window on it when a display is present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --locked
BIN=target/debug/slopcannon
SAMPLE=target/demo/sample.mp4
if [ ! -s "$SAMPLE" ]; then
  mkdir -p target/demo
  echo "demo: generating a 90 s 1280x720 sample with cuts, motion and a loud stretch: $SAMPLE"
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "smptehdbars=size=1280x720:rate=30:duration=30" \
    -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=10" \
    -f lavfi -i "mandelbrot=size=1280x720:rate=30,trim=duration=10" \
    -f lavfi -i "smptehdbars=size=1280x720:rate=30:duration=40" \
    -f lavfi -i "sine=frequency=220:sample_rate=48000:duration=30,volume=0.05" \
    -f lavfi -i "anoisesrc=sample_rate=48000:amplitude=0.5:duration=20:seed=3" \
    -f lavfi -i "sine=frequency=220:sample_rate=48000:duration=40,volume=0.05" \
    -filter_complex "[0:v][1:v][2:v][3:v]concat=n=4:v=1:a=0,format=yuv420p[v];[4:a][5:a][6:a]concat=n=3:v=0:a=1[a]" \
    -map "[v]" -map "[a]" -c:v libx264 -preset veryfast -g 60 -c:a aac -b:a 128k \
    "$SAMPLE.tmp.mp4"
  mv "$SAMPLE.tmp.mp4" "$SAMPLE"
fi
"$BIN" probe "$SAMPLE"
"$BIN" analyze "$SAMPLE" --max-clips 3 --json target/demo/clips.json
"$BIN" export "$SAMPLE" --clips target/demo/clips.json --out target/demo/shorts --portrait blur --overwrite
echo "demo: the shorts are in target/demo/shorts/"
if [ -n "${DISPLAY:-}" ] && [ -z "${CI:-}" ]; then
  "$BIN" "$SAMPLE"
else
  echo "demo: no display; run '$BIN $SAMPLE' on a desktop to open the window."
fi
