#!/bin/sh
# make soak: the whole pipeline under steady live traffic for SOAK_MINUTES
# (default 20), outside make check.
#
# In a network namespace of its own (nfk-soak-PID) with a veth pair,
# tcpreplay loops a capture into one end at SOAK_PPS packets per second
# (default 5000), with --unique-ip so every loop makes new flows.
# nfsensord captures on the other end and exports IPFIX over the
# namespace's loopback to nfcollectd, which rotates its file every minute
# (the test clock NFCOLLECTD_TEST_ROTATE_SECONDS=60) and writes a STAT line
# every 10 s (NFCOLLECTD_TEST_MINUTE_SECONDS=10 with -S 1).  Every 10 s the
# script samples both daemons' VmRSS and open descriptors, polls
# `nfctl -j statistics`, and runs nfreport over the open tmp- file (-a) and
# every finished file.  At the end: replay stopped, sensor paused
# (stop-gather) and emptied (expire-all), collector drained, both stopped
# cleanly (shutdown, SIGTERM), one last nfreport over the finished files.
#
# Pass, all of:
#  * flat: for each daemon, after the warm-up (SOAK_WARMUP minutes, default
#    a quarter of the run, at least 1), the samples are split into a first
#    and a second half; the maximum RSS of the second half must not exceed
#    the maximum of the first half by more than max(1 MiB, 2%), and the
#    maximum descriptor count of the second half must not exceed the first
#    half's maximum (no slack: descriptors are counted exactly).
#  * no loss: flows the sensor exported (flows_exported after expire-all,
#    no export failures) = flows the collector decoded (its last STAT line)
#    = flows nfreport reads from the finished files; the collector counts no
#    sequence loss and no kernel drops.
#  * every nfreport run exits 0 with nothing on stderr (no "damaged" file),
#    over the open tmp- file as over the finished ones.
#
# Samples go to build/soak/samples.tsv, the summary to build/soak/result.txt
# (and stdout); logs and the spool stay in build/soak/ for a look afterwards.
# Needs root (namespace), ip, tcpreplay and python3.  The capture: one made
# by ../shared/tools/pcapgen (varied TCP/UDP/ICMP, IPv6, VLAN) when ../shared
# is there, else tests/data/demo.pcap.  Every process started here is
# stopped by PID.
. "$(dirname "$0")/lib.sh"
MIN=${SOAK_MINUTES:-20}
PPS=${SOAK_PPS:-5000}
WARM=${SOAK_WARMUP:-$(((MIN + 3) / 4))}
[ "$WARM" -ge 1 ] || WARM=1
OUT=$ROOT/build/soak
need soak ip tcpreplay python3 || finish
[ "$(id -u)" = 0 ] || { skip "soak: needs root for a network namespace"; finish; }
[ "$MIN" -gt "$WARM" ] || { fail "soak: SOAK_MINUTES=$MIN must exceed the warm-up ($WARM)"; finish; }

# Our own copy of the programs: a rebuild during the run changes nothing.
rm -rf "$OUT"
mkdir -p "$OUT/bin" "$OUT/spool"
for p in "$NFSENSORD" "$NFCTL" "$NFCOLLECTD" "$NFREPORT"; do
	[ -x "$p" ] || { fail "soak: $p not built"; finish; }
	cp "$p" "$OUT/bin/"
done
SD=$OUT/bin/nfsensord CTL=$OUT/bin/nfctl CD=$OUT/bin/nfcollectd RP=$OUT/bin/nfreport

if [ -d "$SHARED/tools" ]; then
	cc -O2 -o "$OUT/bin/pcapgen" "$SHARED/tools/pcapgen.c" -lm ||
	    { fail "soak: cannot build pcapgen"; finish; }
	PCAP=$OUT/replay.pcap
	# 20,000 packets, about 5,100 flows: a loop lasts 4 s at 5000 pps.
	"$OUT/bin/pcapgen" -o "$PCAP" -n 20000 -s 12 -d 20 >/dev/null ||
	    { fail "soak: pcapgen"; finish; }
