#!/bin/sh
# nfcollectd and crafted v9/IPFIX datagrams, on the real daemon (run it
# under ASan with NFKIT_BIN=build/asan too):
#   - data before its template is stored once the template arrives;
#   - malformed datagrams (truncated copies, random bytes behind a v9 or
#     IPFIX header, bad set lengths, zero-field and bad-length templates)
#     between valid ones: every valid flow stored, the daemon alive, the
#     problems counted by reason in the log;
#   - restart: the templates saved at exit are loaded, and data without a
#     template is stored at once;
#   - a crash after a flush: the IPFIX tmp- file is finished at the next
#     start with every flushed flow;
#   - fan-out (-f): the accepted v9/IPFIX datagrams reach a second
#     collector, which stores the same flows;
#   - -V 5: IPv4 flows in ft-v05 files, IPv6 flows counted as not
#     storable in v5 and logged, not stored;
#   - a template flood (60 sources, 2000 template ids each, -X 16): memory
#     measured (VmRSS) and bounded, the refusals counted.
. "$(dirname "$0")/../lib.sh"
need collector_ipfix_hostile python3 || finish
need_ftdump collector_ipfix_hostile || finish
FLOWS="python3 $ROOT/tests/tools/ipfixflows.py"

sender() {	# $1 = port, $2 = scenario; prints what it expects
	python3 - "$1" "$2" <<'PY'
import random, socket, struct, sys
port, what = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(14)
T0 = 1764180000
def msg(sets, seq=0, version=10, domain=0):
    body = b"".join(struct.pack(">HH", sid, 4 + len(b)) + b for sid, b in sets)
    if version == 9:
        return struct.pack(">HHIIII", 9, 0x7777, 1000000, T0, seq, domain) + body
    return struct.pack(">HHIII", 10, 16 + len(body), T0, seq, domain) + body
V4 = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (2, 8), (1, 8), (152, 8), (153, 8)]
V6 = [(27, 16), (28, 16), (7, 2), (11, 2), (4, 1), (2, 8), (1, 8), (152, 8), (153, 8)]
def tpl(tid, f):
    return struct.pack(">HH", tid, len(f)) + b"".join(struct.pack(">HH", i, l) for i, l in f)
def r4(i):
    return struct.pack(">IIHHBQQQQ", 0x0A000000 + i, 0xC0A80001, 1000 + i, 80, 6,
                       i + 1, 100 * (i + 1), T0 * 1000 - 5000, T0 * 1000 - 1000)
def r6(i):
    a = bytes([0x20, 0x01, 0x0d, 0xb8] + [0] * 10) + struct.pack(">H", i)
    return a + bytes(15) + b"\x01" + struct.pack(">HHBQQQQ", 2000 + i, 53, 17,
                       1, 80, T0 * 1000 - 3000, T0 * 1000 - 3000)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def send(d):
    s.sendto(d, ("127.0.0.1", port))
n4 = n6 = 0
if what == "early":
    # Data first (3 v4, 2 v6), its templates in the next datagram.
    send(msg([(300, r4(0) + r4(1) + r4(2)), (301, r6(0) + r6(1))]))
    send(msg([(2, tpl(300, V4) + tpl(301, V6))], seq=5))
    n4, n6 = 3, 2
    seq = 5
    good = msg([(300, r4(10) + r4(11)), (301, r6(10))], seq=seq)
    bads = [
        lambda: good[:rnd.randrange(4, len(good))],
        lambda: struct.pack(">HH", 10, 0) + bytes(rnd.randrange(256) for _ in range(rnd.randrange(1400))),
        lambda: struct.pack(">HH", 9, 1) + bytes(rnd.randrange(256) for _ in range(rnd.randrange(1400))),
        lambda: msg([(300, r4(1))])[:-1] + b"\x00\x00\x00\x00\x00",
        lambda: msg([(2, struct.pack(">HH", 999, 1) + struct.pack(">HH", 8, 5))]),
        lambda: msg([(0, struct.pack(">HH", 999, 0))], version=9),
        lambda: msg([(2, struct.pack(">HH", 998, 1) + struct.pack(">HH", 4, 0))]),
        lambda: msg([(300, r4(1)), (300, b"")]) + struct.pack(">HH", 300, 2),
        lambda: bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 60))),
    ]
    for i in range(90):
        send(msg([(300, r4(20 + i % 7)), (301, r6(20 + i % 5))], seq=seq))
        seq += 2
        n4 += 1
        n6 += 1
        send(bads[i % len(bads)]())
elif what == "restart":
    # No template in the stream: the saved ones must do.
    send(msg([(300, r4(30) + r4(31)), (301, r6(30))], seq=1000))
    n4, n6 = 2, 1
elif what == "v5":
    send(msg([(2, tpl(300, V4) + tpl(301, V6)), (300, r4(0) + r4(1)), (301, r6(0) + r6(1) + r6(2))]))
    n4, n6 = 2, 3
