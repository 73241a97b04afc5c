#!/bin/sh
# nfcollectd -f/-M: one fan-out collector in front of two others, sharded
# and then mirrored (with nfcapd as a third, foreign, target), fed by five
# exporters on distinct loopback addresses: four fault_storm senders on
# 127.0.0.2-5 (valid v5 with invalid datagrams mixed in, each with its own
# engine id so their records differ) and real softflowd on 127.0.0.1.
# Every flow must be stored once per copy (sharded: the two targets'
# union is everything the fan-out stored, their intersection nothing;
# mirrored: each has everything), no invalid datagram may be forwarded,
# and as root the targets must see the original exporter addresses.
# Then a dead target and a stopped one whose socket buffer is full: the
# fan-out stores every flow and accounts for every datagram on each target
# (offered = sent + queue_drops + send_errors).  Last, the non-root
# fallback: forwarding still works, from the collector's own address.
. "$(dirname "$0")/../lib.sh"
T=collector_fanout
FTDUMP=$ROOT/build/tools/collector_ftdump
STORM=$ROOT/build/tools/fault_storm
[ -x "$FTDUMP" ] && [ -x "$STORM" ] ||
    { skip "$T: build/tools not built"; finish; }
ROOTUSER=0
[ "$(id -u)" = 0 ] && ROOTUSER=1
NSTORM=50 # valid datagrams per fault_storm exporter

# drained PORT [NETNS]: the UDP socket on PORT has nothing left to read.
drained() {
	${2:+ip netns exec "$2"} ss -Hlun "sport = :$1" |
	    awk 'NR == 1 { q = $2 } END { exit q != 0 }'
}

# collector NAME PORT [flags]: an nfcollectd writing into $TMP/NAME.
collector() {
	_n=$1 _p=$2; shift 2
	mkdir -p "$TMP/$_n"
	bg "$NFCOLLECTD" -D -p "$TMP/$_n.pid" -w "$TMP/$_n" "$@" \
	    "127.0.0.1/0/$_p" 2>"$TMP/$_n.log"
	wait_for "ss -Hlun 'sport = :$_p' | grep -q ." ||
	    fail "$T: $_n did not bind port $_p"
}

# records NAME: the stored records, one sorted line each; with -x the
# exporter column is dropped (it is the fan-out's own address when not
# spoofing).
records() {
	if [ "$1" = -x ]; then shift; "$FTDUMP" -r "$TMP/$1"/ft-v05.* | cut -d' ' -f2- | sort
	else "$FTDUMP" -r "$TMP/$1"/ft-v05.* | sort; fi
}

# send PORT: the five exporters; prints the number of valid datagrams.
send() {
	n=0
	for i in 2 3 4 5; do
		"$STORM" -p "$1" -b "127.0.0.$i" -e "$i" -s "$i" -n $NSTORM -x 3 \
		    >/dev/null || fail "$T: fault_storm from 127.0.0.$i"
		n=$((n + NSTORM))
	done
	if [ -n "$SOFTFLOWD" ]; then
		sp=$(softflowd -d -r "$FTDATA/input/sample.pcap" -c none -a \
		    -n "127.0.0.1:$1" 2>&1 |
		    sed -n 's/.*Flows exported: .* in \([0-9]*\) packets.*/\1/p')
		n=$((n + ${sp:-0}))
	fi
	echo "$n"
}

# stop_all F TARGET_PORT...: wait until the fan-out has read all, stop
# it (its last pass sends what is queued), wait until the targets have
# read all, stop them.
stop_all() {
	_f=$1; shift
	wait_for "drained $(cat "$TMP/$_f.port")" || fail "$T: $_f never drained"
	stop "$(cat "$TMP/$_f.pid")" TERM
	for _p in "$@"; do
		wait_for "drained $_p" || fail "$T: target on $_p never drained"
	done
	for _p in $PIDS; do stop "$_p" TERM; done
	PIDS=""
}

# counts F: the fan-out's "at exit" counter lines, "target offered sent
# queue_drops send_errors" each.
counts() {
	sed -n 's/.*at exit: .* target=\([^ ]*\) offered=\([0-9]*\) sent=\([0-9]*\) queue_drops=\([0-9]*\) send_errors=\([0-9]*\).*/\1 \2 \3 \4 \5/p' \
	    "$TMP/$1.log"
}

