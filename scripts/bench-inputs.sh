#!/usr/bin/env bash
# Inputs shared by the export benchmarks (sourced): `export_bench_inputs DIR` writes the five
# 30 s clips of the benchmark video (clips.json), a word-by-word karaoke subtitle file
# (words.ass) and a 7 s looping background (bg.mp4) into DIR.
export_bench_inputs() {
  local out=$1
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
}
