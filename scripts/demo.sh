#!/usr/bin/env bash
# The main job on a sample: installs what is needed, builds, generates a sample video (cuts,
# motion, a loud stretch, and speech from espeak-ng), finds the clips in it, exports the ticked
# ones (filler is left unticked) as 9:16 shorts with word-by-word captions, and opens the
# window on it when a display is present.
# Captions need a whisper model: ../shared/models when it is there, else the one installed,
# else `slopcannon models download tiny.en` (online); without one the shorts have no captions
# and the demo says so.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --locked
BIN=target/debug/slopcannon
SAMPLE=target/demo/sample-speech.mp4
if [ ! -s "$SAMPLE" ]; then
  mkdir -p target/demo
  echo "demo: generating a 90 s 1280x720 sample with cuts, motion, speech and a loud stretch: $SAMPLE"
  espeak-ng -s 150 -w target/demo/speech.wav \
    "Welcome back to the show. Today we are testing a tool that finds the best moments in a long video. Watch what happens next, because this part is really exciting. That was amazing, right? Thanks for watching, and see you next time."
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "smptehdbars=size=1280x720:rate=30:duration=30" \
    -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=10" \
    -f lavfi -i "mandelbrot=size=1280x720:rate=30,trim=duration=10" \
    -f lavfi -i "smptehdbars=size=1280x720:rate=30:duration=40" \
    -f lavfi -i "sine=frequency=220:sample_rate=48000:duration=30,volume=0.05" \
    -f lavfi -i "anoisesrc=sample_rate=48000:amplitude=0.5:duration=20:seed=3" \
    -f lavfi -i "sine=frequency=220:sample_rate=48000:duration=40,volume=0.05" \
    -i target/demo/speech.wav \
    -filter_complex "[0:v][1:v][2:v][3:v]concat=n=4:v=1:a=0,format=yuv420p[v];[4:a][5:a][6:a]concat=n=3:v=0:a=1[bed];[7:a]aresample=48000,adelay=25000:all=1,apad[talk];[bed][talk]amix=inputs=2:duration=first:normalize=0[a]" \
    -map "[v]" -map "[a]" -c:v libx264 -preset veryfast -g 60 -c:a aac -b:a 128k \
    "$SAMPLE.tmp.mp4"
  mv "$SAMPLE.tmp.mp4" "$SAMPLE"
fi
"$BIN" probe "$SAMPLE"
if [ -z "${SLOP_WHISPER_MODEL:-}" ] && [ -s ../shared/models/ggml-tiny.en-q8_0.bin ]; then
  export SLOP_WHISPER_MODEL="$PWD/../shared/models/ggml-tiny.en-q8_0.bin"
fi
if [ -z "${SLOP_WHISPER_MODEL:-}" ] && "$BIN" models | grep -q "none installed"; then
  "$BIN" models download tiny.en ||
    echo "demo: no whisper model could be fetched (offline?): the shorts will have no captions"
fi
# A project: the clips found, filler (nothing in it stands out) left unticked, as the window does.
"$BIN" analyze "$SAMPLE" --max-clips 3 --min-len 15 --max-len 30 --json target/demo/clips.json \
  --project target/demo/project.json
captions=()
if python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1])).get("transcript") else 1)' target/demo/clips.json; then
  captions=(--captions)
else
  echo "demo: no transcript (no whisper model): exporting without captions"
fi
rm -rf target/demo/shorts
"$BIN" export --project target/demo/project.json --out target/demo/shorts --portrait blur --overwrite "${captions[@]}"
echo "demo: the shorts are in target/demo/shorts/"
if [ -n "${DISPLAY:-}" ] && [ -z "${CI:-}" ]; then
  "$BIN" "$SAMPLE"
else
  echo "demo: no display; run '$BIN $SAMPLE' on a desktop to open the window."
fi