SOFTFLOWD=
if command -v softflowd >/dev/null 2>&1 && [ -f "$FTDATA/input/sample.pcap" ]; then
	SOFTFLOWD=softflowd
else
	skip "$T: softflowd part: softflowd or ../shared not present"
fi
[ $ROOTUSER = 1 ] ||
    skip "$T: exporter addresses across the hop: not root, no spoofing"

# --- Bad flags: refused before starting, one line naming the flag ---------
many=""; for i in 1 2 3 4 5 6 7 8 9; do many="$many -f 127.0.0.1:$((9000 + i))"; done
for args in "-M both -f 127.0.0.1:9" "-M shard" "-f 127.0.0.1" "-f 127.0.0.1:0" \
    "-f [::1]9" "$many"; do
	# shellcheck disable=SC2086 # word splitting wanted
	out=$("$NFCOLLECTD" -D -p - $args -w "$TMP" 127.0.0.1/0/9 2>&1 >/dev/null)
	rc=$?
	first=$(echo "$out" | head -n 1)
	case "$first" in
	"nfcollectd: -M "* | "nfcollectd: -f "*) ok=1 ;;
	*) ok=0 ;;
	esac
	[ $rc = 1 ] && [ $ok = 1 ] && pass "$T: refused '${args%% -f 127.0.0.1:9002*}': $first" ||
	    fail "$T: $args: exit $rc, first line '$first'"
done

# --- Sharded -------------------------------------------------------------
PA=$(free_udp_port); collector sa "$PA"
PB=$(free_udp_port); collector sb "$PB"
PF=$(free_udp_port); echo "$PF" >"$TMP/sf.port"
export NFCOLLECTD_TEST_MINUTE_SECONDS=1 # -S 1 prints every second
collector sf "$PF" -S 1 -M shard -f "127.0.0.1:$PA" -f "127.0.0.1:$PB"
unset NFCOLLECTD_TEST_MINUTE_SECONDS
valid=$(send "$PF")
wait_for "grep -q 'FANOUT: .*target=127.0.0.1:$PB' $TMP/sf.log" &&
    pass "$T: -S prints a FANOUT line per target" ||
    fail "$T: no FANOUT line in the -S output"
stop_all sf "$PA" "$PB"

records sf >"$TMP/all"
nall=$(wc -l <"$TMP/all")
want=$((4 * NSTORM * 30)) # fault_storm: 30 flows a datagram
[ -n "$SOFTFLOWD" ] && want=$((want + 8)) # the 8 flows of sample.pcap
[ "$nall" = "$want" ] && [ "$(sort -u "$TMP/all" | wc -l)" = "$nall" ] &&
    pass "$T: the fan-out collector stored every flow itself ($nall)" ||
    fail "$T: the fan-out collector stored $nall flows, want $want"
if [ $ROOTUSER = 1 ]; then
	records sa >"$TMP/a"; records sb >"$TMP/b"
else
	records -x sa >"$TMP/a"; records -x sb >"$TMP/b"
	cut -d' ' -f2- "$TMP/all" | sort >"$TMP/all.x"; mv "$TMP/all.x" "$TMP/all"
fi
# Not root, every datagram comes from our address: one target gets all.
both=1
[ $ROOTUSER = 1 ] && { [ -s "$TMP/a" ] && [ -s "$TMP/b" ] || both=0; }
if sort "$TMP/a" "$TMP/b" | cmp -s - "$TMP/all" && [ $both = 1 ] &&
    [ -z "$(comm -12 "$TMP/a" "$TMP/b")" ]; then
	pass "$T: sharded: union of the two targets = all $nall flows, intersection empty ($(wc -l <"$TMP/a") + $(wc -l <"$TMP/b"))"
else
	fail "$T: sharded: targets hold $(wc -l <"$TMP/a") + $(wc -l <"$TMP/b") flows, $(comm -12 "$TMP/a" "$TMP/b" | wc -l) in both; want $nall in all, none in both"
