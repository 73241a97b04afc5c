#!/bin/sh
# -u privilege drop in both daemons, end to end.  nfcollectd -u nobody
# (spool directory owned by nobody) and nfsensord -u nobody capturing live
# on lo and exporting to it.  For each daemon /proc/PID/status must show
# real, effective, saved and filesystem uid and gid of nobody, no
# supplementary groups other than nobody's own, and no effective
# capabilities; and after the drop the sensor must still capture and
# export and the collector still write: 30 test flows end up in a finished
# file that nfreport reads.
. "$(dirname "$0")/../lib.sh"
need fault_privdrop python3 ss || finish
need_built fault_privdrop "$NFSENSORD" "$NFCTL" "$NFCOLLECTD" "$NFREPORT" || finish
[ "$(id -u)" = 0 ] || { skip "fault_privdrop: needs root to drop privileges"; finish; }
id nobody >/dev/null 2>&1 || { skip "fault_privdrop: no user nobody"; finish; }
NUID=$(id -u nobody) NGID=$(id -g nobody)
K=30

# check_ids NAME PID: the process runs as nobody with nothing extra.
check_ids() {
	st=/proc/$2/status
	[ -r "$st" ] || { fail "fault_privdrop: $1: no $st"; return; }
	u=$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' "$st")
	g=$(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' "$st")
	grp=$(awk '$1 == "Groups:" { $1 = ""; print }' "$st" | tr -s ' ' | sed 's/^ //; s/ $//')
	cap=$(awk '$1 == "CapEff:" { print $2 }' "$st")
	echo "MEASURED: fault_privdrop: $1 pid=$2 Uid=[$u] Gid=[$g] Groups=[$grp] CapEff=$cap"
	if [ "$u" = "$NUID $NUID $NUID $NUID" ] && [ "$g" = "$NGID $NGID $NGID $NGID" ] &&
	    { [ -z "$grp" ] || [ "$grp" = "$NGID" ]; } &&
	    [ "$cap" = 0000000000000000 ]; then
		pass "fault_privdrop: $1 runs as nobody ($NUID/$NGID), no groups, no capabilities"
	else
		fail "fault_privdrop: $1: Uid [$u] Gid [$g] Groups [$grp] CapEff $cap"
	fi
}

# The test directory is root's 0700 mktemp dir: let nobody through.
chmod 755 "$TMP"
mkdir -p "$TMP/spool"
chown nobody "$TMP/spool"
cport=$(free_udp_port)
tport=$(free_udp_port)
if ! start_collector "$cport" "$TMP/collector.log" -u nobody \
    -p "$TMP/c.pid" -w "$TMP/spool" "127.0.0.1/0/$cport"; then
	fail "fault_privdrop: collector did not start: $(head -n 3 "$TMP/collector.log")"
	finish
fi
cpid=$CPID
start_sensor fault_privdrop -u nobody -i lo -n "127.0.0.1:$cport" -t udp=1 \
    -t expint=1 "udp and dst port $tport"
# Both drop privileges after their socket appears: wait for the drop.
wait_for "grep -q '^Uid:[[:space:]]*$NUID[[:space:]]' /proc/$cpid/status &&
    grep -q '^Uid:[[:space:]]*$NUID[[:space:]]' /proc/$spid/status"
check_ids nfcollectd "$cpid"
check_ids nfsensord "$spid"

python3 - "$tport" "$K" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
socks = []	# all open at once: distinct source ports, distinct flows
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"x" * 20, ("127.0.0.1", port))
    socks.append(s)
for s in socks:
    s.close()
PY
stat() { "$NFCTL" -c "$TMP/s.ctl" statistics 2>/dev/null |
    sed -n "s/^$1  *\([0-9][0-9]*\)\$/\1/p" | head -n 1; }
wait_for "[ \"\$(stat 'Flows exported')\" -ge $K ]" ||
    fail "fault_privdrop: sensor exported $(stat 'Flows exported') of $K flows after the drop"
sleep 0.5
"$NFCTL" -c "$TMP/s.ctl" shutdown >/dev/null 2>&1
stop "$spid" TERM
stop "$cpid" TERM
owner=$(find "$TMP/spool" -name "ft-*" -exec stat -c %U {} + | sort -u | tr "\n" " " | sed "s/ $//")
n=$("$NFREPORT" -q "$TMP/spool" 2>"$TMP/report.err" | grep -c ' -> ')
echo "MEASURED: fault_privdrop: flows_sent=$K stored_read_by_nfreport=$n file_owner=$owner"
[ "$n" = $K ] && pass "fault_privdrop: capture, export and writing work after the drop ($K flows, files owned by $owner)" ||
    fail "fault_privdrop: nfreport read $n of $K flows (files: $(ls "$TMP/spool"); $(head -n 2 "$TMP/report.err"))"
finish
