# tests/bench/lib.sh: sourced by tests/bench/run.sh and profile.sh (not run
# on its own).
# shellcheck shell=sh

# ---- machine, peers, helpers -------------------------------------------

machine() {
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	echo "$(nproc) cores, $cpu, $mem, $(uname -sr)"
}

have() { command -v "$1" >/dev/null 2>&1; }

# bench_netns NAME SCRIPT ARGS...: as root (with ip) and not yet inside
# one, run sh SCRIPT ARGS... again in a network namespace NAME of its own
# with its loopback up, then exit with its status; otherwise return.
bench_netns() {
	{ [ -z "${BENCH_NETNS:-}" ] && [ "$(id -u)" = 0 ] && have ip; } ||
		return 0
	ns=$1; shift
	ip netns add "$ns" 2>/dev/null || return 0
	ip netns exec "$ns" ip link set lo up
	BENCH_NETNS=$ns ip netns exec "$ns" sh "$@"
	rc=$?
	ip netns del "$ns"
	exit $rc
}

PEERS_MISSING=""
peer() {	# peer CMD PACKAGE: true if present, else remember and say so
	have "$1" && return 0
	case " $PEERS_MISSING " in *" $1 "*) ;; *)
		say "peer $1 is missing (apt-get install $2): its column is skipped"
		PEERS_MISSING="$PEERS_MISSING $1" ;;
	esac
	return 1
}

build_tools() {
	T=$SHARED/tools
	# libnfkit uses ISA-L when the Makefile found it (HAVE_ISAL).
	ISAL_LIBS=""
	[ -f /usr/include/isa-l/igzip_lib.h ] && ISAL_LIBS=-lisal
	for t in pcapgen nfv5blast pcount; do
		[ -f "$T/$t.c" ] || { say "$T/$t.c not found (set SHARED)"; exit 1; }
	done
	cc -O2 -o "$BIN/pcapgen" "$T/pcapgen.c" -lm &&
	cc -O2 -o "$BIN/nfv5blast" "$T/nfv5blast.c" &&
	cc -O2 -o "$BIN/pcount" "$T/pcount.c" -lpcap &&
	cc -O2 -Wall -o "$BIN/tm" "$ROOT/tests/bench/tm.c" &&
	cc -O2 -Wall -o "$BIN/udpsink" "$ROOT/tests/bench/udpsink.c" &&
	{ [ ! -f "$ROOT/build/libnfkit.a" ] ||
	    cc -O2 -Wall -I"$ROOT/common" -o "$BIN/ipfixblast" \
	    "$ROOT/tests/bench/ipfixblast.c" "$ROOT/build/libnfkit.a"; } &&
	cc -O2 -Wall ${ISAL_LIBS:+-DHAVE_ISAL} -o "$BIN/ftinflate" "$ROOT/tests/bench/ftinflate.c" \
	    $ISAL_LIBS -lz &&
	if [ -f /usr/include/isa-l/igzip_lib.h ]; then
		cc -O2 -Wall -DHAVE_ISAL -o "$BIN/zbench" "$ROOT/tests/bench/zbench.c" -lz -lisal
	else
		cc -O2 -Wall -o "$BIN/zbench" "$ROOT/tests/bench/zbench.c" -lz
	fi &&
	cc -O2 -Wall -D_GNU_SOURCE -I"$ROOT/common" -o "$BIN/ftgen" \
	    "$ROOT/tests/bench/ftgen.c" "$ROOT/build/libnfkit.a" $ISAL_LIBS -lz ||
	    { say "building the bench tools failed"; exit 1; }
}

# nfkit_ok PATH: true if the program was built.
nfkit_ok() { [ -x "$1" ]; }

# timed TAG CMD...: run CMD under tm; stdout/stderr go to $LOG/TAG.out/.err.
# Sets T_WALL T_RSS T_RC.
timed() {
	local tag
	tag=$1; shift
	"$BIN/tm" "$LOG/$tag.tm" "$@" >"$LOG/$tag.out" 2>"$LOG/$tag.err" </dev/null
	read -r T_WALL T_USER T_SYS T_RSS T_RC <"$LOG/$tag.tm"
}

