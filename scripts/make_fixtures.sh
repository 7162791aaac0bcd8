#!/usr/bin/env bash
# Generate the media fixtures used by tests and benchmarks (nothing large is committed).
#
#   scripts/make_fixtures.sh [--out DIR] [--force] [SET...]
#
# SET: drama (default) | bench | long | bad | edge | all.  DIR defaults to ./fixtures in the repo root.
# Idempotent: a fixture that exists and passes its check is skipped; anything else is regenerated into
# a ".partial.*" name and renamed into place, so an interrupted run never leaves a half-written file.
# --force regenerates everything in the chosen sets. DIR/manifest.json is rewritten at the end.
# Needs ffmpeg/ffprobe (libx264, aac; optional encoders are skipped with a message), espeak-ng, sox,
# python3. Progress goes to stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE="$ROOT/scripts/fixtures"
OUT="$ROOT/fixtures"
FORCE=0
SETS=()

log() { echo "[fixtures] $*" >&2; }
die() { echo "[fixtures] error: $*" >&2; exit 1; }
usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || die "--out needs a directory"; OUT=$2; shift 2 ;;
    --out=*) OUT=${1#--out=}; shift ;;
    --force) FORCE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    drama|bench|long|bad|edge) SETS+=("$1"); shift ;;
    all) SETS+=(drama bench long bad edge); shift ;;
    *) usage; die "unknown argument: $1" ;;
  esac
