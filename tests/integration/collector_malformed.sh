#!/bin/sh
# Malformed datagrams interleaved with valid ones: every rejection reason
# (short, unknown version, count 0 and over the limit, wrong length,
# oversize, empty), random bytes and truncated copies of valid datagrams,
# plus valid v1 and v7 and a sequence gap.  Every valid flow must be
# stored, the header's corrupt and lost counters must match what was
# sent, and the collector must survive (run it under ASan with
# NFKIT_BIN=build/asan to check memory safety too).  Then the remote
# filter: with 0/127.0.0.1/PORT, datagrams from 127.0.0.2 are counted as
# corrupt and never stored.
. "$(dirname "$0")/../lib.sh"
need collector_malformed python3 || finish
need_ftdump collector_malformed || finish

# sender PORT MODE [SRC]: prints "valid_flows bad_datagrams lost" it sent.
sender() {
	python3 - "$@" <<'PY'
import random, socket, struct, sys
port, mode = int(sys.argv[1]), sys.argv[2]
src = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
rnd = random.Random(7)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
def v5(seq, n):
    h = struct.pack(">HHIIIIBBH", 5, n, 10000, 1705320000, 0, seq, 0, 1, 0)
    r = b"".join(struct.pack(">IIIHHIIIIHHBBBBHHBBH", 0x0a000000 + i, 0x0a010000 + i,
                 0, 1, 2, 1, 100 + i, 9000, 9500, 1000 + i, 80, 0, 0x12, 6, 0, 0, 0, 24, 24, 0)
                 for i in range(n))
    return h + r
def v1(n):
    h = struct.pack(">HHIII", 1, n, 5000, 1705320000, 0)
    r = b"".join(struct.pack(">IIIHHIIIIHHHBBBBHI", 0x0b000000 + i, 0x0b010000, 0, 1, 2,
                 2, 200, 4000, 4500, 53, 53, 0, 17, 0, 0, 0, 0, 0) for i in range(n))
    return h + r
def v7(seq, n):
    h = struct.pack(">HHIIIII", 7, n, 5000, 1705320000, 0, seq, 0)
    r = b"".join(struct.pack(">IIIHHIIIIHHBBBBHHBBHI", 0x0c000000 + i, 0x0c010000, 0, 1, 2,
                 3, 300, 4000, 4500, 22, 22, 0, 0x02, 6, 0, 0, 0, 8, 8, 0, 0) for i in range(n))
    return h + r
valid = bad = lost = 0
def send(d, ok):
    global valid, bad
    s.sendto(d, ("127.0.0.1", port))
    if ok is None:
        bad += 1
    else:
        valid += ok
if mode == "filter":
    for i in range(5):
        send(v5(i * 30, 30), 30)
    print(valid, 0, 0)
    sys.exit(0)
seq = 0
bads = [
    lambda: b"\x00\x05\x00\x01" + b"\x00" * 6,                  # short
    lambda: struct.pack(">HH", 10, 99) + b"\x00" * 68,           # IPFIX length 99
    lambda: struct.pack(">HH", 8, 1) + b"\x00" * 68,            # v8 unsupported
    lambda: v5(0, 1)[:2] + b"\x00\x00" + v5(0, 1)[4:24],       # count 0
    lambda: v5(0, 30)[:2] + b"\x00\x1f" + v5(0, 30)[4:] + b"\x00" * 48,  # count 31
    lambda: v5(0, 2) + b"\x00",                                  # one byte long
    lambda: v5(0, 2)[:-1],                                       # one byte short
    lambda: v5(0, 3)[:2] + b"\x00\x02" + v5(0, 3)[4:],         # count says 2, 3 sent
    lambda: v1(25),                                              # over v1's limit
    lambda: v7(0, 28),                                           # over v7's limit
    lambda: b"\x00\x05" + b"\x00" * 9300,                        # oversize
    lambda: b"",                                                 # empty
]
for i in range(60):
    if i == 30:
        seq += 5          # five flows "lost" on the way
        lost += 5
    send(v5(seq, 30), 30)
    seq += 30
    b = bads[i % len(bads)]()
    send(b, None)
    # Random bytes that cannot start with a known version.
    r = bytes([0x80 | rnd.randrange(128)]) + bytes(rnd.randrange(256) for _ in range(rnd.randrange(1600)))
    send(r, None)
    # A valid datagram cut short.
    full = v5(1000, 30)
    send(full[:rnd.randrange(len(full))], None)
send(v1(24), 24)
send(v7(0, 27), 27)
send(v7(27, 27), 27)
print(valid, bad, lost)
PY
}

