#!/bin/sh
# nfcollectd's flags beyond the basics: -E/-e expiry (at start and after a
# rotation), -R hook, -S STAT lines (with a test-only short "minute"),
# -z 0 / -b big / -C, daemon mode with its pidfile, -u privilege drop, and
# bad flags refused with one line naming the flag.
. "$(dirname "$0")/../lib.sh"
need collector_options cc python3 || finish
have_shared collector_options || finish
need_ftdump collector_options || finish
build_blast || finish
export TZ=UTC
EMPTY=$FTDATA/nested-berlin/2026/2026-11/2026-11-26/ft-v05.2026-11-26.190601+0100

start() {	# $1 = dir, $2 = log, more args
	_w=$1 _l=$2; shift 2
	PORT=$(free_udp_port)
	start_collector "$PORT" "$_l" -p - "$@" -w "$_w" "0/0/$PORT"
}

# -e 3: five old files (real 88-byte flow-capture files), three survive
# the start; after a new file is finished, still three, the oldest gone.
W=$TMP/exp; mkdir -p "$W/2020"
for d in 01 02 03 04 05; do cp "$EMPTY" "$W/2020/ft-v05.2020-01-$d.000000+0000"; done
echo junk >"$W/2020/ft-v05.2019-01-01.000000+0000"	# not a flow file: kept
start "$W" "$TMP/exp.log" -e 3
# The socket is bound before the expiry at start runs: wait for the expiry.
wait_for "[ ! -e '$W/2020/ft-v05.2020-01-02.000000+0000' ]"
left=$(cd "$W/2020" && ls ft-v05.2020* | tr '\n' ' ')
[ "$left" = "ft-v05.2020-01-03.000000+0000 ft-v05.2020-01-04.000000+0000 ft-v05.2020-01-05.000000+0000 " ] &&
    pass "-e 3: oldest two removed at start" || fail "-e 3 at start left: $left"
"$TMP/nfv5blast" -p "$PORT" -n 30 >/dev/null
wait_for "ls $W/tmp-v05.* >/dev/null 2>&1"
kill -HUP "$CPID"
# The writer renames the finished file, then expires: wait for both.
wait_for "ls $W/ft-v05.2* >/dev/null 2>&1 && [ ! -e '$W/2020/ft-v05.2020-01-03.000000+0000' ]"
left=$(cd "$W" && find . -name 'ft-v05.20*' ! -name '*2019*' | sort | tr '\n' ' ')
stop "$CPID" TERM
case $left in
"./2020/ft-v05.2020-01-04.000000+0000 ./2020/ft-v05.2020-01-05.000000+0000 ./ft-v05.$(date +%Y)"*)
	pass "-e 3: after a rotation the oldest went, the new file stayed" ;;
*)	fail "-e 3 after rotation: $left" ;;
esac
[ -e "$W/2020/ft-v05.2019-01-01.000000+0000" ] && pass "expiry leaves files that are not flow files" ||
    fail "expiry removed a non-flow file"

# -E 200: 88-byte files, two fit.
W=$TMP/expE; mkdir -p "$W"
for d in 01 02 03 04; do cp "$EMPTY" "$W/ft-v05.2020-01-$d.000000+0000"; done
start "$W" "$TMP/expE.log" -E 200
wait_for "[ ! -e '$W/ft-v05.2020-01-02.000000+0000' ]"
left=$(cd "$W" && ls ft-v05.* | tr '\n' ' ')
stop "$CPID" TERM
[ "$left" = "ft-v05.2020-01-03.000000+0000 ft-v05.2020-01-04.000000+0000 " ] &&
    pass "-E 200: oldest removed until the total fits" || fail "-E 200 left: $left"
"$NFCOLLECTD" -D -p - -E 1b -w "$TMP" 0/0/9 2>/dev/null &
p=$!; PIDS="$PIDS $p"; sleep 0.3
kill -0 "$p" 2>/dev/null && pass "-E accepts the b (512-byte block) suffix" || fail "-E 1b refused"
stop "$p" TERM