else
	echo "soak: ../shared not present: replaying tests/data/demo.pcap"
	PCAP=$ROOT/tests/data/demo.pcap
fi

NS=nfk-soak-$$ VA=nsa$$ VB=nsb$$
ip netns add "$NS" || { skip "soak: cannot create a network namespace here"; finish; }
trap 'cleanup; ip netns del "$NS" 2>/dev/null' EXIT INT TERM
inns() { ip netns exec "$NS" "$@"; }
inns ip link add "$VA" type veth peer name "$VB" || { fail "soak: veth"; finish; }
# No IPv6 on the links: no router or neighbour solicitations of their own.
inns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
inns ip link set lo up
inns ip link set "$VA" up
inns ip link set "$VB" up

PORT=$(inns python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
NFCOLLECTD_TEST_ROTATE_SECONDS=60 NFCOLLECTD_TEST_MINUTE_SECONDS=10 \
    ip netns exec "$NS" "$CD" -D -S 1 -p "$OUT/nfcollectd.pid" -w "$OUT/spool" \
    "127.0.0.1/0/$PORT" 2>"$OUT/collector.log" &
CPID=$!; PIDS="$PIDS $CPID"
wait_for "inns ss -Hlun 'sport = :$PORT' | grep -q ." ||
    { fail "soak: nfcollectd did not start: $(cat "$OUT/collector.log")"; finish; }

# Short timeouts, so the flow table reaches its steady size in a minute.
# Background daemons go through ip netns exec directly (it execs): $! is
# their PID, not a subshell's, and a subshell would also start them with
# SIGINT ignored.
ip netns exec "$NS" "$SD" -d -i "$VB" -c "$OUT/ctl" -p "$OUT/nfsensord.pid" -v 10 -m 131072 \
    -t tcp=60 -t udp=30 -t icmp=30 -t general=30 -t tcp.fin=10 \
    -t tcp.rst=10 -t expint=5 -n "127.0.0.1:$PORT" >"$OUT/sensor.log" 2>&1 &
SPID=$!; PIDS="$PIDS $SPID"
wait_for "[ -S '$OUT/ctl' ]" ||
    { fail "soak: nfsensord did not start: $(cat "$OUT/sensor.log")"; finish; }

ip netns exec "$NS" tcpreplay -K --loop=0 --unique-ip --pps="$PPS" \
    --duration=$((MIN * 60)) -i "$VA" "$PCAP" >"$OUT/tcpreplay.log" 2>&1 &
RPID=$!; PIDS="$PIDS $RPID"

# stats KEY...: the sensor's counters, one line, in the order asked.
stats() {
	inns "$CTL" -c "$OUT/ctl" -j statistics | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(str(d[k]) for k in sys.argv[1:]))' "$@"
}
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
fds() { ls "/proc/$1/fd" | wc -l; }
# laststat FIELD: FIELD= of the collector's last STAT-V9-IPFIX line.
laststat() {
	awk -v f="$1" '/STAT-V9-IPFIX:/ { for (i = 1; i <= NF; i++)
	    if (index($i, f "=") == 1) v = substr($i, length(f) + 2) } END { print v + 0 }' \
	    "$OUT/collector.log"
}
# flows_in ARGS...: flows nfreport reads (its stderr to $OUT/report.err);
# prints "FLOWS RC".  One line per flow would cost seconds a run at the end:
# -s proto prints one row per protocol with its flow count.
flows_in() {
	"$RP" -q -o csv -s proto -n 300 "$@" >"$OUT/report.out" 2>"$OUT/report.err"
	_rc=$?
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "flows") c = i; next }
	    c { n += $c } END { printf "%d ", n }' "$OUT/report.out"
	echo "$_rc"
}

printf 't_s\tsensor_rss_kb\tsensor_fds\tcoll_rss_kb\tcoll_fds\tflows_exported\tactive_flows\tpcap_drop\tcoll_flows\tcoll_lost\tfinished_files\treport_flows\treport_rc\n' \
    >"$OUT/samples.tsv"
