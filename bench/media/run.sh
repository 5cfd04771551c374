#!/usr/bin/env bash
# Media upload and probe on the path users take: a large MP4 sent to herald's resumable upload
# (tus 1.0, API key on, PATCH pieces of CHUNK_MIB) until herald has stored and probed it, against
# a baseline doing the same work and no more (copy the bytes to disk, run ffprobe on them).
# Reports MiB/s for both and herald's peak RSS (VmHWM) before and after, so memory that grew with
# the file would show.
#
# Environment: HERALD_BIN (default: build-rel/herald, built Release if missing), SIZE_MIB (500),
# CHUNK_MIB (64), RUNS (3).
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"

SIZE_MIB="${SIZE_MIB:-500}"
CHUNK_MIB="${CHUNK_MIB:-64}"
RUNS="${RUNS:-3}"
HERALD_BIN="${HERALD_BIN:-$HERALD_ROOT/build-rel/herald}"
if [ ! -x "$HERALD_BIN" ]; then
  log "building herald (Release) into $HERALD_ROOT/build-rel"
  cmake -S "$HERALD_ROOT" -B "$HERALD_ROOT/build-rel" -DCMAKE_BUILD_TYPE=Release \
    -DHERALD_BUILD_TESTS=OFF -DHERALD_BUILD_BENCH=OFF >/dev/null
  cmake --build "$HERALD_ROOT/build-rel" -j "$(nproc)" --target herald
fi
command -v ffmpeg >/dev/null || die "ffmpeg is missing (apt-get install ffmpeg)"

work=$(mktemp -d /var/tmp/herald-media-bench.XXXXXX)
herald_pid=""
cleanup() {
  [ -n "$herald_pid" ] && kill "$herald_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# ---- the video: 10 s encoded once, then looped without re-encoding up to SIZE_MIB ----
log "making a ${SIZE_MIB} MiB MP4"
ffmpeg -v error -y -f lavfi -i testsrc2=size=1920x1080:rate=30 -f lavfi -i sine=frequency=440 \
  -t 10 -c:v mpeg4 -q:v 1 -c:a aac -shortest "$work/clip.mp4"
clip_bytes=$(stat -c %s "$work/clip.mp4")
loops=$(( (SIZE_MIB * 1048576 + clip_bytes - 1) / clip_bytes - 1 ))
ffmpeg -v error -y -stream_loop "$loops" -i "$work/clip.mp4" -c copy "$work/big.mp4"
size=$(stat -c %s "$work/big.mp4")
mib=$(awk -v b="$size" 'BEGIN{printf "%.1f", b/1048576}')
log "video: $mib MiB"

# ---- herald ----
"$HERALD_BIN" --data "$work/data" --log-level warn serve --listen 127.0.0.1:0 \
  >"$work/herald.out" 2>"$work/herald.err" &
herald_pid=$!
for _ in $(seq 300); do grep -q "herald: listening" "$work/herald.out" 2>/dev/null && break; sleep 0.05; done
url=$(grep -o "http://127.0.0.1:[0-9]*" "$work/herald.out" | tail -1)
[ -n "$url" ] || die "herald did not start: $(cat "$work/herald.err")"
key=$(grep -o "hk_[A-Za-z0-9_-]\{43\}" "$work/herald.out" | head -1)
[ -n "$key" ] || die "no API key in herald's first-start output"
hwm() { awk '/VmHWM/{print $2}' "/proc/$herald_pid/status"; }  # KiB

upload_once() {
  local meta loc id offset=0 chunk=$((CHUNK_MIB * 1048576)) n answer
  meta="filename $(printf 'big.mp4' | base64 -w0)"
  loc=$(curl -sS -D - -o /dev/null -X POST "$url/api/v1/uploads" -H "Authorization: Bearer $key" \
    -H "Tus-Resumable: 1.0.0" -H "Upload-Length: $size" -H "Upload-Metadata: $meta" |
    tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
  [ -n "$loc" ] || die "tus create failed"
  case "$loc" in http*) ;; *) loc="$url$loc" ;; esac
  while [ "$offset" -lt "$size" ]; do
    n=$(( size - offset < chunk ? size - offset : chunk ))
    answer=$(tail -c +"$((offset + 1))" "$work/big.mp4" | head -c "$n" |
      curl -sS -D "$work/headers" -X PATCH "$loc" -H "Authorization: Bearer $key" \
        -H "Tus-Resumable: 1.0.0" -H "Upload-Offset: $offset" \
        -H "Content-Type: application/offset+octet-stream" --data-binary @-)
    offset=$((offset + n))
  done
  grep -q '"media_id"' <<<"$answer" || die "the last PATCH did not return the media: $answer"
  grep -q '"duration_ms"' <<<"$answer" || die "no probe in the answer: $answer"
}

baseline_once() {
  cp "$work/big.mp4" "$work/copy.mp4" && sync "$work/copy.mp4"
  ffprobe -v error -print_format json -show_format -show_streams "$work/copy.mp4" >/dev/null
  rm -f "$work/copy.mp4"
}

seconds() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN{printf "%.3f", e-s}'; }

before=$(hwm)
h_times=(); b_times=()
for r in $(seq "$RUNS"); do
  h_times+=("$(seconds upload_once)")
  b_times+=("$(seconds baseline_once)")
  log "run $r: herald ${h_times[-1]} s, baseline ${b_times[-1]} s"
done
after=$(hwm)
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
hm=$(median "${h_times[@]}"); bm=$(median "${b_times[@]}")
printf 'video %s MiB, %d runs, PATCH pieces of %d MiB\n' "$mib" "$RUNS" "$CHUNK_MIB"
printf 'herald tus upload + probe + store: median %s s = %.1f MiB/s\n' "$hm" "$(awk -v m="$mib" -v t="$hm" 'BEGIN{print m/t}')"
printf 'baseline cp + sync + ffprobe:      median %s s = %.1f MiB/s\n' "$bm" "$(awk -v m="$mib" -v t="$bm" 'BEGIN{print m/t}')"
printf 'ratio herald/baseline throughput: %.2f\n' "$(awk -v h="$hm" -v b="$bm" 'BEGIN{print b/h}')"
printf 'herald peak RSS: %d MiB before the uploads, %d MiB after\n' "$((before / 1024))" "$((after / 1024))"
