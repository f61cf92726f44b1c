#!/usr/bin/env bash
# Makes e2e/fixtures/clip.webm: 60 s of a moving test pattern and a tone, VP8 + Opus, about 26 KB/s, with its cues
# (the seek index) at the front so that a player can seek before the end of the file has arrived.
set -euo pipefail
cd "$(dirname "$0")/.."
ffmpeg -y -loglevel error \
  -f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 60 \
  -c:v libvpx -b:v 190k -g 25 -c:a libopus -b:a 16k \
  -cues_to_front 1 -reserve_index_space 4096 \
  e2e/fixtures/clip.webm
ls -l e2e/fixtures/clip.webm
