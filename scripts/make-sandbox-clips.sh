#!/bin/sh
# Regenerates test/fake-openrouter/clips/: the videos the fake OpenRouter serves in sandbox mode
# (`npm run sandbox`, `npm run screenshots`), one per aspect ratio and duration, each with an AAC twin:
#
#   16x9-4s.mp4  480x270  a warm radial gradient        16x9-8s.mp4  480x270  an aurora-green linear gradient
#   9x16-4s.mp4  270x480  Conway's life, gold on indigo  9x16-8s.mp4  270x480  a lagoon-blue linear gradient
#   1x1-4s.mp4   360x360  a pink and blue spiral         1x1-8s.mp4   360x360  an ember circular gradient
#   <name>-aac.mp4: the same video stream (copied) with a soft AAC chord, for requests with generate_audio.
#
# H.264 (yuv420p, High profile), 24 fps, moov at the front (+faststart), no encoder metadata; a few
# hundred KB in all. Sources are ffmpeg's lavfi generators only, so nothing here has a licence of its own.
# Regenerating changes the bytes (x264 builds differ), which is fine: tests read the files, never a hash.
# Needs ffmpeg with libx264 (Debian's). Run from anywhere: sh scripts/make-sandbox-clips.sh
set -eu
cd "$(dirname "$0")/../test/fake-openrouter/clips"

video="-c:v libx264 -preset veryslow -crf 32 -pix_fmt yuv420p -profile:v high -r 24"
clean="-map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -movflags +faststart"

# clip NAME SECONDS SOURCE: the silent clip, then its AAC twin with the video stream copied.
clip() {
  name=$1 seconds=$2 source=$3 root=$4
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "$source" -t "$seconds" $video $clean -an "$name.mp4"
  # A major chord that fades in and out; its root differs per clip so the clips also sound distinct.
  chord="0.18*sin(2*PI*$root*t)+0.12*sin(2*PI*$root*1.26*t)+0.10*sin(2*PI*$root*1.5*t)"
  ffmpeg -hide_banner -loglevel error -y -i "$name.mp4" \
    -f lavfi -i "aevalsrc=$chord:s=22050:d=$seconds,afade=t=in:d=0.5,afade=t=out:st=$(awk "BEGIN { print $seconds - 0.8 }"):d=0.8" \
    -map 0:v -map 1:a -c:v copy -c:a aac -b:a 24k -ac 1 -shortest $clean "$name-aac.mp4"
}

clip 16x9-4s 4 "gradients=size=480x270:rate=24:c0=0xff7e5f:c1=0xfeb47b:c2=0x6a3093:c3=0x2b1055:nb_colors=4:speed=0.02:type=radial:seed=1" 220
clip 16x9-8s 8 "gradients=size=480x270:rate=24:c0=0x0f2027:c1=0x2c5364:c2=0x00b09b:c3=0x96c93d:nb_colors=4:speed=0.02:type=linear:seed=9" 196
clip 9x16-4s 4 "life=size=27x48:rate=6:mold=0:life_color=0xffd166:death_color=0x3a0ca3:ratio=0.2:seed=11,scale=270:480:flags=neighbor" 247
clip 9x16-8s 8 "gradients=size=270x480:rate=24:c0=0x00c9ff:c1=0x92fe9d:c2=0x0b486b:nb_colors=3:speed=0.015:type=linear:seed=5" 262
clip 1x1-4s 4 "gradients=size=360x360:rate=24:c0=0xf72585:c1=0x7209b7:c2=0x4cc9f0:c3=0xffd166:nb_colors=4:speed=0.03:type=spiral:seed=2" 294
clip 1x1-8s 8 "gradients=size=360x360:rate=24:c0=0x14213d:c1=0xfca311:c2=0xe85d04:nb_colors=3:speed=0.02:type=circular:seed=3" 175

ls -l ./*.mp4
du -ch ./*.mp4 | tail -1
# Check by hand (tests read the sample entries with src/core/media/mp4Info.ts, not ffprobe):
#   ffprobe -v error -show_entries stream=codec_name,width,height,duration test/fake-openrouter/clips/16x9-4s-aac.mp4
