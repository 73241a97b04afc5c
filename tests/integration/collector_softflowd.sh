#!/bin/sh
# nfcollectd fed by real softflowd (no one here wrote it), replaying the
# run that made ../shared/testdata/flow-tools/seed-utc with the real
# flow-capture: softflowd exports the 8 flows of sample.pcap, SIGHUP,
# softflowd again (its sequence restarts at 0), SIGTERM.  Our two files
# must match flow-capture's: the same record stream byte for byte, the
# same header TLVs in the same order and length, and the same counters
# (8 flows each, the second with one sequence reset).
. "$(dirname "$0")/../lib.sh"
need collector_softflowd softflowd python3 || finish
have_shared collector_softflowd || finish
need_ftdump collector_softflowd || finish

REAL=$FTDATA/seed-utc
W=$TMP/w; mkdir -p "$W"
PORT=$(free_udp_port)
export TZ=UTC

send() {
	softflowd -d -r "$FTDATA/input/sample.pcap" -c none -a \
	    -n "127.0.0.1:$PORT" 2>&1 | sed -n 's/.*Flows exported: \([0-9]*\).*/\1/p'
}

start_collector "$PORT" "$TMP/log" -p "$TMP/pid" -w "$W" "0/0/$PORT"
# The socket is bound before the pidfile is written: wait for it too.
wait_for "[ -s '$TMP/pid' ]"

# The pidfile is written in foreground mode too.
[ "$(cat "$TMP/pid" 2>/dev/null)" = "$CPID" ] && pass "pidfile written with -D" ||
    fail "pidfile written with -D: $(cat "$TMP/pid" 2>/dev/null)"

n1=$(send)
wait_for "ls $W/tmp-v05.* >/dev/null 2>&1"
sleep 0.3
kill -HUP "$CPID"
wait_for "ls $W/ft-v05.* >/dev/null 2>&1"
n2=$(send)
sleep 0.3
stop "$CPID" TERM
rc=$?

[ ! -e "$TMP/pid" ] && pass "pidfile removed at exit" || fail "pidfile removed at exit"
set -- $(ls "$W"/ft-v05.* 2>/dev/null)
if [ $# -eq 2 ] && ! ls "$W"/tmp-* >/dev/null 2>&1; then
	pass "SIGHUP and SIGTERM left two finished files, no tmp-"
else
	fail "SIGHUP and SIGTERM left two finished files: $(ls "$W")"
fi
F1=${1:-none} F2=${2:-none}

# Stored flows equal what softflowd says it exported.
s1=$("$FTDUMP" -s "$F1" | sed -n 's/.*records=\([0-9]*\).*/\1/p')
s2=$("$FTDUMP" -s "$F2" | sed -n 's/.*records=\([0-9]*\).*/\1/p')
[ "$n1" = 8 ] && [ "$s1" = "$n1" ] && [ "$s2" = "$n2" ] &&
    pass "stored flows equal softflowd's exports ($n1 + $n2)" ||
    fail "stored $s1 + $s2 flows, softflowd exported $n1 + $n2"

# Header counters as flow-capture wrote them.
hdr() { "$FTDUMP" -h "$1" | grep -E '^(flags|flows|lost|corrupt|resets|d_version|hdr_len)=' | tr '\n' ' '; }
h1=$(hdr "$F1"); h2=$(hdr "$F2")
want1="hdr_len=80 d_version=5 flags=0x3 flows=8 lost=0 corrupt=0 resets=0 "
want2="hdr_len=80 d_version=5 flags=0x3 flows=8 lost=0 corrupt=0 resets=1 "
# hdr_len depends on the hostname's length; flow-capture's host was "vm".
hl=$(( (8 + 6 + 7 * 8 + 4 + $(hostname | wc -c) + 3) / 4 * 4 ))
want1=$(echo "$want1" | sed "s/hdr_len=80/hdr_len=$hl/")
want2=$(echo "$want2" | sed "s/hdr_len=80/hdr_len=$hl/")
[ "$h1" = "$want1" ] && pass "first file header: $h1" || fail "first file header: '$h1' want '$want1'"
[ "$h2" = "$want2" ] && pass "second file header (sequence reset): $h2" ||
    fail "second file header: '$h2' want '$want2'"

# The TLVs: same tags, same order, same lengths (strings aside) as
# flow-capture's file; and the record stream after the header identical.
python3 - "$F1" "$REAL/ft-v05.2026-11-26.180515+0000" "$F2" \
    "$REAL/ft-v05.2026-11-26.180517+0000" <<'PY'
import struct, sys, zlib
def parse(path):
    d = open(path, 'rb').read()
    assert d[0:2] == b'\xcf\x10' and d[3] == 3
    e = '<' if d[2] == 1 else '>'
    h = struct.unpack(e + 'I', d[4:8])[0]
    off, tl = 8, []
    while off + 4 <= h:
        t, l = struct.unpack(e + 'HH', d[off:off + 4])
        tl.append((t, l if t not in (0x0f, 0x10) else 'str'))
        off += 4 + l
    return tl, zlib.decompress(d[h:])
ok = True
for ours, theirs in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    a, ra = parse(ours)
    b, rb = parse(theirs)
    if a != b:
        print("FAIL: TLV layout differs from flow-capture: %s vs %s" % (a, b)); ok = False
    if ra != rb:
        print("FAIL: records differ from flow-capture's in %s" % ours); ok = False
if ok:
    print("PASS: TLV layout and record stream identical to flow-capture's (both files)")
PY
[ "$rc" = 0 ] && pass "SIGTERM exit status 0" || fail "SIGTERM exit status $rc"
finish
