#!/usr/bin/env bash
# Export benchmark, one run on one file: 5 clips of 30 s from the 10-minute 1080p30 H.264
# benchmark video, exported by `slopcannon export` (release build) as 9:16 pad, and — in the
# same run — by the equivalent FFmpeg CLI commands (2 at a time) and by `-c copy`. Also the
# smart cut (checked frame-exact against the source with FFmpeg's psnr filter), and stacked +
# subtitles + portrait in one pass against plain portrait. Prints wall times and ratios.
# Every run is repeated RUNS times (default 3), alternating, and the medians are compared.
# Usage: scripts/bench-export.sh [VIDEO]
set -euo pipefail
cd "$(dirname "$0")/.."
video=${1:-target/bench/bench-1080p-10min.mp4}
[ -s "$video" ] || bash scripts/make-bench-video.sh "$video"
cargo build --release --locked -q
bin=target/release/slopcannon
out=target/bench/export
rm -rf "$out"; mkdir -p "$out"
source scripts/bench-inputs.sh
export_bench_inputs "$out"

now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
runs=${RUNS:-3}
a_smart=(); a_pad=(); a_all=(); a_ff=(); a_copy=()
for r in $(seq 1 "$runs"); do
  rm -rf "$out/ours_smart" "$out/ours_pad" "$out/ours_all" "$out/ffmpeg_pad" "$out/ffmpeg_copy"
  mkdir -p "$out/ffmpeg_pad" "$out/ffmpeg_copy"
  t0=$(now); "$bin" export "$video" --clips "$out/clips.json" --out "$out/ours_smart" --mode smart > "$out/smart.txt" 2>&1; a_smart+=("$(echo "$(now) - $t0" | bc)")
  t0=$(now); "$bin" export "$video" --clips "$out/clips.json" --out "$out/ours_pad" --portrait pad > /dev/null 2>&1; a_pad+=("$(echo "$(now) - $t0" | bc)")
  t0=$(now); "$bin" export "$video" --clips "$out/clips.json" --out "$out/ours_all" --portrait pad --stacked "$out/bg.mp4" --subtitles "$out/words.ass" > /dev/null 2>&1; a_all+=("$(echo "$(now) - $t0" | bc)")
  t0=$(now)
  for i in "${!starts[@]}"; do
    s=${starts[$i]}
    ffmpeg -hide_banner -loglevel error -y -ss "$s" -i "$video" -t 30 \
      -vf "scale=1080:1920:force_original_aspect_ratio=decrease,pad=1080:1920:(ow-iw)/2:(oh-ih)/2" \
      -c:v libx264 -preset ultrafast -crf 23 -c:a aac "$out/ffmpeg_pad/$i.mp4" &
    if (( i % 2 == 1 )); then wait; fi
  done
  wait; a_ff+=("$(echo "$(now) - $t0" | bc)")
  t0=$(now)
  for i in "${!starts[@]}"; do
    ffmpeg -hide_banner -loglevel error -y -ss "${starts[$i]}" -i "$video" -t 30 -c copy "$out/ffmpeg_copy/$i.mp4"
  done
  a_copy+=("$(echo "$(now) - $t0" | bc)")
  echo "run $r: smart ${a_smart[-1]} s, pad ${a_pad[-1]} s, stacked+subs ${a_all[-1]} s, ffmpeg pad ${a_ff[-1]} s, ffmpeg copy ${a_copy[-1]} s"
done
t_smart=$(median "${a_smart[@]}"); t_pad=$(median "${a_pad[@]}"); t_all=$(median "${a_all[@]}")
t_ff=$(median "${a_ff[@]}"); t_copy=$(median "${a_copy[@]}")
# Frame-exactness of the smart cut: every output frame against the source frame at the same
# offset from the clip's start (FFmpeg's accurate input seek), by PSNR.
exact=0
for i in "${!starts[@]}"; do
  f=$(ls "$out/ours_smart/"*_0$((i + 1))_*.mp4)
  ffmpeg -hide_banner -loglevel error -i "$f" -ss "${starts[$i]}" -t 30 -i "$video" \
    -lavfi "[0:v][1:v]psnr=stats_file=$out/psnr_$i.log" -f null -
  n=$(ffprobe -v error -count_frames -select_streams v -show_entries stream=nb_read_frames -of csv=p=0 "$f")
  first=$(head -1 "$out/psnr_$i.log" | sed 's/.*psnr_avg:\([^ ]*\).*/\1/')
  last=$(tail -1 "$out/psnr_$i.log" | sed 's/.*psnr_avg:\([^ ]*\).*/\1/')
  same=$(grep -c 'psnr_avg:inf' "$out/psnr_$i.log" || true)
  echo "smart clip $((i + 1)): $n frames, first frame PSNR $first dB, last $last dB, $same frames bit-identical"
  if [ "$n" -eq 900 ] && awk -v a="$first" -v b="$last" 'BEGIN { exit !((a == "inf" || a > 35) && (b == "inf" || b > 35)) }'; then
    exact=$((exact + 1))
  fi
done
grep 'smart cut:' "$out/smart.txt" | sed 's/^ *INFO *//'
echo "file: $video; 5 clips × 30 s; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians of $runs runs:"
printf '%-52s %8s %10s\n' "run" "wall s" "ratio"
printf '%-52s %8.2f %9.2fx\n' "slopcannon export --portrait pad (workers: default)" "$t_pad" "$(echo "$t_pad / $t_ff" | bc -l)"
printf '%-52s %8.2f %9.2fx\n' "ffmpeg CLI scale+pad ultrafast crf 23, 2 at a time" "$t_ff" 1
printf '%-52s %8.2f %9.2fx\n' "ffmpeg CLI -c copy (not frame-exact)" "$t_copy" "$(echo "$t_copy / $t_ff" | bc -l)"
printf '%-52s %8.2f %9.2fx\n' "slopcannon export --mode smart ($exact/5 frame-exact)" "$t_smart" "$(echo "$t_smart / $t_ff" | bc -l)"
echo "(smart cut target: ≤ 3 s in all; it is $(echo "$t_smart / $t_copy" | bc -l | cut -c1-4)× the -c copy run)"
printf '%-52s %8.2f %9.2fx\n' "slopcannon stacked + subtitles + pad, one pass" "$t_all" "$(echo "$t_all / $t_pad" | bc -l)"
echo "(last ratio is against slopcannon's plain portrait run)"
