#!/usr/bin/env bash
# Generates the benchmark video: 10 minutes of 1920x1080 30 fps H.264 (x264 veryfast, keyframe
# every 250 frames) with AAC audio, made of 20 segments of 30 s from different lavfi sources, so
# it has a hard cut every 30 s (frame 900, 1800, …). Usage: make-bench-video.sh OUT.mp4 [SECONDS]
set -euo pipefail
out=${1:?usage: make-bench-video.sh OUT.mp4 [SECONDS]}
total=${2:-600}
seg=30
n=$(( total / seg ))
sources=(
  "testsrc2=size=1920x1080:rate=30"
  "gradients=size=1920x1080:rate=30:speed=0.02"
  "smptehdbars=size=1920x1080:rate=30"
  "life=size=480x270:rate=30:mold=10:ratio=0.3,scale=1920:1080:flags=neighbor"
)
inputs=()
filters=""
for i in $(seq 0 $((n - 1))); do
  src=${sources[$(( i % ${#sources[@]} ))]}
  inputs+=(-f lavfi -i "$src,trim=duration=$seg,setpts=PTS-STARTPTS,format=yuv420p,hue=h=$(( i * 37 % 360 ))")
  filters+="[$i:v]"
done
filters+="concat=n=$n:v=1:a=0[v]"
mkdir -p "$(dirname "$out")"
tmp="$out.tmp.mp4"
ffmpeg -hide_banner -loglevel error -y "${inputs[@]}" \
  -f lavfi -i "sine=frequency=220:sample_rate=48000:duration=$total" \
  -filter_complex "$filters" -map "[v]" -map "$n:a" \
  -c:v libx264 -preset veryfast -g 250 -pix_fmt yuv420p -c:a aac -b:a 128k -threads 2 "$tmp"
mv "$tmp" "$out"
echo "wrote $out ($n segments of $seg s; cuts at multiples of $seg s)"
