#!/bin/sh
# Bounded memory: nfsensord -m 1000 fed a capture of 1,000,000 distinct
# one-way flows (tests/tools/fault_flows.c).  -m counts conversations, as
# softflowd's does, so the flow table must stay at 2000 one-way flows
# (peak RSS no higher than on a 10,000-flow capture, plus slack), every
# flow must be exported (998,000 of them by forced expiry, counted),
# and nfcollectd must store all 1,000,000 with the right packet and byte
# totals.
#
# The sensor reads the file as fast as it can and so exports about a
# million flows per second; the collector gets -B 128M so that the kernel
# socket buffer can hold the whole burst (with 4 MiB, the default then, 10-30 %
# of the datagrams were dropped by the kernel, see docs/RELIABILITY.md).
# The socket's own drop counter (/proc/net/udp) is reported either way.
. "$(dirname "$0")/../lib.sh"
need fault_maxflows python3 || finish
GEN=$ROOT/build/tools/fault_flows
need_built fault_maxflows "$GEN" "$FTDUMP" "$NFSENSORD" "$NFCOLLECTD" || finish
N=1000000

# rss FILE CMD...: run CMD, write "rc peak_rss_kB" (ru_maxrss) to FILE.
rss() {
	python3 -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=f)' "$@"
}

"$GEN" -n 10000 "$TMP/small.pcap" && "$GEN" -n $N "$TMP/big.pcap" ||
    { fail "fault_maxflows: generator failed"; finish; }

rss "$TMP/rss0" "$NFSENSORD" -m 1000 -r "$TMP/small.pcap" -c "$TMP/s0.ctl" \
    -p "$TMP/s0.pid" >/dev/null 2>&1
set -- $(cat "$TMP/rss0")
rss_small=${2:-0}

start_spool_collector -B 134217728
start=$(date +%s.%N)
rss "$TMP/rss1" "$NFSENSORD" -m 1000 -r "$TMP/big.pcap" -n "127.0.0.1:$port" \
    -c "$TMP/s1.ctl" -p "$TMP/s1.pid" 2>"$TMP/sensor.err" >"$TMP/sensor.out"
set -- $(cat "$TMP/rss1")
src=${1:-1} rss_big=${2:-0}
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
# Let the collector drain its buffer, then read its drop counter.
drops=$(udp_drain_drops "$port")
stop "$cpid" TERM

stat() { sed -n "s/^$1 *\([0-9][0-9]*\)\$/\1/p" "$TMP/sensor.out" | head -n 1; }
processed=$(stat 'Packets processed')
exported=$(stat 'Flows exported')
forced=$(stat 'Flows expired (forced, table full)')
failures=$(stat 'Export failures')
set -- $("$FTDUMP" -s "$TMP"/spool/ft-* 2>/dev/null | awk '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); t[kv[1]] += kv[2] } }
    END { printf "%d %d %d\n", t["records"], t["packets"], t["bytes"] }')
stored=${1:-0} spk=${2:-0} sby=${3:-0}

echo "MEASURED: fault_maxflows: flows=$N processed=$processed exported=$exported forced=$forced send_failures=$failures stored=$stored packets=$spk bytes=$sby lost=$((N - stored)) socket_drops=$drops peak_rss_kB=$rss_big peak_rss_10k_kB=$rss_small sensor_seconds=$secs"

[ "$src" = 0 ] && pass "fault_maxflows: sensor exits 0" ||
    fail "fault_maxflows: sensor exited $src: $(head -n 3 "$TMP/sensor.err")"
[ "$processed" = $N ] && [ "$exported" = $N ] &&
    pass "fault_maxflows: all $N flows exported" ||
    fail "fault_maxflows: processed $processed, exported $exported of $N"
[ "$forced" = $((N - 2000)) ] &&
    pass "fault_maxflows: $forced forced expiries counted" ||
    fail "fault_maxflows: forced expiries $forced, expected $((N - 2000))"
[ "$stored" = $N ] && [ "$spk" = $N ] && [ "$sby" = $((28 * N)) ] &&
    pass "fault_maxflows: collector stored all $N flows (packets, bytes match)" ||
    fail "fault_maxflows: stored $stored flows $spk packets $sby bytes of $N (socket drops $drops, send failures $failures)"
# Bounded: the 1M-flow run may not need more than the 10k-flow run plus
# 4 MiB (allocator and libpcap buffers), and never more than 64 MiB.
if [ "$rss_big" -gt 0 ] && [ "$rss_big" -le $((rss_small + 4096)) ] &&
    [ "$rss_big" -le 65536 ]; then
	pass "fault_maxflows: peak RSS ${rss_big} kB (10k flows: ${rss_small} kB)"
else
	fail "fault_maxflows: peak RSS ${rss_big} kB, 10k flows ${rss_small} kB"
fi
finish