run() {	# $1 = label, $2 = spec suffix, $3 = sender mode, $4 = source
	W=$TMP/$1; mkdir -p "$W"
	PORT=$(free_udp_port)
	start_collector "$PORT" "$TMP/$1.log" -p - -w "$W" "$2/$PORT"
	SENT=$(sender "$PORT" "$3" "$4")
	sleep 0.5
	kill -0 "$CPID" 2>/dev/null && ALIVE=1 || ALIVE=0
	stop "$CPID" TERM
	RC=$?
	F=$(ls "$W"/ft-v05.* 2>/dev/null | head -n 1)
}

run mixed 0/0 mixed 127.0.0.1
set -- $SENT
want_flows=$1 want_bad=$2 want_lost=$3
[ "$ALIVE" = 1 ] && [ "$RC" = 0 ] && pass "survived $want_bad malformed datagrams, exit 0" ||
    fail "collector died or exited $RC: $(tail -n 5 "$TMP/mixed.log")"
if [ -n "$F" ]; then
	got=$("$FTDUMP" -s "$F" | sed -n 's/.*records=\([0-9]*\) .*status=\(.*\)/\1 \2/p')
	[ "$got" = "$want_flows ok" ] && pass "all $want_flows valid flows (v1, v5, v7) stored" ||
	    fail "stored '$got', want '$want_flows ok'"
	h=$("$FTDUMP" -h "$F" | grep -E '^(flows|lost|corrupt|resets)=' | tr '\n' ' ')
	want="flows=$want_flows lost=$want_lost corrupt=$want_bad resets=0 "
	[ "$h" = "$want" ] && pass "header counters: $h" || fail "header counters '$h', want '$want'"
	grep -q "datagrams rejected since the last report, number by reason:.*short=.*unknown-version=.*count=.*length=.*oversize=.*v9-ipfix-header=" \
	    "$TMP/mixed.log" && pass "rejects summarised by reason in the log" ||
	    fail "no reject summary in the log"
else
	fail "no finished file: $(ls "$TMP/mixed")"
fi

if ip addr show lo 2>/dev/null | grep -q '127.0.0.1/8'; then
	run filter 0/127.0.0.1 filter 127.0.0.2
	if [ -z "$F" ]; then
		pass "remote filter: nothing from 127.0.0.2 stored (no file opened)"
	else
		fail "remote filter: $F was written from a refused source"
	fi
	# Refused and accepted sources at once.
	W=$TMP/filter2; mkdir -p "$W"
	PORT=$(free_udp_port)
	start_collector "$PORT" "$TMP/filter2.log" -p - -w "$W" "0/127.0.0.1/$PORT"
	sender "$PORT" filter 127.0.0.1 >/dev/null
	sender "$PORT" filter 127.0.0.2 >/dev/null
	sleep 0.5
	stop "$CPID" TERM
	F=$(ls "$W"/ft-v05.* 2>/dev/null | head -n 1)
	h=$("$FTDUMP" -h "$F" 2>/dev/null | grep -E '^(flows|corrupt)=' | tr '\n' ' ')
	[ "$h" = "flows=150 corrupt=5 " ] &&
	    pass "remote filter: 127.0.0.1 stored, 5 datagrams from 127.0.0.2 counted corrupt" ||
	    fail "remote filter: header '$h', want 'flows=150 corrupt=5 '"
else
	skip "remote filter: 127.0.0.0/8 not on lo"
fi
finish
