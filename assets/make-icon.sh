#!/bin/sh
# Draws assets/slopcannon.png (256x256 app icon: a cannon firing on a pink rounded square)
# with ImageMagick 6. Run from the assets/ folder: sh make-icon.sh
set -e
convert -size 256x256 xc:none \
  -fill '#ff3d6e' -draw 'roundrectangle 8,8 247,247 48,48' \
  -fill '#ffd23f' -draw 'polygon 170,70 212,38 200,88' \
  -draw 'polygon 186,100 236,96 200,120' -draw 'polygon 150,52 160,14 178,58' \
  -fill '#1d1b2f' -draw 'translate 118,138 rotate -38 roundrectangle -78,-30 62,30 22,22' \
  -draw 'translate 118,138 rotate -38 roundrectangle 50,-38 74,38 8,8' \
  -stroke '#ff3d6e' -strokewidth 8 -draw 'circle 96,182 96,134' \
  -fill '#ffd23f' -stroke none -draw 'circle 96,182 96,166' \
  -strip -depth 8 -define png:compression-level=9 slopcannon.png