fi
if [ $ROOTUSER = 1 ]; then
	ea=$(cut -d' ' -f1 "$TMP/a" | sort -u | tr '\n' ' ')
	eb=$(cut -d' ' -f1 "$TMP/b" | sort -u | tr '\n' ' ')
	# FNV-1a of ::ffff:127.0.0.N is even for even N: target 0 (-f first).
	wa="127.0.0.2 127.0.0.4 " wb="${SOFTFLOWD:+127.0.0.1 }127.0.0.3 127.0.0.5 "
	[ "$ea" = "$wa" ] && [ "$eb" = "$wb" ] &&
	    pass "$T: sharded by exporter, original addresses kept: [$ea] [$eb]" ||
	    fail "$T: exporters seen by the targets: [$ea] [$eb], want [$wa] [$wb]"
fi
sum=0
for l in $(counts sf | awk '{ print $2 "/" $3 "/" $4 "/" $5 }'); do
	IFS=/ read -r o s q e <<EOF
$l
EOF
	[ "$o" = "$s" ] && [ "$q" = 0 ] && [ "$e" = 0 ] || fail "$T: sharded counters $l"
	sum=$((sum + o))
done
[ "$sum" = "$valid" ] &&
    pass "$T: sharded: $valid valid datagrams offered and sent, once each" ||
    fail "$T: sharded: $sum datagrams offered in all, $valid valid sent: $(counts sf)"
grep -q "rejected" "$TMP/sa.log" "$TMP/sb.log" &&
    fail "$T: a target rejected forwarded datagrams: $(grep -h rejected "$TMP/sa.log" "$TMP/sb.log")" ||
    pass "$T: no invalid datagram was forwarded (targets rejected none)"

# --- Mirrored, nfcapd as a third target ----------------------------------
rm -rf "$TMP"/s?
PA=$(free_udp_port); collector ma "$PA"
PB=$(free_udp_port); collector mb "$PB"
PC=
if command -v nfcapd >/dev/null 2>&1; then
	PC=$(free_udp_port); mkdir -p "$TMP/mc"
	bg nfcapd -w "$TMP/mc" -p "$PC" -b 127.0.0.1 -t 300 -B 4194304 \
	    >"$TMP/mc.log" 2>&1
	wait_for "ss -Hlun 'sport = :$PC' | grep -q ." || fail "$T: nfcapd did not start"
else
	skip "$T: nfcapd as a target: nfdump not installed"
fi
PF=$(free_udp_port); echo "$PF" >"$TMP/mf.port"
collector mf "$PF" -M mirror -f "127.0.0.1:$PA" -f "127.0.0.1:$PB" \
    ${PC:+-f 127.0.0.1:$PC}
valid=$(send "$PF")
stop_all mf "$PA" "$PB" $PC
x=; [ $ROOTUSER = 1 ] || x=-x
records mf >"$TMP/all"; records $x ma >"$TMP/a"; records $x mb >"$TMP/b"
[ $ROOTUSER = 1 ] || { cut -d' ' -f2- "$TMP/all" | sort >"$TMP/all.x"; mv "$TMP/all.x" "$TMP/all"; }
nall=$(wc -l <"$TMP/all")
cmp -s "$TMP/a" "$TMP/all" && cmp -s "$TMP/b" "$TMP/all" && [ "$nall" = "$want" ] &&
    pass "$T: mirrored: each target stored all $nall flows, once" ||
    fail "$T: mirrored: targets hold $(wc -l <"$TMP/a") and $(wc -l <"$TMP/b") flows, want $want each"
bad=$(counts mf | awk -v v="$valid" '$2 != v || $3 != v')
ntargets=2; [ -n "$PC" ] && ntargets=3
[ -z "$bad" ] && [ "$(counts mf | wc -l)" = $ntargets ] &&
    pass "$T: mirrored: every target offered and sent all $valid datagrams" ||
    fail "$T: mirrored counters: $(counts mf | tr '\n' ';') want $valid each"
