# Shared helpers for integration tests (sourced by tests/integration/*.sh
# and tests/golden.sh).
#
# Each test prints one line per case: "PASS: name", "FAIL: name: why",
# "SKIP: name: why".  Everything runs on 127.0.0.1 in a temporary directory
# that is removed at exit, and every process a test starts is stopped by PID.
set -u
# The tree: the sourcing script lives in tests/integration/ or tests/.
ROOT=$(cd "$(dirname "$0")" && pwd)
ROOT=${ROOT%/integration}
ROOT=${ROOT%/tests}
SHARED=${SHARED:-$ROOT/../shared}
PCAPS=$SHARED/pcaps/public
FTDATA=$SHARED/testdata/flow-tools
# NFKIT_BIN lets the same tests run the sanitizer build (build/asan/).
BIN=${NFKIT_BIN:-$ROOT}
NFSENSORD=$BIN/sensor/nfsensord
NFCTL=$BIN/sensor/nfctl
NFCOLLECTD=$BIN/collector/nfcollectd
NFREPORT=$BIN/report/nfreport
# A test tool: prints a flow file's header (-h), its record count and how
# it ends (-s), or its records (-r).
FTDUMP=$ROOT/build/tools/collector_ftdump
TMP=$(mktemp -d /tmp/nfkit-test.XXXXXX)
PIDS=""

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.2
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; FAILED=1; }
skip() { echo "SKIP: $*"; }
FAILED=0

# have_shared: true if ../shared is beside the tree; otherwise print the
# skip line for test "$1" and return false.
have_shared() {
	if [ -d "$PCAPS" ] && [ -d "$FTDATA" ]; then return 0; fi
	skip "$1: skipped: ../shared not present"
	return 1
}

# need CMD...: true if every command exists, else a skip line naming them.
need() {
	t=$1; shift
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || { skip "$t: $c not installed"; return 1; }
	done
}

# need_built TEST PROG...: true if every PROG is built, else a skip line
# for TEST naming the first one missing.
need_built() {
	t=$1; shift
	for x in "$@"; do
		[ -x "$x" ] || { skip "$t: $x not built"; return 1; }
	done
}

# free_udp_port: a UDP port on 127.0.0.1 nobody uses right now.
free_udp_port() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# bg CMD...: start in the background, remember the PID in $LASTPID.
bg() {
	"$@" &
	LASTPID=$!
	PIDS="$PIDS $LASTPID"
}

# gone PID: true once a process has exited.  A child that has exited stays
# a zombie until waited for, and "kill -0" still succeeds on it: look at its
# state in /proc instead.
gone() {
	_st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
	[ -z "$_st" ] || [ "$_st" = Z ]
}

# one_runs PID_A PID_B LOG_A LOG_B MESSAGE: judge two daemons started at
# once on one resource: exactly one may run, the other must exit 1 with
# MESSAGE in its log.  Sets WHY (empty if so) and WINNERS (the PIDs still
# to stop).  Waits up to 10 s for one to exit.
one_runs() {
	WINNERS="$1 $2"
	if ! wait_for "gone $1 || gone $2"; then
		WHY="both run"
	elif gone "$1" && gone "$2"; then
		WHY="neither runs: $(cat "$3" "$4")"
	else
		if gone "$1"; then _lp=$1 _ll=$3 WINNERS=$2
		else _lp=$2 _ll=$4 WINNERS=$1; fi
		wait "$_lp"; _rc=$?
		WHY=""
		[ $_rc = 1 ] && grep -q "$5" "$_ll" ||
		    WHY="loser exit $_rc: $(cat "$_ll")"
	fi
}

# stop PID [SIGNAL]: signal a process we started and wait for it (max 10 s).
stop() {
	kill -"${2:-TERM}" "$1" 2>/dev/null
	i=0
	while [ $i -lt 100 ]; do
		gone "$1" && break
		sleep 0.1; i=$((i + 1))
	done
	wait "$1" 2>/dev/null
}

# wait_for COND-CMD: poll up to 10 s.
wait_for() {
	i=0
	while ! eval "$1" >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
	done
}

