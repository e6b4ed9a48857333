#!/usr/bin/env bash
# Long inputs (issue 14): a 10-minute and a 2-hour 1080p30 talk (the bench video with
# espeak-ng speech over it; the 2-hour file is the 10-minute one 12 times, joined without
# re-encoding) each analysed with speech (tiny.en q8_0, no transcript cache) into a project,
# then 20 clips of it exported as captioned 9:16 shorts from that project. Prints wall time
# and peak RSS (`/usr/bin/time`) of each step, and the 2-hour / 10-minute ratios (linear
# would be 12× for the analysis; the export is 20 clips either way).
# Usage: scripts/bench-long.sh   (figures go in BENCHMARKS.md; EXPORT_ONLY=1 keeps the
# projects of an earlier run and times the exports only)
# Environment: CARGO_TARGET_DIR (where the release binary is built), BENCH (work folder,
# default target/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
dir=${BENCH:-target/bench}/long
mkdir -p "$dir"
export GGML_NATIVE=OFF
cargo build --release --locked -q
bin=$target/release/slopcannon
model=$(cd ../shared/models 2>/dev/null && pwd)/ggml-tiny.en-q8_0.bin
[ -s "$model" ] || model=${SLOP_WHISPER_MODEL:?no ../shared/models: set SLOP_WHISPER_MODEL to a tiny.en model}

video=${BENCH:-target/bench}/bench-1080p-10min.mp4
[ -s "$video" ] || bash scripts/make-bench-video.sh "$video"
short=$dir/talk-10min.mp4
if [ ! -s "$short" ]; then
  python3 - "$dir/speech.txt" <<'PY'
import sys
sentences = [
  "The meeting will start at ten o'clock tomorrow morning.",
  "Please remember to bring the quarterly report and your laptop.",
  "We are going to talk about the new product launch and the marketing plan.",
  "Can you believe how fast the years go by?",
  "This is the most important thing I will say today.",
  "He bought fresh bread, cheese and apples at the market.",
]
text, n, i = [], 0, 0
while n < 600 * 2.3:
    s = sentences[i % len(sentences)]; text.append(s); n += len(s.split()); i += 1
open(sys.argv[1], "w").write(" ".join(text))
PY
  espeak-ng -v en-us -s 160 -f "$dir/speech.txt" -w "$dir/speech.wav"
  ffmpeg -hide_banner -loglevel error -y -i "$video" -i "$dir/speech.wav" -map 0:v -map 1:a \
    -af "apad=whole_dur=600" -t 600 -c:v copy -c:a aac -b:a 96k "$short.tmp.mp4"
  mv "$short.tmp.mp4" "$short"
fi
long=$dir/talk-2h.mp4
if [ ! -s "$long" ]; then
  : > "$dir/list.txt"
  for _ in $(seq 12); do echo "file '$(realpath "$short")'" >> "$dir/list.txt"; done
  ffmpeg -hide_banner -loglevel error -y -f concat -safe 0 -i "$dir/list.txt" -c copy "$long.tmp.mp4"
  mv "$long.tmp.mp4" "$long"
fi
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"

# step LABEL ARGS...: runs the binary under /usr/bin/time; prints wall s and peak RSS MB.
step() {
  local label=$1; shift
  local data; data=$(mktemp -d) # no transcript cache, no installed models
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  XDG_DATA_HOME=$data SLOP_LOG=warn SLOP_WHISPER_MODEL=$model \
    /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$bin" "$@" > "$dir/$label.out" 2> "$dir/$label.err" ||
    { echo "$label failed:"; tail -5 "$dir/$label.err"; exit 1; }
  rm -rf "$data"
  read -r secs kb < "$dir/time.txt"
  printf '| %-22s | %8.1f | %7.0f | %s |\n' "$label" "$secs" "$((kb / 1024))" "$load"
  echo "$secs $((kb / 1024))" > "$dir/$label.fig"
}

echo "| step | wall s | peak RSS MB | load before |"
echo "|---|---|---|---|"
for f in "$short" "$long"; do
  name=$(basename "$f" .mp4)
  rm -rf "$dir/out-$name"
  if [ -z "${EXPORT_ONLY:-}" ] || [ ! -s "$dir/$name.json" ]; then
    rm -f "$dir/$name.json"
    step "analyze $name" analyze "$f" --max-clips 20 --min-len 15 --max-len 30 --project "$dir/$name.json"
  fi
  step "export $name" export --project "$dir/$name.json" --out "$dir/out-$name" --portrait pad --captions
  n=$(find "$dir/out-$name" -name '*.mp4' | wc -l)
  words=$(python3 -c "import json,sys; p=json.load(open(sys.argv[1])); print(sum(len(s['words']) for s in p['transcript']['segments']))" "$dir/$name.json")
  echo "|   ($name: $n shorts written, $words words transcribed) | | | |"
done
# ratio STEP: the 2-hour figures over the 10-minute ones.
ratio() {
  read -r t1 m1 < "$dir/$1 talk-10min.fig"
  read -r t2 m2 < "$dir/$1 talk-2h.fig"
  awk -v t1="$t1" -v t2="$t2" -v m1="$m1" -v m2="$m2" \
    'BEGIN { printf "%.2f× time, %.2f× peak RSS", t2 / t1, m2 / m1 }'
}
[ -n "${EXPORT_ONLY:-}" ] || echo "analysis 2 h / 10 min: $(ratio analyze) (12× is linear)"
echo "export 2 h / 10 min: $(ratio export)"