elif what == "flood":
    socks = []
    for k in range(60):
        t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        t.bind(("127.0.%d.%d" % (k // 200 + 1, k % 200 + 2), 0))
        socks.append(t)
    f = [(1000 + j, 4) for j in range(120)]
    for t in socks:
        for base in range(256, 2256, 3):
            t.sendto(msg([(2, b"".join(tpl(tid, f) for tid in range(base, base + 3)))]), ("127.0.0.1", port))
print(n4, n6)
PY
}

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
# recvq_empty PORT: the collector has read everything sent to PORT.
recvq_empty() { wait_for "ss -Hlun 'sport = :$1' | awk '\$2 != 0 { exit 1 }'"; }

W=$TMP/w; mkdir -p "$W"
PORT=$(free_udp_port)
export NFCOLLECTD_TEST_MINUTE_SECONDS=1
start_collector "$PORT" "$TMP/log1" -p - -S 1 -w "$W" "0/0/$PORT"
unset NFCOLLECTD_TEST_MINUTE_SECONDS
set -- $(sender "$PORT" early)
e4=$1 e6=$2
recvq_empty "$PORT"
# -S: the decoder's counters per exporter (a "minute" is 1 s here).
wait_for "grep -q 'STAT-V9-IPFIX: .*src_ip=127.0.0.1 .*templates=2 .*no-template=2' $TMP/log1" &&
    pass "collector_ipfix_hostile: -S: $(grep -o 'STAT-V9-IPFIX:.*' "$TMP/log1" | tail -n 1)" ||
    fail "collector_ipfix_hostile: no STAT-V9-IPFIX line with the counters"
kill -0 "$CPID" 2>/dev/null && alive=1 || alive=0
stop "$CPID" TERM
[ "$alive" = 1 ] && pass "collector_ipfix_hostile: alive after 90 malformed v9/IPFIX datagrams" ||
    fail "collector_ipfix_hostile: collector died: $(tail -n 3 "$TMP/log1")"
set -- "$W"/ipfix-v10.*
$FLOWS ours "$@" >"$TMP/early" 2>"$TMP/err" ||
    fail "collector_ipfix_hostile: cannot read the IPFIX file: $(cat "$TMP/err")"
g4=$(awk '$1 == 4' "$TMP/early" | wc -l | tr -d ' ')
g6=$(awk '$1 == 6' "$TMP/early" | wc -l | tr -d ' ')
[ "$g4 $g6" = "$e4 $e6" ] &&
    pass "collector_ipfix_hostile: every valid flow stored, data before its template included (v4 $g4, v6 $g6)" ||
    fail "collector_ipfix_hostile: stored v4 $g4 v6 $g6, sent $e4 $e6"
grep -q '10\.0\.0\.0 192\.168\.0\.1 1000 80 6 1 100 ' "$TMP/early" &&
    pass "collector_ipfix_hostile: early flow's fields intact" ||
    fail "collector_ipfix_hostile: early flow not found as sent"
for r in no-template set-length field-length template-empty; do
	grep "v9/IPFIX problems since the last report" "$TMP/log1" | grep -q " $r=" ||
	    { fail "collector_ipfix_hostile: no '$r' in the problem summary"; r=; break; }
done
[ -n "$r" ] && pass "collector_ipfix_hostile: problems summarised by reason: $(grep -o 'v9/IPFIX problems.*' "$TMP/log1" | head -n 1)"
grep -q "datagrams rejected since the last report, number by reason:.*v9-ipfix-header=" "$TMP/log1" &&
    pass "collector_ipfix_hostile: refused headers counted as v9-ipfix-header" ||
    fail "collector_ipfix_hostile: no v9-ipfix-header rejects in the log"
[ -f "$W/.nfcollectd-templates" ] && pass "collector_ipfix_hostile: templates saved at exit" ||
    fail "collector_ipfix_hostile: no $W/.nfcollectd-templates"

# Restart: data at once, from the saved templates.
rm -f "$W"/ipfix-v10.*
start_collector "$PORT" "$TMP/log2" -p - -w "$W" "0/0/$PORT"
set -- $(sender "$PORT" restart)
e4=$1 e6=$2
recvq_empty "$PORT"
stop "$CPID" TERM
set -- "$W"/ipfix-v10.*
g=$($FLOWS ours "$@" 2>/dev/null | wc -l | tr -d ' ')
grep -q "templates: [0-9]* loaded" "$TMP/log2" && [ "$g" = $((e4 + e6)) ] &&
    pass "collector_ipfix_hostile: restart: $(grep -o 'templates: [0-9]* loaded' "$TMP/log2"), $g flows stored without a template in the stream" ||
    fail "collector_ipfix_hostile: restart: stored $g of $((e4 + e6)); $(grep templates: "$TMP/log2")"
# A link planted under the template file's name is not followed.
echo x >"$TMP/target"
rm -f "$W/.nfcollectd-templates"
ln -s "$TMP/target" "$W/.nfcollectd-templates"
start_collector "$PORT" "$TMP/log3" -p - -w "$W" "0/0/$PORT"
stop "$CPID" TERM
grep -q "templates: .*not loaded" "$TMP/log3" && [ "$(cat "$TMP/target")" = x ] &&
    pass "collector_ipfix_hostile: a symlinked template file is neither read nor written through" ||
    fail "collector_ipfix_hostile: symlinked template file: $(grep templates: "$TMP/log3")"

# A crash (SIGKILL) after a flush: the next start finishes the IPFIX
# tmp- file with every flushed flow.
WC=$TMP/wc; mkdir -p "$WC"
start_collector "$PORT" "$TMP/logc" -p - -F 1 -w "$WC" "0/0/$PORT"
set -- $(sender "$PORT" v5)
ec=$(($1 + $2))
flushed() { [ "$($FLOWS ours "$WC"/tmp-v10.* 2>/dev/null | wc -l)" -eq "$ec" ]; }
wait_for flushed || fail "collector_ipfix_hostile: crash: $ec flows never flushed"
stop "$CPID" KILL
start_collector "$PORT" "$TMP/logc2" -p - -w "$WC" "0/0/$PORT"
# Recovery runs after the socket is bound: wait for its verdict.
wait_for "grep -q 'recover' $TMP/logc2"
stop "$CPID" TERM
set -- "$WC"/ipfix-v10.*
g=$($FLOWS ours "$@" 2>/dev/null | wc -l | tr -d ' ')
[ "$g" = "$ec" ] && ! ls "$WC"/tmp-* "$WC"/rec-* >/dev/null 2>&1 &&
    pass "collector_ipfix_hostile: crash: the IPFIX tmp- file recovered with its $g flows" ||
    fail "collector_ipfix_hostile: crash: recovered $g of $ec flows: $(ls "$WC"); $(grep recover "$TMP/logc2")"

# Fan-out: accepted v9/IPFIX datagrams are forwarded like v5 ones; a
# second collector behind -f stores the same flows.
WA=$TMP/wa WB=$TMP/wb; mkdir -p "$WA" "$WB"
PB=$(free_udp_port)
start_collector "$PB" "$TMP/logb" -p - -w "$WB" "0/0/$PB"
BPID=$CPID
start_collector "$PORT" "$TMP/loga" -p - -f "127.0.0.1:$PB" -w "$WA" "0/0/$PORT"
set -- $(sender "$PORT" v5)
ef=$(($1 + $2))
recvq_empty "$PORT"
stop "$CPID" TERM
recvq_empty "$PB"
stop "$BPID" TERM
ga=$($FLOWS ours "$WA"/ipfix-v10.* 2>/dev/null | sort)
gb=$($FLOWS ours "$WB"/ipfix-v10.* 2>/dev/null | sort)
[ -n "$ga" ] && [ "$ga" = "$gb" ] && [ "$(echo "$gb" | wc -l)" = "$ef" ] &&
    pass "collector_ipfix_hostile: fan-out: the collector behind -f stored the same $ef flows" ||
    fail "collector_ipfix_hostile: fan-out: $(echo "$ga" | wc -l) flows here, $(echo "$gb" | wc -l) behind -f (want $ef)"

# -V 5: IPv4 into ft-v05, IPv6 counted.
W5=$TMP/w5; mkdir -p "$W5"
start_collector "$PORT" "$TMP/log5" -p - -V 5 -w "$W5" "0/0/$PORT"
set -- $(sender "$PORT" v5)
e4=$1 e6=$2
recvq_empty "$PORT"
stop "$CPID" TERM
n=$(ft_records "$W5"/ft-v05.*)
[ "$n" = "$e4" ] && ! ls "$W5"/ipfix-* >/dev/null 2>&1 &&
    grep -q "IPv6 flows not storable in v5 files (-V 5) since the last report: $e6" "$TMP/log5" &&
    pass "collector_ipfix_hostile: -V 5: $n IPv4 flows in ft-v05, $e6 IPv6 flows counted and logged" ||
    fail "collector_ipfix_hostile: -V 5: $n ft records (want $e4); $(grep -i 'not storable' "$TMP/log5")"

# Template flood: 60 sources x 2000 template ids of 120 fields, -X 16.
WF=$TMP/wf; mkdir -p "$WF"
start_collector "$PORT" "$TMP/logf" -p - -X 16 -w "$WF" "0/0/$PORT"
before=$(rss "$CPID")
sender "$PORT" flood >/dev/null
recvq_empty "$PORT"
after=$(rss "$CPID")
stop "$CPID" TERM
lim=$(grep -o 'template-limit=[0-9]*' "$TMP/logf" | head -n 1)
exl=$(grep -o 'exporter-limit=[0-9]*' "$TMP/logf" | head -n 1)
echo "# template flood: VmRSS $before kB -> $after kB; $lim $exl"
# The limits allow 16 x 64 templates of 120 fields (12 bytes each): 1.5 MB.
# Under ASan the freed (refused) templates sit in its quarantine, so the
# resident size says nothing about our heap there: only the counts count.
bound=16384
case $NFCOLLECTD in */asan/*) bound=1000000 ;; esac
[ $((after - before)) -lt "$bound" ] && [ -n "$lim" ] && [ -n "$exl" ] &&
    pass "collector_ipfix_hostile: template flood: VmRSS +$((after - before)) kB, $lim, $exl" ||
    fail "collector_ipfix_hostile: template flood: VmRSS $before -> $after kB, '$lim' '$exl'"
finish
