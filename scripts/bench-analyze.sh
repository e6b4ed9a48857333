#!/usr/bin/env bash
# Analysis benchmark, all tools on the same files in one run: our `slopcannon analyze
# --no-speech` (release build), PySceneDetect detect-content and detect-adaptive (installed into
# a venv under target/bench), and, on the long video, `ffmpeg -vf "select='gt(scene,0.3)'"`.
# Prints wall time, peak RSS and ratios, and every tool's scene-cut F1 against the known cuts:
# on the long video (a cut every 30 s, made by scripts/make-bench-video.sh) and on the
# scene-cut fixtures of the tests (edits of real footage and a busy synthetic stream, each with
# its truth in NAME.truth.json beside it; the engine's tests make them when they are missing).
# F1 counts a cut found on its exact frame (and, in brackets, within ±1 frame). A fade through
# black counts as one cut on the first frame of the new content (where PySceneDetect puts it);
# ours are reported as fades and scored as cuts.
# The long video runs once per tool; each short fixture RUNS times (default 5), the tools
# alternating, and the median wall time is reported (a second-long run is at the mercy of
# whatever else the machine does).
# Usage: scripts/bench-analyze.sh [VIDEO] [KNOWN_CUT_EVERY_SECS]
# Environment: CARGO_TARGET_DIR (where the release binary is built), FIXTURES (the folder of
# the test fixtures; default: target/tmp/fixtures of that target dir), BENCH (work folder,
# default target/bench), VENV (PySceneDetect's venv, default $BENCH/venv).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
bench=${BENCH:-target/bench}
video=${1:-$bench/bench-1080p-10min.mp4}
every=${2:-30}
fixtures=${FIXTURES:-$target/tmp/fixtures}
scene_fixtures=(real_trailer.mp4 real_montage.mp4 real_montage_30.mp4 busy_stream.mp4)
[ -s "$video" ] || bash scripts/make-bench-video.sh "$video"
for f in "${scene_fixtures[@]}"; do
  if [ ! -s "$fixtures/$f" ] || [ ! -s "$fixtures/$f.truth.json" ]; then
    echo "bench: making the scene-cut fixtures (the engine's tests on real footage)"
    cargo test -q -p slopcannon-engine --test tests -- real_ busy_stream >/dev/null
    fixtures=$target/tmp/fixtures
    break
  fi
done
cargo build --release --locked -q
bin=$target/release/slopcannon
venv=${VENV:-$bench/venv}
if [ ! -x "$venv/bin/scenedetect" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q scenedetect opencv-python-headless
fi
out=$bench/analyze
mkdir -p "$out"

measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" > "$out/$name.out" 2> "$out/$name.err" || {
    echo "$name failed:"; tail -5 "$out/$name.err"; exit 1; }
  read -r wall rss < "$out/$name.time"
  printf '%s %s %s\n' "$name" "$wall" "$rss" >> "$out/results.txt"
}
run_all() { # key, file
  local key=$1 file=$2
  mkdir -p "$out/$key"
  measure "$key.slopcannon" "$bin" analyze "$file" --no-speech --json "$out/$key/analysis.json"
  measure "$key.pyscenedetect_content" "$venv/bin/scenedetect" -i "$file" -o "$out/$key/content" \
    detect-content list-scenes -q -s
  measure "$key.pyscenedetect_adaptive" "$venv/bin/scenedetect" -i "$file" -o "$out/$key/adaptive" \
    detect-adaptive list-scenes -q -s
}
: > "$out/results.txt"
run_all long "$video"
measure long.slopcannon_quick "$bin" analyze "$video" --no-speech --quick --json "$out/long/quick.json"
measure long.ffmpeg_select ffmpeg -hide_banner -nostats -i "$video" -map 0:v:0 -vf "select='gt(scene,0.3)'" -f null -
for _ in $(seq "${RUNS:-5}"); do
  for f in "${scene_fixtures[@]}"; do
    key=${f%.mp4}
    run_all "$key" "$fixtures/$f"
    cp "$fixtures/$f.truth.json" "$out/$key/truth.json"
  done
done

