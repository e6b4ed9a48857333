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

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found. slopcannon needs Rust 1.95 or newer (install it with rustup)." >&2
  exit 1
fi
echo "setup: system packages ready"