# wait_udp PORT: wait (up to 10 s) until a socket is bound to UDP PORT.
wait_udp() {
	wait_for "ss -Hlun 'sport = :$1' | grep -q ."
}

# wait_udp_read PORT: wait (up to 10 s) until nothing is queued on the
# socket bound to UDP PORT (ss Recv-Q 0): its owner has read everything
# sent so far, so stopping it now loses nothing it was sent.
wait_udp_read() {
	wait_for "ss -Hlun 'sport = :$1' | awk '\$2 != 0 { q = 1 } END { exit q }'"
}

# udp_sink PORT...: a reader bound to every PORT on 127.0.0.1 that throws
# away what it gets (so that no datagram meets a closed port), in the
# background with its PID in $LASTPID; returns once all are bound.
udp_sink() {
	bg python3 -c 'import select, socket, sys
ss = []
for p in sys.argv[1:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", int(p)))
    ss.append(s)
print("ready", flush=True)
while True:
    for s in select.select(ss, [], [])[0]:
        s.recv(65535)' "$@" >"$TMP/sink.$$.log"
	wait_for "grep -q ready '$TMP/sink.$$.log'"
}

# udp_sock_field PORT N: field N of the line in /proc/net/udp of the
# socket bound to UDP PORT (5: tx_queue:rx_queue, 13: its drop counter).
udp_sock_field() {
	awk -v p="$(printf ':%04X' "$1")" -v n="$2" '$2 ~ p"$" { print $n; exit }' /proc/net/udp
}

# udp_drain_drops PORT: wait (up to 10 s) until nothing is queued on the
# socket bound to UDP PORT, then print its drop counter.
udp_drain_drops() {
	_i=0
	while [ $_i -lt 50 ]; do
		case $(udp_sock_field "$1" 5) in *:00000000) break ;; esac
		sleep 0.2; _i=$((_i + 1))
	done
	udp_sock_field "$1" 13
}

# start_spool_collector ARGS...: nfcollectd ARGS storing into $TMP/spool
# what it receives on a free UDP port of 127.0.0.1 ($port), pidfile
# $TMP/c.pid, stderr to $TMP/collector.log, its PID in $cpid.
start_spool_collector() {
	mkdir -p "$TMP/spool"
	port=$(free_udp_port)
	start_collector "$port" "$TMP/collector.log" "$@" -p "$TMP/c.pid" \
	    -w "$TMP/spool" "127.0.0.1/0/$port"
	cpid=$CPID
}

# start_collector PORT LOG ARGS...: nfcollectd -D ARGS in the background,
# stderr to LOG, its PID in $CPID (and $LASTPID); returns when its socket
# on PORT is bound, non-zero if that takes more than 10 s.
start_collector() {
	_port=$1 _log=$2; shift 2
	bg "$NFCOLLECTD" -D "$@" 2>"$_log"
	CPID=$LASTPID
	wait_udp "$_port"
}

# start_sensor TEST ARGS...: start nfsensord -d -c $TMP/s.ctl -p $TMP/s.pid
# ARGS in the background, stderr and stdout to $TMP/sensor.log, its PID in
# $spid; returns when the control socket and the pidfile are there (the
# socket appears at bind(), before listen() and the pidfile).  If they do
# not appear within 10 s: a FAIL line for TEST and the test ends.
start_sensor() {
	_t=$1; shift
	bg "$NFSENSORD" -d -c "$TMP/s.ctl" -p "$TMP/s.pid" "$@" \
	    >"$TMP/sensor.log" 2>&1
	spid=$LASTPID
	wait_for "[ -S '$TMP/s.ctl' ] && [ -s '$TMP/s.pid' ]" && return 0
	fail "$_t: sensor did not start: $(head -n 3 "$TMP/sensor.log")"
	finish
}

# start_lo_sensor TEST PORT: as root, start_sensor TEST capturing on lo
# the UDP datagrams to PORT, its control socket in $CTL; not root: TEST is
# skipped and ends.
start_lo_sensor() {
	[ "$(id -u)" = 0 ] || { skip "$1: live capture on lo needs root"; finish; }
	CTL=$TMP/s.ctl
	start_sensor "$1" -i lo "udp and dst port $2"
}

