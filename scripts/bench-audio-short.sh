#!/usr/bin/env bash
# Podcast shorts benchmark, one run: five 30 s clips of the 10-minute noisy talk (sound, no
# picture; scripts/make-noisy-talk.py) exported by `slopcannon export --subtitles` as 9:16
# shorts (the sound's bars and the words over a plain picture, AAC sound) and — in the same
# run — by the equivalent FFmpeg CLI commands (a `color` source, the sound drawn by
# `showwaves` and overlaid, the `ass` filter, libx264 ultrafast crf 23,
# AAC 160 kb/s stereo at 48 kHz as ours; 2 at a time, as our 2 workers), and as audio clips (.m4a) against `ffmpeg -c:a aac`.
# RUNS (default 3) alternating runs, medians, ratios. Usage: scripts/bench-audio-short.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q
bin=${CARGO_TARGET_DIR:-target}/release/slopcannon
out=target/bench/audio-short
mkdir -p "$out"
[ -s "$out/talk/talk.wav" ] || python3 scripts/make-noisy-talk.py "$out/talk" 10
talk="$out/talk/talk.wav"
source scripts/bench-inputs.sh
export_bench_inputs "$out"
now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
runs=${RUNS:-3}
a_ours=(); a_ff=(); a_ours_audio=(); a_ff_audio=()
for r in $(seq 1 "$runs"); do
  rm -rf "$out/ours" "$out/ffmpeg" "$out/ours_audio" "$out/ffmpeg_audio"
  mkdir -p "$out/ffmpeg" "$out/ffmpeg_audio"
  t0=$(now); "$bin" export "$talk" --clips "$out/clips.json" --out "$out/ours" --subtitles "$out/words.ass" > /dev/null 2>&1; a_ours+=("$(echo "$(now) - $t0" | bc)")
  t0=$(now)
  for i in "${!starts[@]}"; do
    ffmpeg -hide_banner -loglevel error -y -f lavfi -i "color=c=0x141414:s=1080x1920:r=30" \
      -ss "${starts[$i]}" -t 30 -i "$talk" -shortest \
      -filter_complex "[1:a]showwaves=s=1080x400:mode=cline:colors=0xF2A33A:r=30[w];[0:v][w]overlay=0:490,ass=$out/words.ass[v]" \
      -map "[v]" -map 1:a -c:v libx264 -preset ultrafast -crf 23 -c:a aac -ar 48000 -ac 2 -b:a 160k "$out/ffmpeg/$i.mp4" &
    if (( i % 2 == 1 )); then wait; fi
  done
  wait; a_ff+=("$(echo "$(now) - $t0" | bc)")
  t0=$(now); "$bin" export "$talk" --clips "$out/clips.json" --out "$out/ours_audio" > /dev/null 2>&1; a_ours_audio+=("$(echo "$(now) - $t0" | bc)")
  t0=$(now)
  for i in "${!starts[@]}"; do
    ffmpeg -hide_banner -loglevel error -y -ss "${starts[$i]}" -t 30 -i "$talk" -c:a aac -ar 48000 -ac 2 -b:a 160k "$out/ffmpeg_audio/$i.m4a" &
    if (( i % 2 == 1 )); then wait; fi
  done
  wait; a_ff_audio+=("$(echo "$(now) - $t0" | bc)")
  echo "run $r: shorts ours ${a_ours[-1]} s, ffmpeg ${a_ff[-1]} s; audio ours ${a_ours_audio[-1]} s, ffmpeg ${a_ff_audio[-1]} s"
done
t_ours=$(median "${a_ours[@]}"); t_ff=$(median "${a_ff[@]}")
t_oa=$(median "${a_ours_audio[@]}"); t_fa=$(median "${a_ff_audio[@]}")
for f in "$out"/ours/*.mp4; do
  printf '%s: %s\n' "$(basename "$f")" "$(ffprobe -v error -show_entries stream=codec_name,width,height:format=duration -of compact=p=0:nk=1 "$f" | tr '\n' ' ')"
done
printf '%-44s %8s %8s\n' "5 × 30 s of a 10-minute talk (no picture)" "median s" "ratio"
printf '%-44s %8.2f %8.2f\n' "slopcannon export --subtitles (9:16 shorts)" "$t_ours" "$(echo "$t_ours / $t_ff" | bc -l)"
printf '%-44s %8.2f %8.2f\n' "ffmpeg color+showwaves+ass+x264, 2 at once" "$t_ff" 1
printf '%-44s %8.2f %8.2f\n' "slopcannon export (audio clips, .m4a)" "$t_oa" "$(echo "$t_oa / $t_fa" | bc -l)"
printf '%-44s %8.2f %8.2f\n' "ffmpeg -c:a aac, 2 at a time" "$t_fa" 1
