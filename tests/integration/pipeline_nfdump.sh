#!/bin/sh
# Interop: nfsensord exports the same capture to real nfcapd (a collector no
# one here wrote) and to nfcollectd at once (-n twice); real nfdump's totals
# must equal our report's.
. "$(dirname "$0")/../lib.sh"
need pipeline_nfdump nfcapd nfdump || finish

run_one() {	# $1 = pcap, $2 = label
	d=$TMP/$2; n=$TMP/$2.nfcapd
	mkdir -p "$d" "$n"
	nport=$(free_udp_port)
	nfcapd -w "$n" -p "$nport" -b 127.0.0.1 -t 300 -B 4194304 >"$n.log" 2>&1 &
	npid=$!; PIDS="$PIDS $npid"
	wait_udp "$nport" || { fail "$2: nfcapd not listening"; return; }
	if ! pipeline "$1" "$d" -n "127.0.0.1:$nport"; then
		fail "$2: nfsensord failed: $(tail -n 3 "$d.log.sensor")"; return
	fi
	# nfcapd may leave what it has not read yet when stopped.
	wait_udp_read "$nport"
	stop "$npid" TERM
	theirs=$(nfdump -R "$n" -I 2>/dev/null | awk '
	    /^Flows:/ { f = $2 } /^Packets:/ { p = $2 } /^Bytes:/ { b = $2 }
	    END { printf "%s %s %s", f, p, b }')
	ours=$(report_totals "$d")
	[ "$ours" = "$theirs" ] && pass "$2: nfdump and nfreport agree: $ours (flows packets bytes)" ||
	    fail "$2: nfdump says '$theirs', nfreport says '$ours'"
}

run_one "$ROOT/tests/data/demo.pcap" demo
if have_shared pipeline_nfdump_shared; then
	run_one "$PCAPS/eth-ipv4-http-bro-org.pcap" bro-org
	run_one "$PCAPS/eth-ipv4-frag-afs.pcap" afs
	run_one "$PCAPS/eth-dns-v4v6-frag.pcap" dns-v4v6
fi
finish