if [ -n "$PC" ]; then
	nc=$(nfdump -R "$TMP/mc" -q -o 'fmt:%ra' 2>/dev/null | wc -l)
	if [ $ROOTUSER = 1 ]; then
		ec=$(nfdump -R "$TMP/mc" -q -o 'fmt:%ra' 2>/dev/null | tr -d ' ' | sort -u | tr '\n' ' ')
		we=$(cut -d' ' -f1 "$TMP/a" | sort -u | tr '\n' ' ')
		[ "$nc" = "$want" ] && [ "$ec" = "$we" ] &&
		    pass "$T: nfcapd as a target: $nc flows, exporters [$ec]" ||
		    fail "$T: nfcapd as a target: $nc flows (want $want), exporters [$ec] (want [$we])"
	else
		[ "$nc" = "$want" ] && pass "$T: nfcapd as a target: $nc flows" ||
		    fail "$T: nfcapd as a target: $nc flows, want $want"
	fi
fi

# --- A dead target and a stopped one with a full buffer ------------------
rm -rf "$TMP"/m?
PA=$(free_udp_port); collector da "$PA"
PS=$(free_udp_port); collector ds "$PS" -B 4096
SPID=$LASTPID
kill -STOP "$SPID"
PD=$(free_udp_port) # nothing listens there
PF=$(free_udp_port); echo "$PF" >"$TMP/df.port"
collector df "$PF" -M mirror -f "127.0.0.1:$PA" -f "127.0.0.1:$PD" \
    -f "127.0.0.1:$PS"
valid=$(send "$PF")
wait_for "drained $PF" || fail "$T: the fan-out never drained"
stop "$(cat "$TMP/df.pid")" TERM
rc=$?
kill -CONT "$SPID"
wait_for "drained $PA" || fail "$T: target on $PA never drained"
for p in $PIDS; do stop "$p" TERM; done
PIDS=""
nf=$(records df | wc -l); na=$(records da | wc -l)
[ "$rc" = 0 ] && [ "$nf" = "$want" ] && [ "$na" = "$want" ] &&
    pass "$T: dead and full targets: the fan-out and the live target stored all $want flows" ||
    fail "$T: dead and full targets: fan-out stored $nf, live target $na (want $want), exit $rc"
bad=$(counts df | awk -v v="$valid" '$2 != v || $2 != $3 + $4 + $5')
[ -z "$bad" ] && [ "$(counts df | wc -l)" = 3 ] &&
    pass "$T: every datagram accounted for on each target: $(counts df | cut -d' ' -f2- | tr '\n' ';')" ||
    fail "$T: unaccounted datagrams: $(counts df | tr '\n' ';') (offered must be $valid = sent + queue_drops + send_errors)"

