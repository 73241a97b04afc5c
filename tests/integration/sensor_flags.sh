#!/bin/sh
# nfsensord's command line: every bad flag or value is one line naming the
# flag and the accepted form, exit 1, before anything starts; -h prints the
# usage, which is the man page's SYNOPSIS; -r with -m, -T, -s, -t and a BPF
# expression changes the counts as documented; without -d the daemon
# detaches, writes its pidfile and exports its flows on SIGTERM.
. "$(dirname "$0")/../lib.sh"
have_shared sensor_flags || finish
F=$PCAPS/eth-ipv4-frag-afs.pcap

bad() {	# expected-substring flags...
	want=$1; shift
	"$NFSENSORD" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q -- "$want" "$TMP/err" &&
	    [ ! -s "$TMP/out" ]; then
		pass "bad flags '$*': $(cat "$TMP/err")"
	else
		fail "bad flags '$*': exit $rc, stderr '$(cat "$TMP/err")'"
	fi
}
bad '-m x: expected a number' -r "$F" -m x
bad '-m 0: expected a number from 1' -r "$F" -m 0
bad '-t tcp.rst=abc: expected name=time' -r "$F" -t tcp.rst=abc
bad '-t bogus=5: expected name=time' -r "$F" -t bogus=5
bad '-T fancy: expected full, proto, ip, vlan' -r "$F" -T fancy
bad '-n 127.0.0.1: expected host:port' -r "$F" -n 127.0.0.1
bad '-n 127.0.0.1:70000' -r "$F" -n 127.0.0.1:70000
bad '-v 7: expected 5, 9, 10 (or ipfix)' -r "$F" -v 7
bad '-v IPFIX: expected 5, 9, 10 (or ipfix)' -r "$F" -v IPFIX
bad '-o mtu=100: expected a number from 512 to 65507' -r "$F" -o mtu=100
bad '-o mtu: expected name=value' -r "$F" -o mtu
bad '-o colour=1: expected name=value' -r "$F" -o colour=1
bad '-o template-secs=x: expected a number' -r "$F" -o template-secs=x
bad '-s 0: expected a number from 1' -r "$F" -s 0
bad '-e 300:1: expected type:id' -r "$F" -e 300:1
bad 'exactly one of -i interface and -r file' -m 10
bad 'exactly one of -i interface and -r file' -r "$F" -i lo
bad 'bad filter expression' -r "$F" 'port port'
bad 'nonexistent.pcap' -r "$TMP/nonexistent.pcap"

# -h: the usage is the man page's SYNOPSIS (compared without spacing,
# brackets, separators or mdoc macros).
"$NFSENSORD" -h 2>"$TMP/usage"
norm() { tr -d '[]|:= \n\t'; }
u=$(sed 's/^usage: //' "$TMP/usage" | norm)
m=$(awk '/^\.Sh SYNOPSIS/ { s = 1; next } /^\.Sh/ { s = 0 } s' "$ROOT/man/nfsensord.8" |
    sed -e 's/^\.Nm //' -e 's/^\.Op //' -e 's/Fl /-/g' -e 's/\(Ar\|Cm\|Ns\|Oo\|Oc\) //g' \
	-e 's/ \(Oc\|Ns\)//g' | norm)
[ "$u" = "$m" ] && pass "-h prints the man page's SYNOPSIS" ||
    fail "usage '$u' differs from SYNOPSIS '$m'"

# -r with options: counts change as documented.
total() {	# flags... : "flows packets" from the receiver
	rm -f "$TMP/port"
	"$RECV" -w "$TMP/port" -t 60000 -i 60000 >"$TMP/recv" &
	r=$!
	PIDS="$PIDS $r"
	wait_for "[ -s '$TMP/port' ]"
	"$NFSENSORD" -r "$F" -n "127.0.0.1:$(cat "$TMP/port")" "$@" >"$TMP/stats" 2>&1
	kill -TERM "$r"; wait "$r"
	awk '/^TOTAL/ { print $5, $7 }' "$TMP/recv"
}
set -- $(total)
full_f=$1 full_p=$2
set -- $(total -T ip)
[ "$2" = "$full_p" ] && [ "$1" -lt "$full_f" ] &&
    pass "-T ip: fewer flows ($1 < $full_f), same packets ($2)" || fail "-T ip: $1 $2"
set -- $(total -m 4)
forced=$(awk '/^Flows expired \(forced/ { print $NF }' "$TMP/stats")
[ "$2" = "$full_p" ] && [ "$forced" -gt 0 ] &&
    pass "-m 4: $forced forced expiries, no packet lost ($2)" || fail "-m 4: $1 $2 forced $forced"
set -- $(total -s 2)
[ "$2" = "$(( (full_p + 1) / 2 ))" ] && pass "-s 2: one packet in two counted ($2 of $full_p)" ||
    fail "-s 2: $2 packets of $full_p"
set -- $(total udp and not ip[6:2] '&' 0x1fff != 0)
[ "$2" -gt 0 ] && [ "$2" -lt "$full_p" ] && pass "BPF expression as trailing arguments: $2 packets" ||
    fail "BPF filter: $2 packets"
set -- $(total -t udp=1 -t expint=1)
[ "$2" = "$full_p" ] && [ "$1" -ge "$full_f" ] && pass "-t udp=1 -t expint=1: $1 flows, same packets" ||
    fail "-t udp=1: $1 $2"

# Without -d: detach, pidfile, SIGTERM exports.
if [ "$(id -u)" = 0 ]; then
	rm -f "$TMP/port"
	"$RECV" -w "$TMP/port" -t 60000 -i 60000 >"$TMP/recv" &
	r=$!
	PIDS="$PIDS $r"
	wait_for "[ -s '$TMP/port' ]"
	"$NFSENSORD" -i lo -c "$TMP/ctl" -p "$TMP/pid" -n "127.0.0.1:$(cat "$TMP/port")" \
	    "udp and port 9" >"$TMP/d.out" 2>&1
	rc=$?
	wait_for "[ -s '$TMP/pid' ]"
	dpid=$(cat "$TMP/pid")
	python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"z", ("127.0.0.1", 9))'
	wait_for "$NFCTL -c $TMP/ctl statistics | grep -q '^Packets processed: 1$'"
	kill -TERM "$dpid"
	wait_for "! kill -0 $dpid"
	kill -TERM "$r"; wait "$r"
	[ $rc = 0 ] && [ -n "$dpid" ] && [ ! -e "$TMP/pid" ] &&
	    [ "$(awk '/^TOTAL/ { print $5 }' "$TMP/recv")" = 1 ] &&
	    pass "daemon: detached (exit 0), pidfile $dpid, SIGTERM exported its flow" ||
	    fail "daemon: rc $rc pid '$dpid', $(cat "$TMP/recv" "$TMP/d.out")"
fi
finish
