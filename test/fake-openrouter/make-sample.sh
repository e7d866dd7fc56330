#!/bin/sh
# Regenerates fixtures/sample.mp4: a 2 s, 320x180, 12 fps H.264 (yuv420p) test pattern with the
# moov atom at the front (+faststart), no audio, no encoder metadata. A few KB, playable everywhere.
# The committed file is what the fake serves by default; regenerating it changes its bytes
# (x264 builds differ), which is fine: tests compare against the file, never a hard-coded hash.
set -eu
cd "$(dirname "$0")"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i testsrc=size=320x180:rate=12 -t 2 \
  -c:v libx264 -preset veryslow -crf 35 -pix_fmt yuv420p -profile:v baseline \
  -map_metadata -1 -fflags +bitexact -flags:v +bitexact \
  -movflags +faststart \
  fixtures/sample.mp4
ls -l fixtures/sample.mp4
# Check by hand (tests do not depend on ffprobe):
#   ffprobe -v error -show_entries stream=codec_name,profile,width,height,pix_fmt,nb_frames:format=format_name,duration fixtures/sample.mp4