# -R: the program gets the finished file's path.
W=$TMP/hook; mkdir -p "$W"
cat >"$TMP/hook.sh" <<EOS
#!/bin/sh
echo "\$1" >>"$TMP/hook.out"
EOS
chmod +x "$TMP/hook.sh"
start "$W" "$TMP/hook.log" -R "$TMP/hook.sh"
"$TMP/nfv5blast" -p "$PORT" -n 30 >/dev/null
wait_for "ls $W/tmp-v05.* >/dev/null 2>&1"
stop "$CPID" TERM
wait_for "[ -s $TMP/hook.out ]"
f=$(ls "$W"/ft-v05.*)
[ "$(cat "$TMP/hook.out" 2>/dev/null)" = "$f" ] && pass "-R ran with the finished path" ||
    fail "-R: got '$(cat "$TMP/hook.out" 2>/dev/null)', want '$f'"

# -S 1 with a 2-second test "minute": STAT lines in flow-capture's format.
W=$TMP/stat; mkdir -p "$W"
NFCOLLECTD_TEST_MINUTE_SECONDS=2 start "$W" "$TMP/stat.log" -S 1
"$TMP/nfv5blast" -p "$PORT" -n 300 -c 30 >/dev/null
# The counters are totals since startup: wait for the line that counts all
# 10 datagrams (a "minute" may end after the first one was handled).
wait_for "grep -q 'STAT: .* pkts=10 ' $TMP/stat.log"
stop "$CPID" TERM
line=$(grep 'STAT: ' "$TMP/stat.log" | tail -n 1)
echo "$line" | grep -Eq 'STAT: now=[0-9]+ startup=[0-9]+ src_ip=127\.0\.0\.1 dst_ip=127\.0\.0\.1 d_ver=5 pkts=10 flows=300 lost=0 reset=0 filter_drops=0$' &&
    pass "-S: $line" || fail "-S line: '$line'"

# -z 0, -b big, -C: header and layout.
W=$TMP/fmt; mkdir -p "$W"
start "$W" "$TMP/fmt.log" -z 0 -b big -C "interop test"
"$TMP/nfv5blast" -p "$PORT" -n 30 >/dev/null
wait_for "ls $W/tmp-v05.* >/dev/null 2>&1"
stop "$CPID" TERM
f=$(ls "$W"/ft-v05.*)
h=$("$FTDUMP" -h "$f" | grep -E '^(byte_order|flags|flows|comment)=' | tr '\n' ' ')
hl=$("$FTDUMP" -h "$f" | sed -n 's/^hdr_len=//p')
sz=$(wc -c <"$f")
[ "$h" = "byte_order=2 flags=0x1 flows=30 comment=interop test " ] && [ "$sz" = $((hl + 30 * 64)) ] &&
    pass "-z 0 -b big -C: $h, $sz bytes = header + 30 raw records" || fail "-z 0 -b big -C: $h size $sz hdr $hl"

