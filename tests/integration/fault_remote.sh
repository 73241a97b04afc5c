#!/bin/sh
# The collector's remote-address restriction under load: two exporters,
# 127.0.0.1 and 127.0.0.2, each send 1,000 valid NetFlow v5 datagrams
# (30,000 flows) at the same time, at full speed.  With the spec
# 0/127.0.0.1/PORT only the first one's flows may be stored (exporter
# address of every record 127.0.0.1) and the other one's 1,000 datagrams
# must be counted (corrupt TLV in the header) and never stored; then the
# same with 0/127.0.0.2/PORT the other way round, so the filter is shown to
# select by address and not merely to prefer one.  The collector engineer's
# collector_malformed.sh checks the filter on a few datagrams; this is the
# concurrent, high-volume case.
. "$(dirname "$0")/../lib.sh"
need fault_remote python3 || finish
STORM=$ROOT/build/tools/fault_storm
need_built fault_remote "$STORM" "$FTDUMP" "$NFCOLLECTD" || finish
if ! python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).bind(("127.0.0.2", 0))' 2>/dev/null; then
	skip "fault_remote: cannot bind 127.0.0.2"; finish
fi
N=1000

# one ALLOWED OTHER: run a collector restricted to ALLOWED, both send.
one() {
	allowed=$1 other=$2 dir=$TMP/spool-$1
	mkdir -p "$dir"
	port=$(free_udp_port)
	start_collector "$port" "$dir.log" -B 134217728 -p "$dir.pid" -w "$dir" \
	    "0/$allowed/$port"
	cpid=$CPID
	"$STORM" -p "$port" -b 127.0.0.1 -n $N -x 0 -e 1 >"$dir.s1" &
	s1=$!
	"$STORM" -p "$port" -b 127.0.0.2 -n $N -x 0 -e 2 >"$dir.s2" &
	s2=$!
	wait $s1; wait $s2
	sleep 0.5
	drops=$(udp_sock_field "$port" 13)
	stop "$cpid" TERM
	"$FTDUMP" -h "$dir"/ft-* >"$dir.hdr" 2>&1
	"$FTDUMP" -r "$dir"/ft-* >"$dir.recs" 2>&1
	stored=$(awk -F= '$1 == "flows" { t += $2 } END { print t + 0 }' "$dir.hdr")
	corrupt=$(awk -F= '$1 == "corrupt" { t += $2 } END { print t + 0 }' "$dir.hdr")
	from_ok=$(grep -c "^$allowed " "$dir.recs")
	from_other=$(grep -c "^$other " "$dir.recs")
	echo "MEASURED: fault_remote: allowed=$allowed sent_each=$((N * 30)) stored=$stored from_allowed=$from_ok from_other=$from_other refused_counted=$corrupt socket_drops=$drops"
	if [ "$stored" = $((N * 30)) ] && [ "$from_ok" = $((N * 30)) ] &&
	    [ "$from_other" = 0 ]; then
		pass "fault_remote: $allowed/ only: its $((N * 30)) flows stored, none of $other"
	else
		fail "fault_remote: $allowed/: stored $stored, from $allowed $from_ok, from $other $from_other (drops ${drops:-?})"
	fi
	[ "$corrupt" = $N ] &&
	    pass "fault_remote: $allowed/: $N datagrams from $other counted" ||
	    fail "fault_remote: $allowed/: counted $corrupt refused, expected $N"
}
one 127.0.0.1 127.0.0.2
one 127.0.0.2 127.0.0.1
finish