REPORTS=0 REPORT_BAD=0
START=$(date +%s)
END=$((START + MIN * 60))
while :; do
	now=$(date +%s)
	[ "$now" -ge "$END" ] && break
	gone "$SPID" && { fail "soak: nfsensord died: $(tail -3 "$OUT/sensor.log")"; break; }
	gone "$CPID" && { fail "soak: nfcollectd died: $(tail -3 "$OUT/collector.log")"; break; }
	gone "$RPID" && [ $((END - now)) -ge 10 ] &&
	    { fail "soak: tcpreplay ended early: $(cat "$OUT/tcpreplay.log")"; break; }
	s=$(stats flows_exported active_flows pcap_dropped 2>/dev/null) || s="- - -"
	nfin=$(find "$OUT/spool" -name 'ipfix-*' -type f | wc -l)
	r=$(flows_in -a "$OUT/spool")
	REPORTS=$((REPORTS + 1))
	if [ "${r#* }" != 0 ] || [ -s "$OUT/report.err" ]; then
		REPORT_BAD=$((REPORT_BAD + 1))
		echo "soak: nfreport at $((now - START)) s: exit ${r#* }: $(head -3 "$OUT/report.err")"
	fi
	printf '%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $((now - START)) \
	    "$(rss "$SPID")" "$(fds "$SPID")" "$(rss "$CPID")" "$(fds "$CPID")" \
	    "$(echo "$s" | tr ' ' '\t')" "$(laststat flows)" "$(laststat lost)" \
	    "$nfin" "$(echo "$r" | tr ' ' '\t')" >>"$OUT/samples.tsv"
	sleep $((10 - ($(date +%s) - now) % 10))
done

# The end: no more packets, every flow out of the sensor and into a file.
# tcpreplay stops by itself (--duration); it prints its statistics then.
wait_for "gone $RPID" || kill -TERM "$RPID"
wait "$RPID"
inns "$CTL" -c "$OUT/ctl" stop-gather >/dev/null
inns "$CTL" -c "$OUT/ctl" expire-all >/dev/null
set -- $(stats flows_exported active_flows export_failures pcap_received \
    pcap_dropped packets flows_forced) - - - - - - -
EXPORTED=$1 ACTIVE=$2 EXFAIL=$3 PRECV=$4 PDROP=$5 PKTS=$6 FORCED=$7
t0=$(date +%s)
wait_for "inns ss -Hlun 'sport = :$PORT' | awk '\$2 != 0 { q = 1 } END { exit q }'" ||
    fail "soak: the collector did not read its socket empty"
# A STAT line written after the drain says what the collector decoded.
wait_for "awk '/STAT-V9-IPFIX:/ { sub(/.*now=/, \"\"); sub(/ .*/, \"\"); t = \$0 } END { exit !(t > $t0) }' '$OUT/collector.log'" ||
    fail "soak: no STAT line from the collector after the drain"
CFLOWS=$(laststat flows) CLOST=$(laststat lost)
KDROPS=$(awk '/totals:/ { for (i = 1; i <= NF; i++) if ($i ~ /^kernel_drops=/) v = substr($i, 14) } END { print v + 0 }' "$OUT/collector.log")
WDROP=$(awk '/totals:/ { for (i = 1; i <= NF; i++) if ($i ~ /^write_dropped=/) v = substr($i, 15) } END { print v + 0 }' "$OUT/collector.log")
END_S="$(rss "$SPID") $(fds "$SPID") $(rss "$CPID") $(fds "$CPID")"
inns "$CTL" -c "$OUT/ctl" shutdown >/dev/null
wait "$SPID"; SRC=$?
kill -TERM "$CPID"; wait "$CPID"; CRC=$?
PIDS=""
[ "$SRC" = 0 ] || fail "soak: nfsensord exit $SRC"
[ "$CRC" = 0 ] || fail "soak: nfcollectd exit $CRC"

set -- $(flows_in "$OUT/spool")
STORED=$1
REPORTS=$((REPORTS + 1))
if [ "$2" != 0 ] || [ -s "$OUT/report.err" ]; then
	REPORT_BAD=$((REPORT_BAD + 1))
	echo "soak: final nfreport: exit $2: $(head -3 "$OUT/report.err")"