# Daemon mode: detaches, writes the pidfile, stops on SIGTERM.
W=$TMP/daemon; mkdir -p "$W"
PORT=$(free_udp_port)
"$NFCOLLECTD" -p "$TMP/d.pid" -w "$W" "0/0/$PORT" 2>"$TMP/d.log"
rc=$?
wait_for "[ -s $TMP/d.pid ]"
DPID=$(cat "$TMP/d.pid" 2>/dev/null)
[ -n "$DPID" ] && PIDS="$PIDS $DPID"
if [ "$rc" = 0 ] && [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
	pass "daemon mode: parent exited 0, daemon running with pidfile"
	"$TMP/nfv5blast" -p "$PORT" -n 60 >/dev/null
	wait_for "ls $W/tmp-v05.* >/dev/null 2>&1"
	kill -TERM "$DPID"
	wait_for "! kill -0 $DPID"
	[ "$("$FTDUMP" -s "$W"/ft-v05.* 2>/dev/null | sed 's/.*records=\([0-9]*\).*/\1/')" = 60 ] &&
	    [ ! -e "$TMP/d.pid" ] && pass "daemon mode: SIGTERM finished the file and removed the pidfile" ||
	    fail "daemon mode: after SIGTERM: $(ls "$W" "$TMP/d.pid" 2>&1)"
	# A second daemon on the same pidfile refuses to start.
else
	fail "daemon mode: rc=$rc pid=$DPID"
fi

# -u nobody: drops privileges after binding and still writes.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chmod 755 "$TMP"
	W=$TMP/user; mkdir -p "$W"; chmod 777 "$W"
	start "$W" "$TMP/user.log" -u nobody
	uid=$(awk '/^Uid:/ { print $2 }' /proc/"$CPID"/status 2>/dev/null)
	"$TMP/nfv5blast" -p "$PORT" -n 30 >/dev/null
	wait_for "ls $W/tmp-v05.* >/dev/null 2>&1"
	stop "$CPID" TERM
	[ "$uid" = "$(id -u nobody)" ] && [ "$("$FTDUMP" -s "$W"/ft-v05.* | sed 's/.*records=\([0-9]*\).*/\1/')" = 30 ] &&
	    pass "-u nobody: running as uid $uid, file written" || fail "-u nobody: uid '$uid', $(ls "$W")"
else
	skip "-u: not root or no user nobody"
fi

# IPv6: a ::1 spec receives from ::1; SIGQUIT finishes like SIGTERM.
if ip -6 addr show lo 2>/dev/null | grep -q '::1/128'; then
	W=$TMP/v6; mkdir -p "$W"
	PORT=$(free_udp_port)
	bg "$NFCOLLECTD" -D -p - -w "$W" "::1/::1/$PORT" 2>"$TMP/v6.log"
	CPID=$LASTPID
	wait_for "ss -Hlun 'sport = :$PORT' | grep -q ." || sleep 0.5
	"$TMP/nfv5blast" -H ::1 -p "$PORT" -n 90 >/dev/null
	wait_for "ls $W/tmp-v05.* >/dev/null 2>&1"
	stop "$CPID" QUIT
	[ "$("$FTDUMP" -s "$W"/ft-v05.* 2>/dev/null | sed 's/.*records=\([0-9]*\).*/\1/')" = 90 ] &&
	    grep -q "src_ip=::1" "$TMP/v6.log" &&
	    pass "IPv6 ::1/::1/port: 90 flows stored, exporter ::1; SIGQUIT finished the file" ||
	    fail "IPv6: $(ls "$W"); $(tail -n 3 "$TMP/v6.log")"
else
	skip "IPv6: no ::1 on lo"
fi

# Bad flags: exit 1 before starting, one line naming the flag.
ok=1
for args in "-z 10" "-b middle" "-N 4" "-E 12X" "-e 0" "-S 61" "-F x" "-B 1" "-X 0"; do
	out=$("$NFCOLLECTD" -D -p - $args -w "$TMP" 0/0/9 2>&1); rc=$?
	flag=${args%% *}
	lines=$(echo "$out" | grep -c .)
	if [ "$rc" != 1 ] || [ "$lines" != 1 ] || ! echo "$out" | grep -q -- "$flag"; then
		ok=0; echo "$args: rc=$rc: $out"
	fi
done
out=$("$NFCOLLECTD" -D -p - -w "$TMP" 0/0 2>&1); rc=$?
[ "$rc" = 1 ] && echo "$out" | grep -q "0/0" || { ok=0; echo "bad spec: rc=$rc: $out"; }
[ "$ok" = 1 ] && pass "bad flags refused: exit 1, one line naming the flag" || fail "bad flags"
finish