done
[ ${#SETS[@]} -gt 0 ] || SETS=(drama)

# ---------------------------------------------------------------------------------------- tools
missing=()
for t in ffmpeg ffprobe python3; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
for s in "${SETS[@]}"; do
  case "$s" in drama|bench)
    for t in espeak-ng sox; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done ;;
  esac
done
if [ ${#missing[@]} -gt 0 ]; then
  die "missing tools: $(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  On Debian/Ubuntu: sudo apt-get install -y ffmpeg espeak-ng sox python3"
fi
ENCODERS=$(ffmpeg -hide_banner -encoders 2>/dev/null)
has_enc() { grep -qE "^ [VAS][A-Z.]{5} $1 " <<<"$ENCODERS"; }
for e in libx264 aac; do has_enc "$e" || die "ffmpeg lacks the $e encoder (install Debian's ffmpeg)"; done

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d "$OUT/.work.XXXXXX")
PARTIALS=()
cleanup() {
  rm -rf "$WORK"
  local p
  for p in "${PARTIALS[@]+"${PARTIALS[@]}"}"; do rm -f "$p"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fx() { python3 "$HERE/fxtool.py" "$@"; }
FF=(ffmpeg -nostdin -hide_banner -loglevel error -y)

# make_one REL "CHECK ARGS" [--decode|--no-decode] GENERATOR [ARGS...]
# Runs "GENERATOR ARGS... TMPFILE" unless DIR/REL exists and passes "fxtool check REL CHECK ARGS".
# A freshly made file must pass the same check (plus a full decode unless --no-decode) before it is
# renamed into place.
make_one() {
  local rel=$1 checks=$2; shift 2
  local decode=(--decode)
  case "${1:-}" in --decode) shift ;; --no-decode) decode=(); shift ;; esac
  local dst="$OUT/$rel"
  # shellcheck disable=SC2086
  if [ "$FORCE" = 0 ] && [ -e "$dst" ] && fx check "$dst" $checks 2>/dev/null; then
    log "  ok    $rel"; return 0
  fi
  mkdir -p "$(dirname "$dst")"
  local tmp
  tmp="$(dirname "$dst")/.partial.$(basename "$dst")"
  PARTIALS+=("$tmp"); rm -f "$tmp"
  log "  make  $rel"
  "$@" "$tmp"
  # shellcheck disable=SC2086
  fx check "$tmp" $checks "${decode[@]+"${decode[@]}"}" || die "freshly generated $rel failed its check"
  mv -f "$tmp" "$dst"
}

skip_without() { # skip_without ENCODER REL: true (and a message) when the encoder is missing
  if has_enc "$1"; then return 1; fi
  log "  skip  $2 (ffmpeg has no $1 encoder)"; return 0
}

# Small inputs used by the bad and edge sets: 320x240 moving test pattern, 48 kHz stereo tone.
SMALL_V=(-f lavfi -i "testsrc2=s=320x240:r=30")
SMALL_A=(-f lavfi -i "sine=f=440:r=48000:beep_factor=4,aformat=channel_layouts=stereo")
H264=(-c:v libx264 -preset ultrafast -pix_fmt yuv420p)
small() { # small SECONDS OUT [extra output args...]: H.264 + AAC 320x240
  local d=$1 out=$2; shift 2
  "${FF[@]}" "${SMALL_V[@]}" "${SMALL_A[@]}" -t "$d" "${H264[@]}" -c:a aac -b:a 96k "$@" "$out"
}

# ---------------------------------------------------------------------------------------- drama
gen_drama() {
  local mp4="$OUT/drama.mp4" json="$OUT/drama.json"
  local checks=(--dur 90 --tol 0.1 --video h264:720x1280 --audio aac:2)
  if [ "$FORCE" = 0 ] && [ -e "$mp4" ] && fx check "$mp4" "${checks[@]}" --json-size "$json" 2>/dev/null; then
    log "  ok    drama.mp4 + drama.json"; return 0
  fi
  local tmp="$OUT/.partial.drama.mp4" tmpj="$OUT/.partial.drama.json"
  PARTIALS+=("$tmp" "$tmpj"); rm -f "$tmp" "$tmpj"
  log "  make  drama.mp4 + drama.json"
  python3 "$HERE/drama.py" --mp4 "$tmp" --json "$tmpj" --work "$WORK/drama"
  fx check "$tmp" "${checks[@]}" --json-size "$tmpj" --decode || die "freshly generated drama.mp4 failed its check"
  mv -f "$tmpj" "$json"
  mv -f "$tmp" "$mp4"
}

# ---------------------------------------------------------------------------------------- bench
BENCH_SHOTS=(4 5.5 3 6 4.5 3.5 5 4 6.5 3 5 4 6)   # 60 s, a hard cut after each
bench_audio() { # 60 s stereo 48 kHz: stepped tones + noise bursts + two spoken sentences
  local wav="$WORK/bench-audio.wav"
  [ -s "$wav" ] && return 0
  espeak-ng -v en-us+m3 -s 155 -w "$WORK/bench-s1.wav" \
    "This is the benchmark clip. The picture changes every few seconds and the sound keeps moving."
  espeak-ng -v en+f3 -p 60 -s 160 -w "$WORK/bench-s2.wav" \
    "Halfway through now. Nothing here is important, it only has to be decoded quickly."
  "${FF[@]}" -i "$WORK/bench-s1.wav" -i "$WORK/bench-s2.wav" -filter_complex "
    aevalsrc='0.12*sin(2*PI*(220+55*floor(t/4))*t)+0.35*(random(0)*2-1)*lt(mod(t,2.5),0.08)|0.12*sin(2*PI*(330+55*floor(t/4))*t)+0.35*(random(1)*2-1)*lt(mod(t,2.5),0.08)':c=stereo:s=48000:d=60[bed];
    [0:a]aresample=48000,pan=stereo|c0=c0|c1=c0,adelay=delays=8000:all=1[s1];
    [1:a]aresample=48000,pan=stereo|c0=c0|c1=c0,adelay=delays=33000:all=1[s2];
    [bed][s1][s2]amix=inputs=3:normalize=0:duration=first,alimiter=limit=0.9:level=0:latency=1[a]" \
    -map "[a]" -c:a pcm_s16le "$WORK/.bench-audio.wav"
  mv "$WORK/.bench-audio.wav" "$wav"
}
bench_video() { # bench_video W H OUT
  local w=$1 h=$2 out=$3
  bench_audio
  fx graph "$w" "$h" "${BENCH_SHOTS[@]}" >"$WORK/bench-$w.filter"
  "${FF[@]}" -filter_complex_script "$WORK/bench-$w.filter" -i "$WORK/bench-audio.wav" \
    -map "[vout]" -map 0:a -c:v libx264 -preset superfast -profile:v high -pix_fmt yuv420p -crf 23 \
    -g 60 -keyint_min 60 -sc_threshold 0 -r 30 -c:a aac -b:a 128k -ar 48000 -ac 2 \
    -movflags +faststart -t 60 -f mp4 "$out"
}
gen_bench() {
  make_one bench-1080p.mp4 "--dur 60 --tol 0.1 --video h264:1920x1080 --audio aac:2" bench_video 1920 1080
  make_one bench-1080x1920.mp4 "--dur 60 --tol 0.1 --video h264:1080x1920 --audio aac:2" bench_video 1080 1920
}

# ---------------------------------------------------------------------------------------- long
long_video() { # 60 s 1080p video-only segment, repeated 10x by stream copy; 600 s of fresh AAC audio
  local out=$1
  fx graph 1920 1080 10 10 10 10 10 10 >"$WORK/long.filter"
  "${FF[@]}" -filter_complex_script "$WORK/long.filter" -map "[vout]" -c:v libx264 -preset ultrafast \
    -pix_fmt yuv420p -b:v 1M -maxrate 1500k -bufsize 3M -g 60 -keyint_min 60 -sc_threshold 0 -r 30 -t 60 \
    -f mp4 "$WORK/long-seg.mp4"
  : >"$WORK/long.txt"
  for _ in 1 2 3 4 5 6 7 8 9 10; do echo "file '$WORK/long-seg.mp4'" >>"$WORK/long.txt"; done
  "${FF[@]}" -f concat -safe 0 -i "$WORK/long.txt" \
    -f lavfi -i "aevalsrc='0.1*sin(2*PI*(200+40*mod(floor(t/5),8))*t)+0.3*(random(0)*2-1)*lt(mod(t,3),0.06)':c=mono:s=48000:d=600" \
    -map 0:v -map 1:a -c:v copy -c:a aac -b:a 96k -ac 2 -ar 48000 -movflags +faststart -t 600 -f mp4 "$out"
}
gen_long() {
  make_one long-10min.mp4 "--dur 600 --tol 0.2 --video h264:1920x1080 --audio aac:2" --no-decode long_video_checked
}
long_video_checked() { # the full decode of 10 min is slow: check packet order and decode the last 5 s
  long_video "$1"
  fx check "$1" --monotonic --decode-tail 5 || die "long-10min.mp4: timestamps or tail decode failed"
}

# ---------------------------------------------------------------------------------------- bad
bad_truncated() { # faststart (moov first) MP4 cut to 40% of its bytes
  small 4 "$WORK/faststart.mp4" -movflags +faststart -f mp4
  local n; n=$(stat -c %s "$WORK/faststart.mp4")
  head -c $((n * 40 / 100)) "$WORK/faststart.mp4" >"$1"
}
bad_truncated_moov_end() { # moov at the end; cut inside mdat so the moov is gone
  small 4 "$WORK/moovend.mp4" -f mp4
  local n moov; n=$(stat -c %s "$WORK/moovend.mp4"); moov=$(fx moov-offset "$WORK/moovend.mp4")
  [ "$moov" -gt 0 ] || die "expected a moov box at the end"
  local cut=$((n * 60 / 100)); [ "$cut" -lt "$moov" ] || cut=$((moov - 1))
  head -c "$cut" "$WORK/moovend.mp4" >"$1"
}
bad_random() { fx randbytes 65536 20240607 "$1"; }
bad_zero() { : >"$1"; }
bad_hevc() { "${FF[@]}" "${SMALL_V[@]}" "${SMALL_A[@]}" -t 2 -c:v libx265 -preset ultrafast -x265-params log-level=error \
  -pix_fmt yuv420p -tag:v hvc1 -c:a aac -b:a 96k -f mp4 "$1"; }
bad_audio_only() { "${FF[@]}" "${SMALL_A[@]}" -t 3 -c:a aac -b:a 96k -f ipod "$1"; }
bad_avi() { "${FF[@]}" "${SMALL_V[@]}" "${SMALL_A[@]}" -t 2 -c:v mpeg4 -q:v 5 -vtag xvid -c:a libmp3lame -b:a 96k -f avi "$1"; }
gen_bad() {
  make_one bad/truncated.mp4 "--min-bytes 1000 --moov first" --no-decode bad_truncated
  make_one bad/truncated-moov-end.mp4 "--min-bytes 1000 --moov missing" --no-decode bad_truncated_moov_end
  make_one bad/random.mp4 "--bytes 65536" --no-decode bad_random
  make_one bad/zero.mp4 "--bytes 0" --no-decode bad_zero
  skip_without libx265 bad/hevc.mp4 || make_one bad/hevc.mp4 "--dur 2 --video hevc:320x240 --audio aac:2" bad_hevc
  make_one bad/audio-only.m4a "--dur 3 --audio aac:2" bad_audio_only
  skip_without libmp3lame bad/clip.avi || make_one bad/clip.avi "--dur 2 --video mpeg4:320x240 --audio mp3:2" bad_avi
}

# ---------------------------------------------------------------------------------------- edge
edge_editlist() { # cut a GOP-30 file at 1.5 s by stream copy: starts at the 1.0 s keyframe, the edit list skips 0.5 s
  small 3 "$WORK/gop30.mp4" -g 30 -keyint_min 30 -sc_threshold 0 -f mp4
  "${FF[@]}" -ss 1.5 -i "$WORK/gop30.mp4" -c copy -f mp4 "$1"
}
edge_vfr() {
  "${FF[@]}" -f lavfi -i "testsrc2=s=320x240:r=30:d=1" -f lavfi -i "testsrc2=s=320x240:r=10:d=1" \
    -f lavfi -i "testsrc2=s=320x240:r=24:d=1" "${SMALL_A[@]}" -filter_complex \
    "[0:v]settb=1/120[a];[1:v]settb=1/120[b];[2:v]settb=1/120[c];[a][b][c]concat=n=3:v=1:a=0[v]" \
    -map "[v]" -map 3:a -t 3 "${H264[@]}" -fps_mode passthrough -video_track_timescale 120 \
    -c:a aac -b:a 96k -f mp4 "$1"
}
edge_sar() { "${FF[@]}" -f lavfi -i "testsrc2=s=480x360:r=30,setsar=4/3" "${SMALL_A[@]}" -t 2 "${H264[@]}" \
  -c:a aac -b:a 96k -f mp4 "$1"; }
edge_rotated() {
  small 2 "$WORK/unrotated.mp4" -f mp4
  if ffmpeg -hide_banner -h full 2>/dev/null | grep -q -- '-display_rotation'; then
    "${FF[@]}" -display_rotation 90 -i "$WORK/unrotated.mp4" -c copy -f mp4 "$1"
  else
    "${FF[@]}" -i "$WORK/unrotated.mp4" -c copy -metadata:s:v:0 rotate=90 -f mp4 "$1"
  fi
}
edge_mov() { small 2 "$1" -f mov; }
edge_frag() { small 3 "$1" -g 30 -movflags +frag_keyframe+empty_moov+default_base_moof -f mp4; }
edge_opus() { "${FF[@]}" "${SMALL_V[@]}" "${SMALL_A[@]}" -t 2 -c:v libvpx-vp9 -deadline realtime -cpu-used 8 \
  -b:v 300k -pix_fmt yuv420p -c:a libopus -b:a 64k -f webm "$1"; }
edge_vp8() { "${FF[@]}" "${SMALL_V[@]}" "${SMALL_A[@]}" -t 2 -c:v libvpx -deadline realtime -cpu-used 8 \
  -b:v 300k -c:a libvorbis -q:a 3 -f webm "$1"; }
edge_flac() { "${FF[@]}" "${SMALL_V[@]}" "${SMALL_A[@]}" -t 2 "${H264[@]}" -c:a flac -f matroska "$1"; }
edge_aacmkv() { small 2 "$1" -f matroska; }
edge_mp3() { "${FF[@]}" "${SMALL_V[@]}" "${SMALL_A[@]}" -t 2 "${H264[@]}" -c:a libmp3lame -b:a 128k -f mp4 "$1"; }
edge_mono() { "${FF[@]}" "${SMALL_V[@]}" -f lavfi -i "sine=f=440:r=48000:beep_factor=4" -t 2 "${H264[@]}" \
  -c:a aac -b:a 64k -ac 1 -f mp4 "$1"; }
edge_8ch() {
  local e="" c
  for c in 0 1 2 3 4 5 6 7; do e+="${e:+|}0.2*sin(2*PI*$((200 + c * 100))*t)"; done
  "${FF[@]}" "${SMALL_V[@]}" -f lavfi -i "aevalsrc='$e':c=7.1:s=48000" -t 2 "${H264[@]}" \
    -c:a aac -b:a 384k -f mp4 "$1"
}
edge_av1() {
  local enc
  if has_enc libsvtav1; then enc=(-c:v libsvtav1 -preset 12); export SVT_LOG=1
  else enc=(-c:v libaom-av1 -cpu-used 8 -row-mt 1 -usage realtime -b:v 200k); fi
  "${FF[@]}" "${SMALL_V[@]}" "${SMALL_A[@]}" -t 2 "${enc[@]}" -pix_fmt yuv420p -c:a aac -b:a 96k -f mp4 "$1"
}
# Background-music tracks (tests/e2e/music.test.mjs): a 60 Hz tone at half scale (a frequency no
# voice in the tests reaches, so its level can be measured under speech), stereo, in every format
# the engine reads as music; 4 s (shorter than the reels: they loop), and a 20 s one for levels.
music_tone() { # music_tone SECONDS OUT [output args...]
  local d=$1 out=$2; shift 2
  "${FF[@]}" -f lavfi -i "aevalsrc=0.5*sin(2*PI*60*t):s=44100:d=$d:c=stereo" "$@" "$out"
}
edge_music_mp3() { music_tone 4 "$1" -c:a libmp3lame -b:a 128k -f mp3; }
edge_music_flac() { music_tone 4 "$1" -c:a flac -f flac; }
edge_music_flac20() { music_tone 20 "$1" -c:a flac -f flac; }
edge_music_wav() { music_tone 4 "$1" -c:a pcm_s16le -f wav; }
edge_music_vorbis() { music_tone 4 "$1" -c:a libvorbis -q:a 4 -f ogg; }
edge_music_opus() { music_tone 4 "$1" -c:a libopus -b:a 96k -f ogg; }
edge_music_m4a() { music_tone 4 "$1" -c:a aac -b:a 128k -f ipod; }
edge_music_webm() { music_tone 4 "$1" -c:a libopus -b:a 96k -f webm; }
gen_music() {
  skip_without libmp3lame edge/music/tone.mp3 || make_one edge/music/tone.mp3 "--dur 4 --tol 0.1 --audio mp3:2" edge_music_mp3
  make_one edge/music/tone.flac "--dur 4 --tol 0.05 --audio flac:2" edge_music_flac
  make_one edge/music/tone-20s.flac "--dur 20 --tol 0.05 --audio flac:2" edge_music_flac20
  make_one edge/music/tone.wav "--dur 4 --tol 0.05 --audio pcm_s16le:2" edge_music_wav
  skip_without libvorbis edge/music/tone.ogg || make_one edge/music/tone.ogg "--dur 4 --tol 0.1 --audio vorbis:2" edge_music_vorbis
  skip_without libopus edge/music/tone.opus || make_one edge/music/tone.opus "--dur 4 --tol 0.1 --audio opus:2" edge_music_opus
  make_one edge/music/tone.m4a "--dur 4 --tol 0.1 --audio aac:2" edge_music_m4a
  skip_without libopus edge/music/tone.webm || make_one edge/music/tone.webm "--dur 4 --tol 0.1 --audio opus:2" edge_music_webm
}

gen_edge() {
  local av="--video h264:320x240 --audio aac:2"
  gen_music
  make_one edge/editlist.mp4 "--dur 1.5 --tol 0.1 $av --elst" edge_editlist
  make_one edge/vfr.mp4 "--dur 3 --tol 0.15 $av --vfr" edge_vfr
  make_one edge/sar.mp4 "--dur 2 --video h264:480x360 --audio aac:2" edge_sar
  make_one edge/rotated90.mp4 "--dur 2 $av --rotation 90" edge_rotated
  make_one edge/movie.mov "--dur 2 $av" edge_mov
  make_one edge/frag.mp4 "--dur 3 $av --frag" edge_frag
  skip_without libvpx-vp9 edge/opus.webm || skip_without libopus edge/opus.webm ||
    make_one edge/opus.webm "--dur 2 --video vp9:320x240 --audio opus:2" edge_opus
  skip_without libvpx edge/vp8-vorbis.webm || skip_without libvorbis edge/vp8-vorbis.webm ||
    make_one edge/vp8-vorbis.webm "--dur 2 --video vp8:320x240 --audio vorbis:2" edge_vp8
  make_one edge/flac.mkv "--dur 2 --video h264:320x240 --audio flac:2" edge_flac
  make_one edge/aac.mkv "--dur 2 $av" edge_aacmkv
  skip_without libmp3lame edge/mp3.mp4 || make_one edge/mp3.mp4 "--dur 2 --video h264:320x240 --audio mp3:2" edge_mp3
  make_one edge/mono.mp4 "--dur 2 --video h264:320x240 --audio aac:1" edge_mono
  make_one edge/8ch.mp4 "--dur 2 --video h264:320x240 --audio aac:8" edge_8ch
  if has_enc libsvtav1 || has_enc libaom-av1; then
    make_one edge/av1.mp4 "--dur 2 --video av1:320x240 --audio aac:2" edge_av1
  else
    log "  skip  edge/av1.mp4 (ffmpeg has neither libsvtav1 nor libaom-av1)"
  fi
}

# ---------------------------------------------------------------------------------------- main
declare -A DONE=()
for s in "${SETS[@]}"; do
  [ -z "${DONE[$s]:-}" ] || continue
  DONE[$s]=1
  t0=$SECONDS
  log "set $s -> $OUT"
  "gen_$s"
  log "set $s done in $((SECONDS - t0)) s"
done
fx manifest "$OUT"
