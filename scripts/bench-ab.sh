#!/usr/bin/env bash
# A/B benchmark of two slopcannon builds on the same file, for refactors that must not change
# speed: `analyze` (full), `export --portrait pad`, `export --mode smart` and stacked +
# subtitles + pad (5 × 30 s clips, as scripts/bench-export.sh), each run RUNS times (default 3)
# alternating A and B; prints the median wall time of each and the ratio B / A, and checks that
# both builds found the same cuts and clips. Inputs: scripts/bench-inputs.sh (as bench-export).
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
source scripts/bench-inputs.sh
export_bench_inputs "$out"

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
