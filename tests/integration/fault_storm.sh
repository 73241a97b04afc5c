#!/bin/sh
# Malformed datagram storm: tests/tools/fault_storm sends, at full speed,
# 5,000 valid NetFlow v5 datagrams from a legitimate exporter (150,000
# flows, sequence without gaps) with 20 invalid datagrams after each one
# (100,000: random bytes, bad versions, counts, lengths, cut headers, v1/v7
# over their limits, oversize).  nfcollectd must survive, store every
# valid flow, count exactly the invalid datagrams as corrupt and no flow
# as lost.
#
# The collector gets -B 128M: at full speed the sender outruns any
# receiver for a moment, and a datagram the kernel drops for lack of
# buffer never reaches nfcollectd, so it would measure the buffer, not the
# collector.  The socket's drop counter (/proc/net/udp) must stay 0 for the
# verdict to hold; the run with the default buffer is measured in
# docs/RELIABILITY.md.  Run with NFKIT_BIN=build/asan for the ASan build.
. "$(dirname "$0")/../lib.sh"
need fault_storm python3 || finish
STORM=$ROOT/build/tools/fault_storm
need_built fault_storm "$STORM" "$FTDUMP" "$NFCOLLECTD" || finish
VALID=${STORM_VALID:-5000} RATIO=${STORM_RATIO:-20}

start_spool_collector -B 134217728
start=$(date +%s.%N)
"$STORM" -p "$port" -n "$VALID" -x "$RATIO" -s 1 >"$TMP/storm.out" ||
    fail "fault_storm: sender failed"
end=$(date +%s.%N)
drops=$(udp_drain_drops "$port")	# once the collector has read everything
alive=1
kill -0 "$cpid" 2>/dev/null || alive=0
stop "$cpid" TERM

sent_flows=$(sed -n 's/.*valid_flows=\([0-9]*\).*/\1/p' "$TMP/storm.out")
sent_bad=$(sed -n 's/.*invalid=\([0-9]*\).*/\1/p' "$TMP/storm.out")
"$FTDUMP" -h "$TMP"/spool/ft-* >"$TMP/hdr" 2>&1
hsum() { awk -F= -v k="$1" '$1 == k { t += $2 } END { print t + 0 }' "$TMP/hdr"; }
stored=$(hsum flows) corrupt=$(hsum corrupt) lost=$(hsum lost)
set -- $("$FTDUMP" -s "$TMP"/spool/ft-* | awk '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); t[kv[1]] += kv[2] } }
    END { printf "%d %d\n", t["records"], t["bytes"] }')
records=${1:-0} bytes=${2:-0}
dgs=$(awk -v a="$start" -v b="$end" -v n="$((VALID * (RATIO + 1)))" \
    'BEGIN { printf "%.0f", n / (b - a) }')

echo "MEASURED: fault_storm: valid_datagrams=$VALID valid_flows=$sent_flows invalid=$sent_bad datagrams_per_s=$dgs stored=$stored records_read=$records corrupt=$corrupt lost=$lost socket_drops=$drops"
[ "$alive" = 1 ] && pass "fault_storm: collector survived $((VALID * (RATIO + 1))) datagrams" ||
    fail "fault_storm: collector died (see $TMP/collector.log)"
if [ "${drops:-0}" != 0 ]; then
	fail "fault_storm: kernel dropped $drops datagrams despite -B 128M; verdict impossible"
else
	[ "$stored" = "$sent_flows" ] && [ "$records" = "$sent_flows" ] &&
	    [ "$bytes" = $((100 * sent_flows)) ] &&
	    pass "fault_storm: all $sent_flows valid flows stored" ||
	    fail "fault_storm: stored $stored (read $records, $bytes bytes) of $sent_flows valid flows"
	[ "$corrupt" = "$sent_bad" ] &&
	    pass "fault_storm: corrupt counter $corrupt = invalid datagrams sent" ||
	    fail "fault_storm: corrupt counter $corrupt, sent $sent_bad invalid"
	[ "$lost" = 0 ] && pass "fault_storm: no flow counted lost" ||
	    fail "fault_storm: $lost flows counted lost"
fi
finish
