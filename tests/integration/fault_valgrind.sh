#!/bin/sh
# valgrind memcheck over an integration run of the daemons: nfcollectd
# (foreground), nfsensord -r on real captures exporting to it, then
# nfreport on the files written (flow lines, a filter, a top-N table and
# csv output).  Every program must finish with zero memcheck errors and
# zero bytes definitely lost.  Uses the normal build (valgrind and ASan do
# not mix), so it skips when NFKIT_BIN points at the sanitizer build.
. "$(dirname "$0")/../lib.sh"
need fault_valgrind valgrind python3 ss || finish
have_shared fault_valgrind || finish
case ${NFKIT_BIN:-} in *asan*) skip "fault_valgrind: ASan build (NFKIT_BIN) cannot run under valgrind"; finish ;; esac
need_built fault_valgrind "$NFSENSORD" "$NFCOLLECTD" "$NFREPORT" || finish
VG="valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite --track-fds=no --error-exitcode=99"
CAPS="eth-ipv4-http-wikipedia.pcap eth-dns-v4v6-frag.pcap sll-ipv4-tcp.pcap null-ipv4-redis.pcap eth-vlan-collisions.pcap malformed-kday4.pcap"

# verdict NAME LOG: errors and definite leaks from a valgrind log.
verdict() {
	errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$2" | tail -n 1)
	lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$2" | tail -n 1 | tr -d ,)
	lost=${lost:-0}
	echo "MEASURED: fault_valgrind: $1 errors=${errs:-?} definitely_lost_bytes=$lost"
	if [ "${errs:-x}" = 0 ] && [ "$lost" = 0 ]; then
		pass "fault_valgrind: $1: 0 errors, 0 bytes definitely lost"
	else
		fail "fault_valgrind: $1: ${errs:-?} errors, $lost bytes definitely lost (log $2):"
		grep -E '==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|[0-9,]+ bytes in)' "$2" | head -n 5
		cp "$2" "$ROOT/build/test-logs/" 2>/dev/null
	fi
}

mkdir -p "$TMP/spool"
port=$(free_udp_port)
bg $VG --log-file="$TMP/vg.collector" "$NFCOLLECTD" -D -p "$TMP/c.pid" \
    -w "$TMP/spool" "127.0.0.1/0/$port" 2>"$TMP/collector.log"
cpid=$LASTPID
wait_for "ss -Hlun 'sport = :$port' | grep -q ." || sleep 2
k=0	# (lib.sh's stop and wait_for use $i)
for c in $CAPS; do
	k=$((k + 1))
	$VG --log-file="$TMP/vg.sensor.$k" "$NFSENSORD" -r "$PCAPS/$c" \
	    -n "127.0.0.1:$port" -c "$TMP/s$k.ctl" -p "$TMP/s$k.pid" \
	    >"$TMP/sensor.$k.log" 2>&1
	rc=$?
	[ $rc = 0 ] || [ $rc = 99 ] ||
	    fail "fault_valgrind: nfsensord -r $c exited $rc: $(tail -n 2 "$TMP/sensor.$k.log")"
	verdict "nfsensord -r $c" "$TMP/vg.sensor.$k"
done
sleep 1
stop "$cpid" TERM
verdict "nfcollectd ($k sensor runs)" "$TMP/vg.collector"

k=0
for args in "-U" "-U -s srcip/bytes -n 5" "-U -o csv proto tcp or port 53" "-U -o json -A srcip,dstport"; do
	k=$((k + 1))
	# shellcheck disable=SC2086
	$VG --log-file="$TMP/vg.report.$k" "$NFREPORT" $args "$TMP/spool" \
	    >"$TMP/report.$k.out" 2>&1
	verdict "nfreport $args" "$TMP/vg.report.$k"
done
n=$("$NFREPORT" -q "$TMP/spool" | grep -c ' -> ')
[ "$n" -gt 0 ] && pass "fault_valgrind: the run stored $n flows" ||
    fail "fault_valgrind: nothing stored"
finish