python3 - "$out" "$every" "${scene_fixtures[@]}" <<'PY'
import csv, glob, json, sys
out, every, fixtures = sys.argv[1], float(sys.argv[2]), [f[:-4] for f in sys.argv[3:]]
import statistics
runs = {}
for line in open(f"{out}/results.txt"):
    n, w, r = line.split()
    key, tool = n.split(".", 1)
    runs.setdefault(key, {}).setdefault(tool, []).append((float(w), int(r) / 1024))
# Median wall time and the largest peak RSS of each tool's runs.
res = {k: {t: (statistics.median(w for w, _ in v), max(r for _, r in v)) for t, v in tools.items()}
       for k, tools in runs.items()}

def pyscenedetect_cuts(folder):
    # list-scenes -s: a header row, then one row per scene; "Start Frame" counts from 1.
    [path] = glob.glob(f"{folder}/*-Scenes.csv")
    rows = list(csv.DictReader(open(path)))
    return [int(r["Start Frame"]) - 1 for r in rows[1:]]

def score(found, known, tol):
    # known: (first, last) frame ranges a cut may be on.
    near = lambda f, k: k[0] - tol <= f <= k[1] + tol
    tp = sum(1 for f in found if any(near(f, k) for k in known))
    hit = sum(1 for k in known if any(near(f, k) for f in found))
    p = tp / len(found) if found else (1.0 if not known else 0.0)
    r = hit / len(known) if known else 1.0
    return (2 * p * r / (p + r) if p + r else 0.0), p, r

def report(key, title, cuts, fades=()):
    a = json.load(open(f"{out}/{key}/analysis.json"))
    known = [(c, c) for c in cuts] + list(fades)
    ours = [s["frame"] for s in a["scenes"]]
    our_fades = [s["frame"] for s in a["scenes"] if s["kind"] == "fade"]
    found = {
        "slopcannon": ours,
        "pyscenedetect_content": pyscenedetect_cuts(f"{out}/{key}/content"),
        "pyscenedetect_adaptive": pyscenedetect_cuts(f"{out}/{key}/adaptive"),
    }
    ref = res[key]["pyscenedetect_content"][0]
    n = len(runs[key]["slopcannon"])
    print(f"\n{title}: {len(cuts)} known cuts" + (f", fades on {list(fades)}" if fades else "")
          + (f"; median of {n} runs" if n > 1 else ""))
    print(f"{'tool':<26} {'wall s':>7} {'RSS MB':>7} {'vs content':>11} {'F1 exact':>9} {'(±1)':>7} {'P':>6} {'R':>6}  cuts")
    for tool, (w, rss) in res[key].items():
        if tool in found:
            f, p, r = score(found[tool], known, 0)
            f1, _, _ = score(found[tool], known, 1)
            print(f"{tool:<26} {w:>7.2f} {rss:>7.0f} {w / ref:>10.2f}x {f:>9.3f} {f1:>7.3f} {p:>6.3f} {r:>6.3f}  {len(found[tool])}")
        else:
            print(f"{tool:<26} {w:>7.2f} {rss:>7.0f} {w / ref:>10.2f}x")
    if fades or our_fades:
        print(f"slopcannon fades at {our_fades}")
    return a

a = json.load(open(f"{out}/long/analysis.json"))
duration = a["video"]["duration_secs"]
fps = a["video"]["streams"][0]["video"]["avg_frame_rate"]
known = [round(k * every * fps) for k in range(1, int(duration // every) + 1) if k * every < duration]
report("long", f"{a['video']['path']} ({duration:.0f} s, {fps:g} fps)", known)
print("slopcannon stage timings (s): " + ", ".join(f"{k} {v:.2f}" for k, v in a["timings"].items()))
q = json.load(open(f"{out}/long/quick.json"))
print(f"quick pass alone: total {q['timings']['total']:.2f} s")
for key in fixtures:
    t = json.load(open(f"{out}/{key}/truth.json"))
    report(key, f"{key} ({t['frames']} frames, {t['fps']} fps)", t["cuts"], [tuple(f) for f in t["fades"]])
PY
