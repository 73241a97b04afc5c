#!/bin/sh
# nfreport on damaged flow files: one clear message naming the file and the
# damage, the good records before it still used, the other files still
# read, exit 1 (0 with --ignore-errors), never a crash (run under ASan via
# NFKIT_BIN=build/asan).
. "$(dirname "$0")/../lib.sh"
export TZ=UTC
have_shared corrupt_inputs || finish
need corrupt_inputs python3 || finish

SRC=$FTDATA/seed-utc/ft-v05.2026-11-26.180515+0000
python3 - "$SRC" "$TMP" <<'PY'
import struct, sys, zlib
src = open(sys.argv[1], 'rb').read()
d = sys.argv[2]
H = struct.unpack('<I', src[4:8])[0]
recs = zlib.decompress(src[H:])
def w(name, data):
    open(d + '/' + name, 'wb').write(data)
w('trunc-header', src[:40])
b = bytearray(src)
off = 8
while off + 4 <= H:
    t, l = struct.unpack('<HH', b[off:off + 4])
    if t == 0x0f:
        struct.pack_into('<H', b, off + 2, 500)
        break
    off += 4 + l
w('tlv-past-header', bytes(b))
w('trunc-zlib', src[:len(src) - 30])
co = zlib.compressobj(9)
body = co.compress(recs)
zero = b'\0' * 64 * 100000
for i in range(160):            # 16M records behind an 8-flow header
    body += co.compress(zero)
w('zlib-bomb', src[:H] + body + co.flush())
w('wrong-count', src[:H] + zlib.compress(recs[:5 * 64]))
w('corrupt-zlib', src[:H] + b'\x78\x9c' + b'\xff' * 100)
w('not-flows', b'this is not a flow file\n')
w('partial-record', src[:H] + zlib.compress(recs + b'\1' * 10))
PY

# case file expected-lines message-part
check() {
	name=$1 want=$2 msg=$3
	"$NFREPORT" -q "$TMP/$name" >"$TMP/out" 2>"$TMP/err"; rc=$?
	got=$(wc -l <"$TMP/out")
	nerr=$(wc -l <"$TMP/err")
	if [ $rc -ne 1 ]; then fail "$name" "exit $rc, want 1"
	elif [ "$got" -ne "$want" ]; then fail "$name" "$got flows, want $want"
	elif [ "$nerr" -ne 1 ]; then fail "$name" "$nerr messages: $(cat "$TMP/err")"
	elif ! grep -q "$TMP/$name" "$TMP/err"; then fail "$name" "file not named"
	elif ! grep -qi -- "$msg" "$TMP/err"; then fail "$name" "$(cat "$TMP/err")"
	else pass "$name"; fi
}
check trunc-header 0 "truncated header"
check tlv-past-header 0 "runs past the header"
check trunc-zlib 6 "truncated"
check zlib-bomb 8 "more records than the header"
check wrong-count 5 "header says 8 flows but the stream holds 5"
check corrupt-zlib 0 "corrupt zlib"
check not-flows 0 "magic"
check partial-record 8 "partial record"

# The other files are read, and --ignore-errors makes it exit 0.
"$NFREPORT" "$TMP/trunc-zlib" "$FTDATA/seed-utc" >"$TMP/out" 2>/dev/null; rc=$?
s=$(tail -n 1 "$TMP/out")
case "$rc $s" in
"1 Summary: flows 22,"*) pass damaged_then_good ;;
*) fail damaged_then_good "rc $rc: $s" ;;
esac
"$NFREPORT" --ignore-errors -q "$TMP/wrong-count" >/dev/null 2>&1; rc=$?
[ $rc -eq 0 ] && pass ignore_errors || fail ignore_errors "rc $rc"
# Aggregation (threads) sees the same damage.
"$NFREPORT" -s srcip "$TMP/trunc-zlib" "$TMP/zlib-bomb" "$SRC" \
    >"$TMP/out" 2>"$TMP/err"; rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 2 ] &&
    grep -q "Summary: flows 22," "$TMP/out"; then pass threaded_damage
else fail threaded_damage "rc $rc: $(cat "$TMP/err")"; fi
finish