fi
NFILES=$(find "$OUT/spool" -name 'ipfix-*' -type f | wc -l)
NTMP=$(find "$OUT/spool" -name 'tmp-*' | wc -l)

# flat COLUMN SLACK_KB SLACK_PCT: the rule above over samples.tsv; prints
# "start warm end first-half-max second-half-max ok|GROWS".
flat() {
	awk -F'\t' -v c="$1" -v kb="$2" -v pct="$3" -v w=$((WARM * 60)) '
	    NR == 1 { next }
	    NR == 2 { start = $c }
	    $1 >= w { v[n++] = $c; if (!seen++) warm = $c }
	    END {
		h = int(n / 2); a = 0; b = 0
		for (i = 0; i < h; i++) if (v[i] > a) a = v[i]
		for (i = h; i < n; i++) if (v[i] > b) b = v[i]
		s = a * pct / 100; if (s < kb) s = kb
		printf "%s %s %s %s %s %s\n", start, warm, v[n - 1], a, b,
		    (n >= 4 && b <= a + s) ? "ok" : "GROWS"
	    }' "$OUT/samples.tsv"
}
{
	echo "soak: $MIN min at $PPS pps, warm-up $WARM min, capture $(basename "$PCAP"), $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "flat = after the warm-up, max of the 2nd half <= max of the 1st half (+ max(1 MiB, 2%) for RSS, +0 for fds)"
	printf '%-22s %10s %10s %10s %14s %14s %s\n' metric start warm-up end max-1st-half max-2nd-half verdict
	for m in "sensor RSS (KiB):2:1024:2" "sensor fds:3:0:0" \
	    "collector RSS (KiB):4:1024:2" "collector fds:5:0:0"; do
		name=${m%%:*} rest=${m#*:}
		set -- $(flat $(echo "$rest" | tr ':' ' '))
		printf '%-22s %10s %10s %10s %14s %14s %s\n' "$name" "$1" "$2" "$3" "$4" "$5" "$6"
		[ "$6" = ok ] || fail "soak: $name grows after the warm-up"
	done
	echo "tcpreplay: $(grep -o 'Actual: .*' "$OUT/tcpreplay.log" | head -1)"
	echo "sensor: packets $PKTS, pcap received $PRECV, pcap dropped $PDROP, flows exported $EXPORTED (forced out of a full table $FORCED), export failures $EXFAIL, still active $ACTIVE"
	echo "collector: flows decoded $CFLOWS, lost by sequence $CLOST, kernel drops $KDROPS, write dropped $WDROP"
	echo "files: $NFILES finished, $NTMP tmp- left; flows read by nfreport $STORED"
	echo "nfreport runs: $REPORTS, failed or warned: $REPORT_BAD"
	echo "sampled end: sensor RSS/fds, collector RSS/fds: $END_S"
} | tee "$OUT/result.txt"
[ "$ACTIVE" = 0 ] || fail "soak: $ACTIVE flows still active after expire-all"
[ "$EXFAIL" = 0 ] || fail "soak: $EXFAIL export failures"
[ "$EXPORTED" -gt 0 ] && [ "$EXPORTED" = "$CFLOWS" ] && [ "$EXPORTED" = "$STORED" ] ||
    fail "soak: flows exported $EXPORTED, decoded $CFLOWS, stored $STORED"
[ "$CLOST" = 0 ] && [ "$KDROPS" = 0 ] && [ "$WDROP" = 0 ] ||
    fail "soak: lost $CLOST, kernel drops $KDROPS, write dropped $WDROP"
[ "$REPORT_BAD" = 0 ] || fail "soak: $REPORT_BAD nfreport runs failed or warned"
[ "$NTMP" = 0 ] || fail "soak: $NTMP tmp- files left after the collector stopped"
[ "$FAILED" = 0 ] && pass "soak: $MIN min, $EXPORTED flows exported and stored, RSS and fds flat"
echo "FAILED=$FAILED" >>"$OUT/result.txt"
finish
