#!/bin/sh
# The web app manifest's icons (web/public/icons/*.png), drawn from web/public/favicon.svg by ffmpeg's librsvg
# decoder: 192 and 512 px as the favicon is (rounded corners, transparent outside), and a maskable 512 px whose
# background fills the square and whose mark sits inside the safe zone (the centre circle of 80 % of the width that
# every platform's mask keeps). Run again after the favicon changes; the PNGs are committed.
set -eu
cd "$(dirname "$0")/.."
FFMPEG="${FFMPEG_PATH:-ffmpeg}"
out=web/public/icons
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

render() { # svg size png
  "$FFMPEG" -y -loglevel error -width "$2" -height "$2" -i "$1" -frames:v 1 -c:v png -pix_fmt rgba "$3"
}

render web/public/favicon.svg 192 "$out/icon-192.png"
render web/public/favicon.svg 512 "$out/icon-512.png"

# The favicon's drawing, its rounded background made square and the mark scaled to 60 % about the centre.
background=$(sed -n 's/.*<rect[^>]*fill="\([^"]*\)".*/\1/p' web/public/favicon.svg)
mark=$(sed -e 's/<svg[^>]*>//' -e 's/<rect[^>]*\/>//' -e 's/<\/svg>//' web/public/favicon.svg)
cat >"$tmp/maskable.svg" <<SVG
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="$background"/><g transform="translate(16 16) scale(0.6) translate(-16 -16)">$mark</g></svg>
SVG
render "$tmp/maskable.svg" 512 "$out/maskable-512.png"
