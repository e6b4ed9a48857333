#!/usr/bin/env bash
# The window's speed (issue 11's targets), measured in the real window under Xvfb by
# `slopcannon bench gui`: on the 10-minute 1080p30 bench video (250-frame GOPs, B-frames, made
# by make-bench-video.sh if missing), playback idle / during an analysis / during an export, UI
# frame time, seek latency over 50 random positions, the tracks after open and the timeline's
# drawing time; then, on a 2-hour file (the same video 12 times, joined without re-encoding),
# how soon the waveform and thumbnails are there. Prints the machine's load with each table.
# Usage: scripts/bench-gui.sh [PLAY_SECS]   (release build; figures go in BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
play=${1:-20}
bash scripts/setup.sh >/dev/null
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/slopcannon
dir=target/bench
video=$dir/bench-1080p-10min.mp4
[ -f "$video" ] || bash scripts/make-bench-video.sh "$video"
long=$dir/bench-1080p-2h.mp4
if [ ! -f "$long" ]; then
  list=$dir/bench-2h.txt
  : > "$list"
  for _ in $(seq 12); do echo "file '$(realpath "$video")'" >> "$list"; done
  ffmpeg -hide_banner -loglevel error -y -f concat -safe 0 -i "$list" -c copy "$long.tmp.mp4"
  mv "$long.tmp.mp4" "$long"
fi
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
# No sound card here: playback runs on the wall clock (as on any server); say so.
run() { SLOP_AUDIO_OUTPUT=off xvfb-run -a -s "-screen 0 1280x800x24" "$bin" bench gui "$@" 2>>"$dir/bench-gui.log"; }
: > "$dir/bench-gui.log"
run "$video" --play-secs "$play" | tee "$dir/bench-gui.txt"
# The reference: the ffmpeg CLI's exact seek (-ss before -i decodes from the keyframe before
# the time, like the player) to the same positions, one process each (its open included).
positions=$(grep '^seek positions:' "$dir/bench-gui.txt" | cut -d: -f2)
ref=()
for t in $positions; do
  s=$(date +%s.%N)
  ffmpeg -v error -threads 2 -ss "$t" -i "$video" -frames:v 1 -an -f null -
  ref+=("$(echo "($(date +%s.%N) - $s) * 1000" | bc)")
done
printf '%s\n' "${ref[@]}" | sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; p=a[int(NR*0.95+0.5)]; printf "reference: ffmpeg -ss T -i FILE -frames:v 1 to the same %d positions: median %.0f ms, p95 %.0f ms\n", NR, m, p}'
echo
run "$long" --open-only