# --- A slow target: queue drops, counted on it alone ---------------------
# Two network namespaces joined by a veth pair whose sending side is held
# to 2 Mbit/s by a token bucket: the forward thread's socket fills
# (EAGAIN), its ring fills, and the receive thread must drop for that
# target only, while the fan-out stores everything.  What was sent must
# all arrive (the bucket's queue is longer than the socket buffer).
NS=i16a_fanout_$$
if [ $ROOTUSER = 1 ] && command -v ip >/dev/null 2>&1 && command -v tc >/dev/null 2>&1 &&
    ip netns add "${NS}_a" 2>/dev/null; then
	trap 'ip netns del "${NS}_a" 2>/dev/null; ip netns del "${NS}_b" 2>/dev/null; cleanup' EXIT INT TERM
	rm -rf "$TMP"/d?
	if ! { ip netns add "${NS}_b" &&
	    ip link add "fo$$a" netns "${NS}_a" type veth peer name "fo$$b" netns "${NS}_b" &&
	    ip -n "${NS}_a" addr add 10.199.0.1/24 dev "fo$$a" &&
	    ip -n "${NS}_b" addr add 10.199.0.2/24 dev "fo$$b" &&
	    ip -n "${NS}_a" link set "fo$$a" up && ip -n "${NS}_b" link set "fo$$b" up &&
	    ip -n "${NS}_a" link set lo up && ip -n "${NS}_b" link set lo up &&
	    tc -n "${NS}_a" qdisc add dev "fo$$a" root tbf rate 2mbit burst 16kb limit 4mb; }; then
		fail "$T: could not set up the namespaces $NS"
	else
		mkdir -p "$TMP/qb" "$TMP/qf"
		bg ip netns exec "${NS}_b" "$NFCOLLECTD" -D -p "$TMP/qb.pid" -w "$TMP/qb" \
		    10.199.0.2/0/9995 2>"$TMP/qb.log"
		bg ip netns exec "${NS}_a" "$NFCOLLECTD" -D -p "$TMP/qf.pid" -w "$TMP/qf" \
		    -B 33554432 -f 10.199.0.2:9995 10.199.0.1/0/9995 2>"$TMP/qf.log"
		QF=$LASTPID
		wait_for "ip netns exec ${NS}_a ss -Hlun 'sport = :9995' | grep -q ." &&
		    wait_for "ip netns exec ${NS}_b ss -Hlun 'sport = :9995' | grep -q ." ||
		    fail "$T: collectors in $NS did not start"
		ip netns exec "${NS}_a" "$STORM" -h 10.199.0.1 -b 10.199.0.1 -p 9995 \
		    -n 6000 -x 0 >/dev/null
		wait_for "drained 9995 ${NS}_a" || fail "$T: fan-out in $NS never drained"
		stop "$QF" TERM
		# The bucket's queue empties at 2 Mbit/s: at most ~20 s for 4 MB.
		i=0
		while tc -n "${NS}_a" -s qdisc show dev "fo$$a" | grep -q 'backlog [1-9]' &&
		    [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
		wait_for "drained 9995 ${NS}_b" || fail "$T: slow target never drained"
		for p in $PIDS; do stop "$p" TERM; done
		PIDS=""
		set -- $(counts qf)
		nf=$(records qf | wc -l); nb=$(records qb | wc -l)
		if [ $# = 5 ] && [ "$2" = 6000 ] && [ "$4" -gt 0 ] &&
		    [ "$2" = $(($3 + $4 + $5)) ] && [ "$nf" = 180000 ] && [ "$nb" = $(($3 * 30)) ]; then
			pass "$T: slow target: fan-out stored all 180000 flows; 6000 offered = $3 sent + $4 queue_drops + $5 send_errors; the target stored the $nb flows sent"
		else
			fail "$T: slow target: counters '$*', fan-out stored $nf (want 180000), target $nb (want 30 x sent)"
		fi
	fi
	ip netns del "${NS}_a" 2>/dev/null; ip netns del "${NS}_b" 2>/dev/null
	trap cleanup EXIT INT TERM
else
	skip "$T: slow target: needs root, ip and tc for network namespaces"
fi

# --- IPv6: the exporter's address kept by a transparent socket ------------
# In a namespace of our own whose loopback also has fd00:16a::2: an IPv6
# exporter there sends v5 to the fan-out on ::1, which forwards to a
# target on ::1.  Unspoofed, the kernel would pick ::1 as the source.
if [ $ROOTUSER = 1 ] && command -v ip >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 &&
    ip netns add "${NS}_6" 2>/dev/null; then
	trap 'ip netns del "${NS}_6" 2>/dev/null; cleanup' EXIT INT TERM
	ip -n "${NS}_6" link set lo up
	ip -n "${NS}_6" addr add fd00:16a::2/128 dev lo nodad
	mkdir -p "$TMP/6a" "$TMP/6f"
	bg ip netns exec "${NS}_6" "$NFCOLLECTD" -D -p "$TMP/6a.pid" -w "$TMP/6a" \
	    ::1/0/9996 2>"$TMP/6a.log"
	bg ip netns exec "${NS}_6" "$NFCOLLECTD" -D -p "$TMP/6f.pid" -w "$TMP/6f" \
	    -f '[::1]:9996' ::1/0/9995 2>"$TMP/6f.log"
	wait_for "ip netns exec ${NS}_6 ss -Hlun 'sport = :9995' | grep -q ." &&
	    wait_for "ip netns exec ${NS}_6 ss -Hlun 'sport = :9996' | grep -q ." ||
	    fail "$T: IPv6 collectors did not start"
	# Ten v5 datagrams of one record each, from fd00:16a::2.
	ip netns exec "${NS}_6" python3 - <<'PY'
import socket, struct
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("fd00:16a::2", 0))
for i in range(10):
    hdr = struct.pack(">HHIIIIBBH", 5, 1, 1000, 1795003200, 0, i, 0, 0, 0)
    rec = struct.pack(">IIIHHIIIIHHBBBBHHBBH", 0x0a000001 + i, 0xc0000201, 0,
                      0, 0, 1, 100, 500, 900, 1024, 53, 0, 0, 17, 0, 0, 0, 0, 0, 0)
    s.sendto(hdr + rec, ("::1", 9995))
PY
	wait_for "drained 9995 ${NS}_6"
	stop "$LASTPID" TERM
	wait_for "drained 9996 ${NS}_6"
	for p in $PIDS; do stop "$p" TERM; done
	PIDS=""
	n6=$(records 6a | wc -l)
	grep -q "New exporter: .*src_ip=fd00:16a::2 " "$TMP/6a.log" &&
	    ! grep -q "New exporter: .*src_ip=::1 " "$TMP/6a.log" && [ "$n6" = 10 ] &&
	    pass "$T: IPv6: the target stored all 10 flows from exporter fd00:16a::2" ||
	    fail "$T: IPv6: target stored $n6 flows; exporters it saw: $(grep -o 'src_ip=[^ ]*' "$TMP/6a.log" | sort -u | tr '\n' ' ')"
	ip netns del "${NS}_6" 2>/dev/null
	trap cleanup EXIT INT TERM
else
	skip "$T: IPv6 exporter address: needs root, ip and python3"
fi

# --- Not root: forwarded from our own address ----------------------------
if [ $ROOTUSER = 1 ] && command -v setpriv >/dev/null 2>&1; then
	rm -rf "$TMP"/d?
	chmod 755 "$TMP"
	PA=$(free_udp_port); collector na "$PA"
	PD=$(free_udp_port) # nothing listens there
	PF=$(free_udp_port); echo "$PF" >"$TMP/nf.port"
	mkdir -p "$TMP/nf"; chown nobody "$TMP/nf"
	bg setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
	    "$NFCOLLECTD" -D -p "$TMP/nf/pid" -w "$TMP/nf" -f "127.0.0.1:$PA" \
	    -f "127.0.0.1:$PD" \
	    "127.0.0.1/0/$PF" 2>"$TMP/nf.log"
	wait_for "ss -Hlun 'sport = :$PF' | grep -q ." || fail "$T: unprivileged fan-out did not start"
	valid=$(send "$PF")
	wait_for "drained $PF"; stop "$LASTPID" TERM
	wait_for "drained $PA"
	for p in $PIDS; do stop "$p" TERM; done
	PIDS=""
	ex=$(records na | cut -d' ' -f1 | sort -u | tr '\n' ' ')
	[ "$(records na | wc -l)" = "$want" ] && [ "$ex" = "127.0.0.1 " ] &&
	    grep -q "no raw socket" "$TMP/nf.log" &&
	    pass "$T: not root: all $want flows forwarded from our own address, and the log says so" ||
	    fail "$T: not root: target stored $(records na | wc -l) flows from [$ex]; log: $(grep fanout "$TMP/nf.log" | head -2)"
	# Without spoofing the socket is connected, so the kernel reports
	# the dead target's ICMP port unreachable as send errors.
	dead=$(counts nf | awk -v t="127.0.0.1:$PD" -v v="$valid" '$1 == t && $2 == v && $2 == $3 + $4 + $5 && $5 > 0')
	[ -n "$dead" ] &&
	    pass "$T: not root: the dead target's refusals counted as send errors: $dead" ||
	    fail "$T: not root: dead target counters: $(counts nf | tr '\n' ';') (want offered $valid, send_errors > 0)"
fi

# Under the sanitizer build (NFKIT_BIN) a report in any daemon's log fails.
bad=$(grep -l 'Sanitizer\|runtime error' "$TMP"/*.log 2>/dev/null)
[ -z "$bad" ] && pass "$T: no sanitizer report in any collector's log" ||
    fail "$T: sanitizer reports in: $bad"
finish