# sensor_v5recv (tests/tools): receives an exporter's datagrams and counts.
RECV=$ROOT/build/tools/sensor_v5recv

# start_recv LABEL: sensor_v5recv in the background, its PID in $RPID, its
# port in $TMP/LABEL.port and its output in $TMP/LABEL.recv; returns when
# the port is written.
start_recv() {
	rm -f "$TMP/$1.port"
	"$RECV" -w "$TMP/$1.port" -t 60000 -i 60000 >"$TMP/$1.recv" &
	RPID=$!
	PIDS="$PIDS $RPID"
	wait_for "[ -s '$TMP/$1.port' ]"
}

# stop_recv: stop the receiver and wait for it to write its totals line.
# Not to be called inside $(...): "wait" in a subshell does not wait for a
# child of the test's shell (it returns 127 at once), and the totals were
# then read before the receiver had written them.
stop_recv() {
	kill -TERM "$RPID"
	wait "$RPID"
}

# build_blast: compile ../shared's datagram generator into $TMP/nfv5blast;
# on failure, a FAIL line and false.
build_blast() {
	cc -O2 -o "$TMP/nfv5blast" "$SHARED/tools/nfv5blast.c" && return 0
	fail "build nfv5blast"
	return 1
}

# need_ftdump TEST: true if build/tools/collector_ftdump is built, else
# the skip line for TEST.
need_ftdump() {
	[ -x "$FTDUMP" ] && return 0
	skip "$1: build/tools/collector_ftdump not built"
	return 1
}

# ft_records FILE...: the records in flow files, summed (by reading them).
ft_records() {
	"$FTDUMP" -s "$@" 2>/dev/null |
	    awk '{ sub(/.*records=/, ""); sub(/ .*/, ""); n += $0 } END { print n + 0 }'
}

# ft_flows FILE...: the flow counts their headers claim, summed.
ft_flows() {
	"$FTDUMP" -h "$@" 2>/dev/null |
	    awk -F= '$1 == "flows" { t += $2 } END { print t + 0 }'
}

# ctl_stat CTL KEY: one counter of the sensor's statistics, read through
# nfctl -j (NFCTL_WRAP, if set, runs nfctl, e.g. inside a namespace).
ctl_stat() {
	${NFCTL_WRAP:-} "$NFCTL" -c "$1" -j statistics |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

# ref COLUMN FILE: a column of ../shared/pcaps/reference.tsv for one capture.
ref() {
	awk -F'\t' -v col="$1" -v f="$2" '
	    NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i; next }
	    $1 == f { print $(idx[col]) }' "$SHARED/pcaps/reference.tsv"
}

finish() { exit "$FAILED"; }

# pipeline PCAP DIR [sensor flags...]: nfcollectd on a free port writing
# into DIR, nfsensord -r PCAP exporting to it, then, once the collector has
# read every datagram, SIGTERM to it so the file is finished.  Logs in
# DIR.log.*; returns non-zero on failure.
pipeline() {
	_pcap=$1 _dir=$2; shift 2
	mkdir -p "$_dir"
	_pport=$(free_udp_port)
	start_collector "$_pport" "$_dir.log.collector" -p "$_dir.pid" \
	    -w "$_dir" "127.0.0.1/0/$_pport"
	"$NFSENSORD" -r "$_pcap" -n "127.0.0.1:$_pport" -c "$_dir.ctl" -p "$_dir.spid" \
	    "$@" >"$_dir.log.sensor" 2>&1
	_src=$?
	wait_udp_read "$_pport"
	stop "$CPID" TERM
	return $_src
}

# report_totals DIR...: "flows packets bytes" summed over nfreport's
# flowdumper lines (packets and bytes are the last two fields).
# If nfreport fails (exit status, sanitizer report) it prints "nfreport-failed".
report_totals() {
	{ "$NFREPORT" -q -U "$@" || echo "nfreport-failed $?"; } |
	    awk '/^nfreport-failed/ { bad = $0 } / -> / { f++; p += $(NF-1); b += $NF }
	    END { if (bad != "") print bad; else printf "%d %d %d\n", f, p, b }'
}
