#!/usr/bin/env bash
# A/B benchmark of two slopcannon builds on the same file, for refactors that must not change
# speed: `analyze` (full), `export --portrait pad`, `export --mode smart` and stacked +
# subtitles + pad (5 × 30 s clips, as scripts/bench-export.sh), each run RUNS times (default 3)
# alternating A and B; prints the median wall time of each and the ratio B / A, and checks that
# both builds found the same cuts and clips.
# Usage: scripts/bench-ab.sh A_BINARY B_BINARY [VIDEO]
# e.g.   git worktree add /tmp/old REV && (cd /tmp/old && cargo build --release)
#        scripts/bench-ab.sh /tmp/old/target/release/slopcannon target/release/slopcannon
set -euo pipefail
cd "$(dirname "$0")/.."
a=$(realpath "$1"); b=$(realpath "$2")
video=$(realpath -m "${3:-target/bench/bench-1080p-10min.mp4}")
runs=${RUNS:-3}
[ -s "$video" ] || bash scripts/make-bench-video.sh "$video"
out=target/bench/ab
rm -rf "$out"; mkdir -p "$out"
starts=(45 165 285 405 525)
printf '[' > "$out/clips.json"
for i in "${!starts[@]}"; do
  s=${starts[$i]}; [ "$i" -gt 0 ] && printf ',' >> "$out/clips.json"
  printf '{"start": %s, "end": %s}' "$s" "$((s + 30))" >> "$out/clips.json"
done
printf ']\n' >> "$out/clips.json"
cat > "$out/words.ass" <<'ASS'
[Script Info]
ScriptType: v4.00+
PlayResX: 1080
PlayResY: 1920

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,DejaVu Sans,96,&H00FFFFFF,&H0000FFFF,&H00000000,&H80000000,1,0,0,0,100,100,0,0,1,6,0,2,60,60,300,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
ASS
for t in $(seq 0 2 28); do
  printf 'Dialogue: 0,0:00:%02d.00,0:00:%02d.00,Default,,0,0,0,,{\\k40}word {\\k40}by {\\k40}word {\\k40}karaoke\n' "$t" "$((t + 2))" >> "$out/words.ass"
done
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=7" -c:v libx264 -preset veryfast "$out/bg.mp4"

timed() { # label, command... → appends "label seconds" to results
  local label=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$out/last.out" 2> "$out/last.err" || { echo "$label failed:"; tail -5 "$out/last.err"; exit 1; }
  t1=$(date +%s.%N)
  echo "$label $(echo "$t1 - $t0" | bc)" >> "$out/results.txt"
}
case_run() { # which (a|b), binary, case
  local which=$1 bin=$2 case=$3 dir="$out/$1-$3"
  rm -rf "$dir"
  case $case in
    analyze) timed "$which-$case" "$bin" analyze "$video" --no-speech --json "$out/$which-analysis.json" ;;
    pad) timed "$which-$case" "$bin" export "$video" --clips "$out/clips.json" --out "$dir" --portrait pad ;;
    smart) timed "$which-$case" "$bin" export "$video" --clips "$out/clips.json" --out "$dir" --mode smart ;;
    stacked) timed "$which-$case" "$bin" export "$video" --clips "$out/clips.json" --out "$dir" \
               --portrait pad --stacked "$out/bg.mp4" --subtitles "$out/words.ass" ;;
  esac
}
: > "$out/results.txt"
for i in $(seq 1 "$runs"); do
  for case in analyze pad smart stacked; do
    case_run a "$a" "$case"
    case_run b "$b" "$case"
  done
done

python3 - "$out" <<'PY'
import json, statistics, sys
out = sys.argv[1]
times = {}
for line in open(f"{out}/results.txt"):
    label, secs = line.split()
    times.setdefault(label, []).append(float(secs))
print(f"{'case':<10} {'A median s':>11} {'B median s':>11} {'B / A':>7}   runs A | B")
for case in ["analyze", "pad", "smart", "stacked"]:
    a, b = times[f"a-{case}"], times[f"b-{case}"]
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"{case:<10} {ma:>11.2f} {mb:>11.2f} {mb / ma:>6.2f}x   {' '.join(f'{x:.2f}' for x in a)} | {' '.join(f'{x:.2f}' for x in b)}")
ja, jb = (json.load(open(f"{out}/{w}-analysis.json")) for w in "ab")
cuts = lambda j: [s["frame"] for s in j["scenes"]]
clips = lambda j: [(round(c["start"], 3), round(c["end"], 3)) for c in j["clips"]]
print(f"same cuts: {cuts(ja) == cuts(jb)} ({len(cuts(jb))}); same clips: {clips(ja) == clips(jb)} ({len(clips(jb))})")
PY
