#!/usr/bin/env bash
# Regenerates icons/ from a simple design: a rounded teal square with a white "R".
# Needs ImageMagick 6 (`convert`) and the DejaVu fonts. The icons are committed; run this only
# to change the design.
set -euo pipefail
cd "$(dirname "$0")/.."

font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
[ -f "$font" ] || font=DejaVu-Sans-Bold
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The master at 1024 px: rounded square with a margin, a centred R.
convert -size 1024x1024 xc:none \
  -fill '#2f5d62' -draw 'roundrectangle 64,64 959,959 200,200' \
  -font "$font" -pointsize 640 -fill white -gravity center -annotate +0+16 'R' \
  "PNG32:$tmp/master.png"

mkdir -p icons
for size in 32 128; do
  convert "$tmp/master.png" -resize "${size}x${size}" "PNG32:icons/${size}x${size}.png"
done
convert "$tmp/master.png" -resize 256x256 "PNG32:icons/128x128@2x.png"
convert "$tmp/master.png" -resize 512x512 "PNG32:icons/icon.png"
convert "$tmp/master.png" -define icon:auto-resize=256,128,64,48,32,16 icons/icon.ico
echo "icons written to icons/"
