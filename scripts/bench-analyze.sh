#!/usr/bin/env bash
# Analysis benchmark, all on the same file in one run: our `slopcannon analyze` (release build),
# PySceneDetect detect-content and detect-adaptive (installed into a venv under target/), and
# `ffmpeg -vf "select='gt(scene,0.3)'" -f null -`. Prints wall time, peak RSS and ratios, and
# the precision/recall of our cuts against the file's known cuts (every 30 s for the file that
# scripts/make-bench-video.sh makes).
# Usage: scripts/bench-analyze.sh [VIDEO] [KNOWN_CUT_EVERY_SECS]
set -euo pipefail
cd "$(dirname "$0")/.."
video=${1:-target/bench/bench-1080p-10min.mp4}
every=${2:-30}
[ -s "$video" ] || bash scripts/make-bench-video.sh "$video"
cargo build --release --locked -q
bin=target/release/slopcannon
venv=target/bench/venv
if [ ! -x "$venv/bin/scenedetect" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q scenedetect opencv-python-headless
fi
out=target/bench/analyze
mkdir -p "$out"

measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" > "$out/$name.out" 2> "$out/$name.err" || {
    echo "$name failed:"; tail -5 "$out/$name.err"; exit 1; }
  read -r wall rss < "$out/$name.time"
  printf '%s %s %s\n' "$name" "$wall" "$rss" >> "$out/results.txt"
}
: > "$out/results.txt"
measure slopcannon "$bin" analyze "$video" --json "$out/analysis.json"
measure slopcannon_quick "$bin" analyze "$video" --quick --json "$out/quick.json"
measure pyscenedetect_content "$venv/bin/scenedetect" -i "$video" -o "$out" detect-content list-scenes -q
measure pyscenedetect_adaptive "$venv/bin/scenedetect" -i "$video" -o "$out" detect-adaptive list-scenes -q
measure ffmpeg_select ffmpeg -hide_banner -nostats -i "$video" -map 0:v:0 -vf "select='gt(scene,0.3)'" -f null -

python3 - "$out" "$every" <<'PY'
import json, sys
out, every = sys.argv[1], float(sys.argv[2])
rows = [l.split() for l in open(f"{out}/results.txt")]
res = {n: (float(w), int(r) / 1024) for n, w, r in rows}
a = json.load(open(f"{out}/analysis.json"))
duration = a["video"]["duration_secs"]
fps = a["video"]["streams"][0]["video"]["avg_frame_rate"]
known = [round(k * every * fps) for k in range(1, int(duration // every) + (0 if duration % every else 0)) if k * every < duration]
found = [s["frame"] for s in a["scenes"] if s["kind"] == "hard"]
tp = sum(1 for f in found if any(abs(f - k) <= 1 for k in known))
exact = sum(1 for f in found if f in known)
prec = tp / len(found) if found else 0.0
rec = sum(1 for k in known if any(abs(f - k) <= 1 for f in found)) / len(known) if known else 1.0
ref_c, ref_f = res["pyscenedetect_content"][0], res["ffmpeg_select"][0]
print(f"file: {a['video']['path']}  ({duration:.0f} s, {fps:g} fps)")
print(f"{'tool':<26} {'wall s':>8} {'peak RSS MB':>12} {'vs PySceneDetect content':>25} {'vs ffmpeg select':>17}")
for n, (w, r) in res.items():
    print(f"{n:<26} {w:>8.2f} {r:>12.0f} {w / ref_c:>24.2f}x {w / ref_f:>16.2f}x")
print(f"slopcannon stage timings (s): " + ", ".join(f"{k} {v:.2f}" for k, v in a["timings"].items()))
q = json.load(open(f"{out}/quick.json"))
print(f"quick pass alone: total {q['timings']['total']:.2f} s")
print(f"cuts: {len(found)} found, {len(known)} known; precision {prec:.3f}, recall {rec:.3f} (±1 frame); exact frame: {exact}")
PY