record() {	# record JOB PROG RUN COUNT
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" \
	    "$T_WALL" "$T_USER" "$T_SYS" "$T_RSS" "$T_RC" "$4" >>"$RAW"
}

# median JOB PROG FIELD: median of a raw.tsv column over the good runs
# (field 4 wall, 7 rss_kb, 9 count, "cpu" = user + sys); empty if there
# was no good run.
median() {
	awk -F'\t' -v j="$1" -v p="$2" -v f="$3" \
	    '$1 == j && $2 == p && $8 == 0 { print f == "cpu" ? $5 + $6 : $f }' "$RAW" | sort -g |
	    awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
runs_ok() {
	awk -F'\t' -v j="$1" -v p="$2" '$1 == j && $2 == p && $8 == 0 { n++ }
	    END { print n + 0 }' "$RAW"
}

# row JOB PROG MEDIAN_S RATE CPU_S RSS_KB VS_PEER VS_FLOOR NOTE
row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$TABLE"
}

# ratio A B: A/B with two decimals, or "-" if either is missing.
ratio() {
	awk -v a="${1:-}" -v b="${2:-}" 'BEGIN {
	    if (a == "" || b == "" || b + 0 == 0 || a !~ /^[0-9.e+-]+$/) print "-";
	    else printf "%.2fx\n", a / b }'
}

# summarize JOB PROG UNITS [PEERPROG] [FLOORPROG] [NOTE]: a table row from
# raw.tsv; the rate is UNITS / median wall time.
summarize() {
	local j p u peer floor note m rate rss vp vf ok
	j=$1 p=$2 u=$3 peer=${4:-} floor=${5:-} note=${6:-}
	m=$(median "$j" "$p" 4)
	if [ -z "$m" ]; then
		row "$j" "$p" "n/a" "n/a" "" "n/a" "-" "-" "${note:-no good run}"
		return
	fi
	rate=$(awk -v n="$u" -v t="$m" 'BEGIN { printf "%.0f", n / t }')
	rss=$(median "$j" "$p" 7)
	vp="-" vf="-"
	[ -n "$peer" ] && vp=$(ratio "$rate" "$(rate_of "$j" "$peer" "$u")")
	[ -n "$floor" ] && vf=$(ratio "$rate" "$(rate_of "$j" "$floor" "$u")")
	ok=$(runs_ok "$j" "$p")
	[ "$ok" -lt "$RUNS" ] && note="${note:+$note; }$ok of $RUNS runs good"
	row "$j" "$p" "$m" "$rate" "$(median "$j" "$p" cpu)" "$rss" "$vp" "$vf" "$note"
}
rate_of() {	# rate_of JOB PROG UNITS
	local m
	m=$(median "$1" "$2" 4)
	[ -n "$m" ] && awk -v n="$3" -v t="$m" 'BEGIN { printf "%.0f", n / t }'
}

# wait_udp PORT: until something is bound to 127.0.0.1:PORT or 0:PORT.
wait_udp() {
	hex=$(printf ':%04X' "$1")
	i=0
	while [ $i -lt 100 ]; do
		awk -v h="$hex" 'NR > 1 && substr($2, 9) == h { f = 1 } END { exit !f }' \
		    /proc/net/udp && return 0
		sleep 0.05; i=$((i + 1))
	done
	return 1
}

free_port() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

rcvbuf_errors() {
	awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 }
	    else print $c["RcvbufErrors"] }' /proc/net/snmp
}

# stop PID: SIGTERM, wait up to 60 s, then SIGKILL.
stop() {
	kill -TERM "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# sensor_capture: sets CAP to the sensor jobs' generated capture
# ($SENSOR_PKTS packets over $SENSOR_DUR s), made once; false if pcapgen fails.
sensor_capture() {
	CAP=$W/sensor-$SENSOR_PKTS.pcap
	[ -s "$CAP" ] && return 0
	say "generating $CAP ($SENSOR_PKTS packets)"
	"$BIN/pcapgen" -o "$CAP.tmp" -n "$SENSOR_PKTS" -s 1 -d "$SENSOR_DUR" -S 128 \
	    >"$LOG/pcapgen.out" 2>&1 && mv "$CAP.tmp" "$CAP" && return 0
	say "pcapgen failed"
	return 1
}
