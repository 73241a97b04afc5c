#!/bin/sh
# make bench: nfkit side by side with the real peers, in one run.
#
#   sensor     nfsensord -r CAP   vs softflowd -r CAP   (both export to a UDP
#              discard sink on loopback; same -m), floor = pcount (bare libpcap);
#              then both with -v 10 (IPFIX) on CAP and on an IPv6-only capture
#   collector  nfv5blast at increasing offered rates into nfcollectd (default
#              compression) and into nfcapd (plain, -y LZ4, -z LZO); highest
#              offered rate with zero loss (sent vs stored), kernel
#              RcvbufErrors, bytes on disk per million flows
#   collector_ipfix  the same with IPFIX (tests/bench/ipfixblast: IPv4 and
#              IPv6 flows, templates every 16 messages) into nfcollectd
#              (IPFIX files) and nfcapd
#   deflate    zlib levels and ISA-L igzip (if libisal-dev is there) on the
#              same records: speed, size, inflate speed (tests/bench/zbench)
#   reporter   nfreport vs nfdump on the same flows (five-minute flow-tools
#              files written by tests/bench/ftgen; the same datagrams sent to
#              nfcapd for nfdump): top-10 srcip/bytes, a filter, print-all;
#              floor = pure inflate of the same files (tests/bench/ftinflate)
#              and the same top-10 over IPFIX files of the same flows
#              (nfreport -o ipfix), against ft-v05 (target >= 0.75x)
#   web        nfreport -o html vs nfreport -s srcip/bytes over a day of
#              five-minute files (288 by default); the target is a page in
#              at most 1.5x the time of the top-10 table
#   clickhouse nfchload rows/s into one ClickHouse server (RowBinary over
#              HTTP) and nfreport --db top-10 srcip/bytes over the loaded
#              flows, vs nfreport on the files and nfdump (REPORT_FLOWS)
#
# Variables: BENCH=quick (default, ~1M packets/flows, a few minutes) or full
# (the 10M sizes of issue 7); RUNS (default 3, alternating nfkit/peer);
# JOBS (default "sensor collector collector_ipfix reporter deflate web
# clickhouse"); BENCH_DIR (default
# build/bench: inputs are generated there once and reused); SHARED (default
# ../shared, for pcapgen, nfv5blast and pcount).  Every size can be set:
# SENSOR_PKTS, SENSOR_DUR, SENSOR_M, SENSOR_V10 (0: no -v 10 rows),
# SENSOR_V10_M, RATES (offered flows/s; "max" =
# unpaced), COLLECT_SECS (each paced run offers RATE x COLLECT_SECS flows, so
# that buffers cannot hide a rate the collector does not sustain),
# COLLECT_FLOWS (flows of an unpaced run), REPORT_FLOWS, REPORT_FILES,
# WEB_FLOWS, WEB_FILES.
#
# Nothing is installed: a missing peer is named and its column skipped; a
# missing or failing nfkit program prints "n/a" -- never a made-up number.
# Everything runs on 127.0.0.1; every process started here is stopped by PID.
set -u
ROOT=${BENCH_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHARED=${SHARED:-$ROOT/../shared}
BENCH=${BENCH:-quick}
RUNS=${RUNS:-3}
JOBS=${JOBS:-sensor collector collector_ipfix reporter deflate web clickhouse}
W=${BENCH_DIR:-$ROOT/build/bench}
BIN=$W/bin
LOG=$W/logs
NFSENSORD=${NFSENSORD:-$ROOT/sensor/nfsensord}
NFCOLLECTD=${NFCOLLECTD:-$ROOT/collector/nfcollectd}
NFREPORT=${NFREPORT:-$ROOT/report/nfreport}

case $BENCH in
quick)
	: "${SENSOR_PKTS:=1000000}" "${SENSOR_DUR:=60}"
	: "${SENSOR_M:=8192 1000000}"
	: "${COLLECT_SECS:=3}" "${COLLECT_FLOWS:=2000000}"
	: "${RATES:=100000 300000 1000000 2000000 max}"
	: "${REPORT_FLOWS:=1000000}" "${REPORT_FILES:=12}"
	: "${WEB_FLOWS:=1000000}" "${WEB_FILES:=288}" ;;
full)
	: "${SENSOR_PKTS:=10000000}" "${SENSOR_DUR:=600}"
	: "${SENSOR_M:=8192 1000000}"
	: "${COLLECT_SECS:=5}" "${COLLECT_FLOWS:=10000000}"
	: "${RATES:=100000 300000 800000 1600000 2400000 3200000 max}"
	: "${REPORT_FLOWS:=10000000}" "${REPORT_FILES:=24}"
	: "${WEB_FLOWS:=10000000}" "${WEB_FILES:=288}" ;;
*)
	echo "bench: BENCH must be quick or full" >&2; exit 2 ;;
esac

# As root, run everything in a network namespace of its own: its loopback
# carries only this benchmark's datagrams and /proc/net/snmp (RcvbufErrors)
# counts only its drops, whatever else runs on the machine.
if [ -z "${BENCH_NETNS:-}" ] && [ "$(id -u)" = 0 ] && command -v ip >/dev/null 2>&1; then
	NS=nfkit-bench-$$
	if ip netns add "$NS" 2>/dev/null; then
		ip netns exec "$NS" ip link set lo up
		BENCH_NETNS=$NS ip netns exec "$NS" sh "$0" "$@"
		rc=$?
		ip netns del "$NS"
		exit $rc
	fi
fi
if [ -z "${BENCH_NETNS:-}" ]; then
	echo "bench: no network namespace (needs root and ip): RcvbufErrors are machine-wide" >&2
	BENCH_NETNS=none
fi

mkdir -p "$BIN" "$LOG"
RAW=$W/raw.tsv		# one line per run: job prog run wall user sys rss_kb rc count
TABLE=$W/table.tsv	# one line per result row, printed at the end
COLL=$W/collector.tsv	# one line per collector run
: >"$RAW"; : >"$TABLE"; : >"$COLL"
PIDS=""

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

say() { printf '%s\n' "bench: $*" >&2; }

# ---- machine, peers, helpers -------------------------------------------

machine() {
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	echo "$(nproc) cores, $cpu, $mem, $(uname -sr)"
}

have() { command -v "$1" >/dev/null 2>&1; }

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

# ---- sensor -------------------------------------------------------------

sink_start() {	# sets SINK_PID SINK_PORT
	rm -f "$W/sink.port"
	"$BIN/udpsink" -f "$W/sink.port" >"$W/sink.out" 2>&1 &
	SINK_PID=$!; PIDS="$PIDS $SINK_PID"
	i=0
	while [ ! -s "$W/sink.port" ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done
	SINK_PORT=$(cat "$W/sink.port")
}
sink_stop() {	# sets SINK_GOT: the records the sink received
	sleep 0.2
	stop "$SINK_PID"
	SINK_GOT=$(sed -n 's/.*records=\([0-9]*\).*/\1/p' "$W/sink.out")
}

job_sensor() {
	CAP=$W/sensor-$SENSOR_PKTS.pcap
	if [ ! -s "$CAP" ]; then
		say "generating $CAP ($SENSOR_PKTS packets)"
		"$BIN/pcapgen" -o "$CAP.tmp" -n "$SENSOR_PKTS" -s 1 -d "$SENSOR_DUR" -S 128 \
		    >"$LOG/pcapgen.out" 2>&1 && mv "$CAP.tmp" "$CAP" ||
		    { say "pcapgen failed"; return; }
	fi
	pkts=$SENSOR_PKTS
	have_sf=0; peer softflowd softflowd && have_sf=1
	have_nf=0; nfkit_ok "$NFSENSORD" && have_nf=1
	for m in $SENSOR_M; do
		j="sensor -m $m"
		say "$j: $RUNS runs of pcount, softflowd, nfsensord"
		r=1
		while [ $r -le "$RUNS" ]; do
			timed "pcount.$r" "$BIN/pcount" "$CAP"
			record "$j" pcount $r "$(sed -n 's/packets=\([0-9]*\).*/\1/p' "$LOG/pcount.$r.out")"
			if [ $have_sf = 1 ]; then
				sink_start
				tag="softflowd-m$m.$r"
				timed "$tag" softflowd -d -r "$CAP" -c none -a -m "$m" \
				    -n "127.0.0.1:$SINK_PORT"
				sink_stop; got=$SINK_GOT
				exp=$(sed -n 's/.*Flows exported: \([0-9]*\).*/\1/p' "$LOG/$tag.out" "$LOG/$tag.err" | head -1)
				[ -n "$got" ] && [ "$got" -gt 0 ] || T_RC=99
				record "$j" softflowd $r "$got/${exp:-?}"
			fi
			if [ $have_nf = 1 ]; then
				sink_start
				tag="nfsensord-m$m.$r"
				timed "$tag" "$NFSENSORD" -d -r "$CAP" -m "$m" \
				    -n "127.0.0.1:$SINK_PORT" -c "$W/nfsensord.ctl" \
				    -p "$W/nfsensord.pid"
				sink_stop; got=$SINK_GOT
				[ -n "$got" ] && [ "$got" -gt 0 ] || T_RC=99
				record "$j" nfsensord $r "$got"
				# Both -m count conversations (one entry, both
				# directions), so the same -m holds the same traffic.
			fi
			r=$((r + 1))
		done
		summarize "$j" pcount "$pkts" "" "" "floor"
		if [ $have_sf = 1 ]; then
			flows=$(awk -F'\t' -v j="$j" '$1 == j && $2 == "softflowd" { split($9, a, "/"); print a[1]; exit }' "$RAW")
			summarize "$j" softflowd "$pkts" "" pcount "$flows flows exported$(bpf "$j" softflowd "$flows")"
		else
			row "$j" softflowd "-" "-" "" "-" "-" "-" "peer missing"
		fi
		if [ $have_nf = 1 ]; then
			flows=$(awk -F'\t' -v j="$j" '$1 == j && $2 == "nfsensord" { print $9; exit }' "$RAW")
			# The table grows with the live flows: memory in use at the end.
			tb=$(sed -n 's/^Flow table memory (bytes) *\([0-9]*\).*/\1/p' \
			    "$LOG/nfsensord-m$m.1.out" "$LOG/nfsensord-m$m.1.err" | head -1)
			summarize "$j" nfsensord "$pkts" "$([ $have_sf = 1 ] && echo softflowd)" pcount \
			    "$flows flows exported${tb:+, table $((tb / 1024)) KiB in use}"
		else
			row "$j" nfsensord "n/a" "n/a" "" "n/a" "-" "-" "not built"
		fi
	done
	[ "${SENSOR_V10:-1}" = 1 ] && sensor_v10
	[ "${SENSOR_MEM:-1}" = 1 ] && sensor_mem
}

# sensor_v10: IPFIX export, nfsensord -v 10 against softflowd -v 10, on the
# IPv4 capture and on an IPv6-only capture of the same shape (pcapgen -6 1),
# both at -m SENSOR_V10_M (default 8192).  The sink counts datagrams (IPFIX
# has no record count); each program's own statistics give the flows.
sensor_v10() {
	local cap6 cap m j r tag dg exp k fam tb
	cap6=$W/sensor-v6-$SENSOR_PKTS.pcap
	if [ ! -s "$cap6" ]; then
		say "generating $cap6 ($SENSOR_PKTS IPv6 packets)"
		"$BIN/pcapgen" -o "$cap6.tmp" -n "$SENSOR_PKTS" -s 1 -d "$SENSOR_DUR" -S 128 -6 1 \
		    >"$LOG/pcapgen-v6.out" 2>&1 && mv "$cap6.tmp" "$cap6" ||
		    { say "pcapgen -6 failed"; return; }
	fi
	m=${SENSOR_V10_M:-8192}
	for fam in v4 v6; do
		cap=$CAP; [ $fam = v6 ] && cap=$cap6
		j="sensor $fam -v 10"
		say "$j: $RUNS runs of softflowd and nfsensord, -v 10 -m $m"
		r=1
		while [ $r -le "$RUNS" ]; do
			if [ $have_sf = 1 ]; then
				sink_start
				tag="softflowd-$fam-v10.$r"
				timed "$tag" softflowd -d -r "$cap" -c none -a -m "$m" -v 10 \
				    -n "127.0.0.1:$SINK_PORT"
				sink_stop
				dg=$(sed -n 's/.*datagrams=\([0-9]*\).*/\1/p' "$W/sink.out")
				[ "${dg:-0}" -gt 0 ] || T_RC=99
				exp=$(sed -n 's/.*Flows exported: [0-9]* (\([0-9]*\) records).*/\1/p' \
				    "$LOG/$tag.out" "$LOG/$tag.err" | head -1)
				record "$j" softflowd $r "${exp:-?}"
			fi
			if [ $have_nf = 1 ]; then
				sink_start
				tag="nfsensord-$fam-v10.$r"
				timed "$tag" "$NFSENSORD" -d -r "$cap" -m "$m" -v 10 \
				    -n "127.0.0.1:$SINK_PORT" -c "$W/nfsensord.ctl" \
				    -p "$W/nfsensord.pid"
				sink_stop
				dg=$(sed -n 's/.*datagrams=\([0-9]*\).*/\1/p' "$W/sink.out")
				[ "${dg:-0}" -gt 0 ] || T_RC=99
				exp=$(sed -n 's/^Flows exported  *\([0-9]*\)$/\1/p' \
				    "$LOG/$tag.out" | head -1)
				record "$j" nfsensord $r "${exp:-?}"
			fi
			r=$((r + 1))
		done
		if [ $have_sf = 1 ]; then
			k=$(awk -F'\t' -v j="$j" '$1 == j && $2 == "softflowd" { print $9; exit }' "$RAW")
			summarize "$j" softflowd "$SENSOR_PKTS" "" "" "$k records exported"
		else
			row "$j" softflowd "-" "-" "" "-" "-" "-" "peer missing"
		fi
		if [ $have_nf = 1 ]; then
			k=$(awk -F'\t' -v j="$j" '$1 == j && $2 == "nfsensord" { print $9; exit }' "$RAW")
			# One table for both families: the same bytes per flow.
			tb=$(sed -n 's/^Flow table memory (bytes) *\([0-9]*\).*/\1/p' \
			    "$LOG/nfsensord-$fam-v10.1.out" | head -1)
			summarize "$j" nfsensord "$SENSOR_PKTS" "$([ $have_sf = 1 ] && echo softflowd)" "" \
			    "$k records exported${tb:+, table $((tb / 1024)) KiB in use}"
		else
			row "$j" nfsensord "n/a" "n/a" "" "n/a" "-" "-" "not built"
		fi
	done
}

# sensor_mem: resident memory per tracked flow with a full table.  A capture
# of ~800k connections in 60 s (no timeout fires) fills -m 1000000; one run
# each (memory does not vary), RSS / flows held.
sensor_mem() {
	local cap j got f sfx
	cap=$W/sensor-mem.pcap
	if [ ! -s "$cap" ]; then
		"$BIN/pcapgen" -o "$cap.tmp" -n 4000000 -f 3000000 -s 2 -d 60 -S 96 \
		    >"$LOG/pcapgen-mem.out" 2>&1 && mv "$cap.tmp" "$cap" || return
	fi
	j="sensor 1M flows"
	if [ $have_sf = 1 ]; then
		sink_start
		timed softflowd-mem softflowd -d -r "$cap" -c none -a -m 1000000 -n "127.0.0.1:$SINK_PORT"
		sink_stop; got=$SINK_GOT
		record "$j" softflowd 1 "$got"
		# No forced expiry: it held every flow at the end.
		f=$(sed -n 's/.*Flows expired: \([0-9]*\).*/\1/p' "$LOG/softflowd-mem.out" "$LOG/softflowd-mem.err" | head -1)
		row "$j" softflowd "$T_WALL" "$(awk -v t="$T_WALL" 'BEGIN { printf "%.0f", 4000000 / t }')" \
		    "$(awk -v a="$T_USER" -v b="$T_SYS" 'BEGIN { print a + b }')" "$T_RSS" "-" "-" \
		    "$(awk -v r="$T_RSS" -v n="$got" -v c="$f" 'BEGIN { printf "%.0f B RSS per one-way flow held (%d records, %d conversations)", r * 1024 / n, n, c }')"
	fi
	if [ $have_nf = 1 ]; then
		sink_start
		# -m counts conversations: 500000 holds 1,000,000 one-way flows.
		timed nfsensord-mem "$NFSENSORD" -d -r "$cap" -m 500000 -n "127.0.0.1:$SINK_PORT" \
		    -c "$W/nfsensord.ctl" -p "$W/nfsensord.pid"
		sink_stop; got=$SINK_GOT
		record "$j" nfsensord 1 "$got"
		f=$(sed -n 's/^Flows expired (forced, table full) *\([0-9]*\).*/\1/p' "$LOG/nfsensord-mem.out" "$LOG/nfsensord-mem.err" | head -1)
		sfx="table never full"
		[ "${f:-0}" -gt 0 ] && sfx=$(awk -v r="$T_RSS" 'BEGIN { printf "%.0f B RSS per flow with 1,000,000 held (table full)", r * 1024 / 1e6 }')
		row "$j" nfsensord "$T_WALL" "$(awk -v t="$T_WALL" 'BEGIN { printf "%.0f", 4000000 / t }')" \
		    "$(awk -v a="$T_USER" -v b="$T_SYS" 'BEGIN { print a + b }')" "$T_RSS" \
		    "$(ratio "$(awk -F'\t' '$1 == "sensor 1M flows" && $2 == "softflowd" { print $3 }' "$TABLE")" "$T_WALL")" "-" \
		    "$sfx; ${f:-?} forced"
	fi
}

# bpf JOB PROG FLOWS: ", N B RSS/flow" = peak RSS / flows exported, printed
# only when -m is at least that many flows.  softflowd -r applies no
# timeouts, so its table holds every flow at the end; nfsensord expires by
# packet time, so fewer flows may be live at once and its figure is per flow
# exported, not per live flow.
bpf() {
	local rss m
	rss=$(median "$1" "$2" 7)
	m=${1##* }
	[ -n "$3" ] && [ "$m" -ge "$3" ] 2>/dev/null && [ -n "$rss" ] && [ -n "$3" ] && [ "$3" -gt 0 ] 2>/dev/null &&
	    awk -v r="$rss" -v f="$3" 'BEGIN { printf ", %.0f B RSS/flow", r * 1024 / f }'
}

# ---- collector ----------------------------------------------------------

# coll_run PROG RATE RUN: one collector run; appends to collector.tsv:
# prog rate run offered_fps sent stored lost rcvbuf_errs cpu_s rss_kb bytes
coll_run() {
	local prog rate r d port cpid rb0 rb1 rr n offered sent serr rss cpu files stored bytes lost
	prog=$1 rate=$2 r=$3
	d=$W/coll/$prog; rm -rf "$d"; mkdir -p "$d"
	port=$(free_port)
	case $prog in
	nfcollectd|nfcollectd-ipfix)
		"$NFCOLLECTD" -D -w "$d" -p "$W/coll/nfcollectd.pid" "127.0.0.1/0/$port" \
		    >"$LOG/coll-$prog.$rate.$r.log" 2>&1 & ;;
	nfcapd|nfcapd-ipfix)
		nfcapd -w "$d" -p "$port" -b 127.0.0.1 -t 300 -B 4194304 \
		    >"$LOG/coll-$prog.$rate.$r.log" 2>&1 & ;;
	nfcapd-lz4)
		nfcapd -w "$d" -p "$port" -b 127.0.0.1 -t 300 -B 4194304 -y \
		    >"$LOG/coll-$prog.$rate.$r.log" 2>&1 & ;;
	nfcapd-lzo)
		nfcapd -w "$d" -p "$port" -b 127.0.0.1 -t 300 -B 4194304 -z \
		    >"$LOG/coll-$prog.$rate.$r.log" 2>&1 & ;;
	esac
	cpid=$!; PIDS="$PIDS $cpid"
	if ! wait_udp "$port"; then
		stop "$cpid"
		printf '%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\tnot listening\n' "$prog" "$rate" "$r" >>"$COLL"
		return 1
	fi
	rb0=$(rcvbuf_errors)
	rr=$rate n=$COLLECT_FLOWS
	if [ "$rate" = max ]; then rr=0; else n=$((rate * COLLECT_SECS)); fi
	case $prog in
	*-ipfix) "$BIN/ipfixblast" -v 10 -p "$port" -n "$n" -r "$rr" ;;
	*) "$BIN/nfv5blast" -p "$port" -n "$n" -r "$rr" ;;
	esac >"$LOG/blast.out" 2>&1
	offered=$(sed -n 's/.*flows_per_s=\([0-9]*\).*/\1/p' "$LOG/blast.out")
	sent=$(sed -n 's/.* flows=\([0-9]*\).*/\1/p' "$LOG/blast.out")
	serr=$(sed -n 's/.*send_errors=\([0-9]*\).*/\1/p' "$LOG/blast.out")
	sleep 1
	rb1=$(rcvbuf_errors)
	rss=$(awk '/^VmHWM/ { print $2 }' "/proc/$cpid/status" 2>/dev/null)
	cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' \
	    "/proc/$cpid/stat" 2>/dev/null)
	stop "$cpid"
	case $prog in
	nfcollectd)
		files=$(find "$d" -type f \( -name 'ft-*' -o -name 'tmp-*' \))
		# shellcheck disable=SC2086
		stored=$([ -n "$files" ] && "$BIN/ftinflate" $files 2>>"$LOG/ftinflate.err" |
		    sed -n 's/.*records=\([0-9]*\).*/\1/p')
		bytes=$(find "$d" -type f \( -name 'ft-*' -o -name 'tmp-*' \) -printf '%s\n' |
		    awk '{ s += $1 } END { print s + 0 }') ;;
	nfcollectd-ipfix)
		# The collector logs each finished file's flow count.
		stored=$(sed -n 's/.*finished .*: \([0-9]*\) flows,.*/\1/p' \
		    "$LOG/coll-$prog.$rate.$r.log" | awk '{ s += $1 } END { print s + 0 }')
		bytes=$(find "$d" -type f -name 'ipfix-*' -printf '%s\n' |
		    awk '{ s += $1 } END { print s + 0 }') ;;
	nfcapd*)
		stored=$(nfdump -R "$d" -I 2>/dev/null | awk '/^Flows:/ { print $2 }')
		bytes=$(find "$d" -type f -name 'nfcapd.*' -printf '%s\n' |
		    awk '{ s += $1 } END { print s + 0 }') ;;
	esac
	stored=${stored:-0}
	rm -rf "$d"	# up to 1.4 GB per run at the top of the full ladder
	lost=$((sent - stored))
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$prog" "$rate" "$r" \
	    "$offered" "$sent" "$stored" "$lost" "$((rb1 - rb0))" "${cpu:-?}" "${rss:-?}" \
	    "$bytes" "send_errors=$serr" >>"$COLL"
	say "  $prog rate=$rate run $r: offered $offered/s sent $sent stored $stored lost $lost RcvbufErrors +$((rb1 - rb0))"
	[ "$lost" -eq 0 ]
}

# coll_ladder JOB OURS PEERS: the offered-rate ladder for nfcollectd run as
# OURS and the nfcapd variants PEERS, then their summary rows under JOB.
coll_ladder() {
	cjob=$1 ours=$2 peers=$3
	progs=""
	nfkit_ok "$NFCOLLECTD" && progs="$ours"
	if peer nfcapd nfdump && peer nfdump nfdump; then
		progs="$progs $peers"
	fi
	alive=$progs
	for rate in $RATES; do
		[ -z "$alive" ] && break
		say "collector: offered rate $rate flows/s, $RUNS runs of:$alive"
		failed=""
		r=1
		while [ $r -le "$RUNS" ]; do
			for p in $alive; do
				coll_run "$p" "$rate" $r || case " $failed " in
				    *" $p "*) ;; *) failed="$failed $p" ;; esac
			done
			r=$((r + 1))
		done
		next=""
		for p in $alive; do
			case " $failed " in *" $p "*) ;; *) next="$next $p" ;; esac
		done
		alive=$next
	done
	# Summary rows: highest rate where every run lost nothing.
	for p in $ours $peers; do
		case " $progs " in *" $p "*) ;; *)
			if [ $p = "$ours" ]; then
				row "$cjob" "$ours" "n/a" "n/a" "" "n/a" "-" "-" "not built"
			else
				row "$cjob" "$p" "-" "-" "" "-" "-" "-" "peer missing"
			fi
			continue ;;
		esac
		awk -F'\t' -v p="$p" -v runs="$RUNS" '
		    $1 != p || $4 == "-" { next }
		    { n[$2]++; if ($7 != 0) bad[$2]++; off[$2] = off[$2] " " $4;
		      if ($6 > 0) { b = $11 * 1e6 / $6; if (!best || b < best) best = b }
		      rss[$2] = $10; cpu[$2] = $9; order[++k] = $2 }
		    END {
			held = ""; fail = ""
			for (i = 1; i <= k; i++) { r = order[i]; if (seen[r]++) continue
			    if (bad[r] == 0 && n[r] >= runs) { held = r; hrss = rss[r] }
			    else if (fail == "") fail = r }
			# A held "max" rate is what the blaster achieved (median).
			if (held == "max") {	# mawk has no asort: insertion sort
				m = split(off["max"], a, " ")
				for (i = 2; i <= m; i++) { v = a[i] + 0
				    for (j = i - 1; j >= 1 && a[j] + 0 > v; j--) a[j + 1] = a[j]
				    a[j + 1] = v }
				held = a[int((m + 1) / 2)]
			}
			printf "%s\t%s\t%s\t%.1f\n", held == "" ? "none" : held,
			    fail == "" ? "-" : fail, hrss == "" ? "-" : hrss, best / 1048576
		    }' "$COLL" >"$W/coll.$p.sum"
		read -r held fail rss mbpm <"$W/coll.$p.sum"
		note="$mbpm MiB per 1M flows on disk"
		[ "$fail" != "-" ] && note="$note; loss at $fail"
		[ "$fail" = "-" ] && note="$note; no loss at any rate tried"
		row "$cjob" "$p" "-" "$held" "-" "$rss" "-" "-" "$note"
	done
	# Ratios: our held rate vs the first peer's, our size vs the second's.
	set -- $peers
	awk -F'\t' -v cj="$cjob" -v us="$ours" -v p1="${1:-}" -v p2="${2:-}" '
	    BEGIN { OFS = "\t" } $1 == cj { r[$2] = $4; n[$2] = $9 }
	    { line[NR] = $0; job[NR] = $1; pr[NR] = $2 }
	    END { for (i = 1; i <= NR; i++) {
		if (job[i] == cj && pr[i] == us) {
		    split(line[i], f, "\t")
		    if (r[p1] + 0 > 0 && r[us] ~ /^[0-9]/)
			f[7] = sprintf("%.2fx", r[us] / r[p1])
		    split(n[us], a, " "); split(n[p2], b, " ")
		    if (a[1] + 0 > 0 && b[1] + 0 > 0) f[9] = f[9] sprintf("; size %.2fx %s", a[1] / b[1], p2)
		    line[i] = f[1]; for (k = 2; k <= 9; k++) line[i] = line[i] OFS f[k] }
		print line[i] } }' "$TABLE" >"$TABLE.new" && mv "$TABLE.new" "$TABLE"
}

job_collector() {
	coll_ladder collector nfcollectd "nfcapd nfcapd-lz4 nfcapd-lzo"
}

# v9/IPFIX collection: nfcollectd's IPFIX files against nfcapd (plain and
# LZ4 are the same columns as above; one peer keeps the ladder short).
job_collector_ipfix() {
	if [ ! -x "$BIN/ipfixblast" ]; then
		row collector_ipfix nfcollectd-ipfix "n/a" "n/a" "" "n/a" "-" "-" "ipfixblast not built"
		return
	fi
	coll_ladder collector_ipfix nfcollectd-ipfix "nfcapd-ipfix"
}

# ---- web report ---------------------------------------------------------

# A day of five-minute files: the page (-o html, with --local so the
# in/out split is paid for) against one top-10 table over the same files.
job_web() {
	N=$WEB_FLOWS
	DAY=$W/ft-$N-$WEB_FILES
	if [ ! -f "$DAY.done" ]; then
		say "generating $DAY ($N flows in $WEB_FILES five-minute files)"
		rm -rf "$DAY"
		"$BIN/ftgen" -n "$N" -f "$WEB_FILES" -o "$DAY" >"$LOG/ftgen-web.out" 2>&1 &&
		    touch "$DAY.done" || { say "ftgen failed: $(cat "$LOG/ftgen-web.out")"; return; }
	fi
	if ! nfkit_ok "$NFREPORT"; then
		row web "nfreport html" "n/a" "n/a" "" "n/a" "-" "-" "not built"
		return
	fi
	say "web: $N flows in $WEB_FILES files, $RUNS runs of each job"
	r=1
	while [ $r -le "$RUNS" ]; do
		timed "web-top.$r" "$NFREPORT" -q -s srcip/bytes -n 10 "$DAY"
		record web "nfreport top10 day" $r "$(wc -l <"$LOG/web-top.$r.out")"
		timed "web-html.$r" sh -c '"$0" -U -o html --local 10.0.0.0/16 "$1" >"$2"' \
		    "$NFREPORT" "$DAY" "$LOG/web.html"
		record web "nfreport html" $r "$(wc -c <"$LOG/web.html")"
		r=$((r + 1))
	done
	summarize web "nfreport top10 day" "$N" "" "" "$WEB_FILES files"
	top=$(median web "nfreport top10 day" 4) html=$(median web "nfreport html" 4)
	summarize web "nfreport html" "$N" "" "" "$(awk -v h="${html:-}" -v t="${top:-}" '
	    BEGIN { if (h == "" || t == "" || t + 0 == 0) print "no good run";
	    else printf "%.2fx the top-10 time (target <= 1.50x)", h / t }')"
}

# ---- reporter -----------------------------------------------------------

FILTER='proto tcp and dst port 80'

# shrink FILE: keep the first lines of a large output once it is counted.
shrink() {
	head -n 20 "$1" >"$1.head" && mv "$1.head" "$1"
}

job_reporter() {
	N=$REPORT_FLOWS
	FT=$W/ft-$N-$REPORT_FILES
	FT1=$W/ft-$N-1
	NFD=$W/nfd-$N
	for d in "$FT:$REPORT_FILES" "$FT1:1"; do
		dir=${d%:*} nf=${d#*:}
		[ -f "$dir.done" ] && continue
		say "generating $dir ($N flows in $nf five-minute files)"
		rm -rf "$dir"
		"$BIN/ftgen" -n "$N" -f "$nf" -o "$dir" >"$LOG/ftgen.out" 2>&1 &&
		    touch "$dir.done" || { say "ftgen failed: $(cat "$LOG/ftgen.out")"; return; }
	done
	have_nd=0
	if peer nfcapd nfdump && peer nfdump nfdump; then
		have_nd=1
		if [ ! -f "$NFD.done" ]; then
			say "sending the same $N flows to nfcapd for nfdump"
			rm -rf "$NFD"; mkdir -p "$NFD"
			port=$(free_port)
			nfcapd -w "$NFD" -p "$port" -b 127.0.0.1 -t 300 -B 4194304 \
			    >"$LOG/nfcapd-report.log" 2>&1 &
			cpid=$!; PIDS="$PIDS $cpid"
			wait_udp "$port"
			"$BIN/ftgen" -n "$N" -f "$REPORT_FILES" -p "$port" -r 300000 \
			    >"$LOG/ftgen-send.out" 2>&1
			sleep 1
			stop "$cpid"
			got=$(nfdump -R "$NFD" -I 2>/dev/null | awk '/^Flows:/ { print $2 }')
			if [ "${got:-0}" = "$N" ]; then
				touch "$NFD.done"
			else
				say "nfcapd stored ${got:-0} of $N flows; nfdump results are on those"
			fi
		fi
		NDN=$(nfdump -R "$NFD" -I 2>/dev/null | awk '/^Flows:/ { print $2 }')
	fi
	have_nr=0; nfkit_ok "$NFREPORT" && have_nr=1
	# The same flows in IPFIX files (nfreport -o ipfix, one per ft file,
	# named as the collector names them), for the IPFIX read speed.
	IPX=$W/ipfix-$N-$REPORT_FILES
	if [ $have_nr = 1 ] && [ ! -f "$IPX.done" ]; then
		say "converting $FT to IPFIX files"
		rm -rf "$IPX"; mkdir -p "$IPX"
		for f in "$FT"/ft-*; do
			b=$(basename "$f")
			"$NFREPORT" -o ipfix "$f" >"$IPX/ipfix-v10${b#ft-v05}" || break
		done && touch "$IPX.done"
	fi
	ft1=$(ls "$FT1"/ft-* | head -1)
	say "reporter: $N flows, $RUNS runs of each job"
	r=1
	while [ $r -le "$RUNS" ]; do
		timed "inflate.$r" "$BIN/ftinflate" "$FT"/ft-*
		record reporter inflate $r "$(sed -n 's/.*records=\([0-9]*\).*/\1/p' "$LOG/inflate.$r.out")"
		timed "inflate1.$r" "$BIN/ftinflate" "$ft1"
		record reporter inflate-1file $r "$(sed -n 's/.*records=\([0-9]*\).*/\1/p' "$LOG/inflate1.$r.out")"
		if [ -n "$ISAL_LIBS" ]; then
			timed "inflate-isal.$r" "$BIN/ftinflate" -I "$FT"/ft-*
			record reporter "inflate isal" $r "$(sed -n 's/.*records=\([0-9]*\).*/\1/p' "$LOG/inflate-isal.$r.out")"
			timed "inflate1-isal.$r" "$BIN/ftinflate" -I "$ft1"
			record reporter "inflate-1file isal" $r "$(sed -n 's/.*records=\([0-9]*\).*/\1/p' "$LOG/inflate1-isal.$r.out")"
		fi
		if [ $have_nr = 1 ]; then
			timed "nfr-top.$r" "$NFREPORT" -q -s srcip/bytes -n 10 "$FT"
			record reporter "nfreport top10" $r "$(wc -l <"$LOG/nfr-top.$r.out")"
			timed "nfr-top1.$r" "$NFREPORT" -q -s srcip/bytes -n 10 "$ft1"
			record reporter "nfreport top10 1file" $r "$(wc -l <"$LOG/nfr-top1.$r.out")"
			timed "nfr-top-ipfix.$r" "$NFREPORT" -q -s srcip/bytes -n 10 "$IPX"
			record reporter "nfreport top10 ipfix" $r "$(wc -l <"$LOG/nfr-top-ipfix.$r.out")"
			timed "nfr-filter.$r" "$NFREPORT" -q -o csv "$FT" "$FILTER"
			record reporter "nfreport filter csv" $r "$(grep -c '^[0-9]' "$LOG/nfr-filter.$r.out")"
			shrink "$LOG/nfr-filter.$r.out"
			for o in short line csv; do
				timed "nfr-$o.$r" sh -c '"$0" -q -o "$1" "$2" >/dev/null' \
				    "$NFREPORT" "$o" "$FT"
				record reporter "nfreport print $o" $r ""
			done
		fi
		if [ $have_nd = 1 ]; then
			timed "nfd-top.$r" nfdump -R "$NFD" -q -N -s srcip/bytes -n 10
			record reporter "nfdump top10" $r "$(wc -l <"$LOG/nfd-top.$r.out")"
			timed "nfd-filter.$r" nfdump -R "$NFD" -q -o csv "$FILTER"
			record reporter "nfdump filter csv" $r "$(grep -c '^[0-9]' "$LOG/nfd-filter.$r.out")"
			shrink "$LOG/nfd-filter.$r.out"
			timed "nfd-line.$r" sh -c 'nfdump -R "$0" -q -o line >/dev/null' "$NFD"
			record reporter "nfdump print line" $r ""
		fi
		r=$((r + 1))
	done
	summarize reporter inflate "$N" "" "" "floor: zlib, $REPORT_FILES files, one thread"
	n1=$(median reporter inflate-1file 9)
	summarize reporter inflate-1file "${n1:-0}" "" "" "floor: zlib, one file"
	# The floor is the faster decoder of the same stream.
	FL=inflate FL1=inflate-1file
	if [ -n "$ISAL_LIBS" ]; then
		summarize reporter "inflate isal" "$N" "" "" "floor: ISA-L, $REPORT_FILES files, one thread"
		summarize reporter "inflate-1file isal" "${n1:-0}" "" "" "floor: ISA-L, one file"
		FL="inflate isal" FL1="inflate-1file isal"
	fi
	pd=""; [ $have_nd = 1 ] && pd=1
	if [ $have_nd = 1 ]; then
		for p in "nfdump top10" "nfdump filter csv" "nfdump print line"; do
			summarize reporter "$p" "${NDN:-$N}" "" "$FL" "$(nd_note "$p")"
		done
	fi
	for j in "top10:nfdump top10" "filter csv:nfdump filter csv" \
	    "print short:nfdump print line" "print line:nfdump print line" \
	    "print csv:nfdump print line"; do
		what=${j%%:*} theirs=${j#*:}
		if [ $have_nr = 1 ]; then
			summarize reporter "nfreport $what" "$N" "${pd:+$theirs}" "$FL" "$(nr_note "$what")"
		else
			row reporter "nfreport $what" "n/a" "n/a" "" "n/a" "-" "-" "not built"
		fi
	done
	if [ $have_nr = 1 ]; then
		summarize reporter "nfreport top10 1file" "${n1:-0}" "" "$FL1" "one file"
		# vs_peer here is IPFIX files against ft-v05 files of the same
		# flows; the target is at least 0.75x.
		summarize reporter "nfreport top10 ipfix" "$N" "nfreport top10" \
		    "$FL" "IPFIX files of the same flows; vs_peer = vs ft-v05 (target >= 0.75x)"
	fi
	[ $have_nd = 1 ] || row reporter nfdump "-" "-" "" "-" "-" "-" "peer missing"
	reporter_check
}

nd_note() {
	case $1 in
	"nfdump filter csv") echo "$(median reporter "$1" 9) lines" ;;
	"nfdump print line") echo "uncompressed nfcapd files" ;;
	esac
}
nr_note() {
	case $1 in
	"filter csv") echo "$(median reporter "nfreport $1" 9) lines" ;;
	esac
}

# Do nfreport and nfdump agree on the top-10 sources?  (Addresses only.)
reporter_check() {
	[ -s "$LOG/nfr-top.1.out" ] && [ -s "$LOG/nfd-top.1.out" ] || return 0
	a=$(grep -Eo '10\.0\.[0-9]+\.[0-9]+' "$LOG/nfr-top.1.out" | head -10 | tr '\n' ' ')
	b=$(grep -Eo '10\.0\.[0-9]+\.[0-9]+' "$LOG/nfd-top.1.out" | head -10 | tr '\n' ' ')
	if [ "$a" = "$b" ]; then
		say "check: nfreport and nfdump agree on the top-10 sources"
	else
		say "check: top-10 sources DIFFER: nfreport [$a] nfdump [$b]"
	fi
}

# ---- clickhouse: loading and asking the cluster --------------------------

job_clickhouse() {
	N=$REPORT_FLOWS
	FT=$W/ft-$N-$REPORT_FILES
	NFD=$W/nfd-$N
	NFCHLOAD=${NFCHLOAD:-$ROOT/report/nfchload}
	peer clickhouse-server clickhouse-server || return
	nfkit_ok "$NFCHLOAD" || { say "$NFCHLOAD is not built"; return; }
	if [ ! -f "$FT.done" ]; then
		rm -rf "$FT"
		"$BIN/ftgen" -n "$N" -f "$REPORT_FILES" -o "$FT" >/dev/null &&
		    touch "$FT.done" || return
	fi
	# tests/chlib.sh starts the server; it wants lib.sh's bg and wait_for.
	TMP=$(mktemp -d "$W/ch.XXXXXX")
	bg() { "$@" & LASTPID=$!; PIDS="$PIDS $LASTPID"; }
	wait_for() {
		i=0
		while ! eval "$1" >/dev/null 2>&1; do
			i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
		done
	}
	. "$ROOT/tests/chlib.sh"
	ch_ports
	ch_start 1 || { say "clickhouse-server did not start"; return; }
	say "clickhouse: $N flows, $RUNS runs of each job"
	r=1
	while [ $r -le "$RUNS" ]; do
		ch_sql 1 "DROP DATABASE IF EXISTS nfkit" >/dev/null
		"$NFCHLOAD" -I -H "$CH_URL1" 2>/dev/null
		timed "chload.$r" "$NFCHLOAD" -o -H "$CH_URL1" "$FT"
		record clickhouse "nfchload load" $r "$(ch_sql 1 'SELECT count() FROM nfkit.flows_local')"
		timed "chdb-top.$r" "$NFREPORT" -q --db "$CH_URL1" --db-table nfkit.flows_local -s srcip/bytes -n 10
		record clickhouse "nfreport --db top10" $r "$(wc -l <"$LOG/chdb-top.$r.out")"
		timed "chfile-top.$r" "$NFREPORT" -q -s srcip/bytes -n 10 "$FT"
		record clickhouse "nfreport files top10" $r "$(wc -l <"$LOG/chfile-top.$r.out")"
		if [ -f "$NFD.done" ]; then
			timed "chnfd-top.$r" nfdump -R "$NFD" -q -N -s srcip/bytes -n 10
			record clickhouse "nfdump top10" $r "$(wc -l <"$LOG/chnfd-top.$r.out")"
		fi
		r=$((r + 1))
	done
	stop "$CH_PID1"
	rm -rf "$TMP"
	summarize clickhouse "nfchload load" "$N" "" "" "rows/s into one local server, 1M-row INSERTs"
	pn=""; [ -f "$NFD.done" ] && { summarize clickhouse "nfdump top10" "$N" "" "" "nfcapd files"; pn="nfdump top10"; }
	summarize clickhouse "nfreport files top10" "$N" "$pn" "" "the loaded files"
	summarize clickhouse "nfreport --db top10" "$N" "$pn" "" "GROUP BY on the server; vs nfdump"
	if cmp -s "$LOG/chdb-top.1.out" "$LOG/chfile-top.1.out"; then
		say "check: nfreport --db and nfreport on the files print the same top 10"
	else
		say "check: nfreport --db top 10 DIFFERS from the files'"
	fi
}

# ---- deflate: the collector's and reporter's ceiling ---------------------

job_deflate() {
	f=$(ls "$W"/ft-"$REPORT_FLOWS"-1/ft-* 2>/dev/null | head -1)
	if [ -z "$f" ]; then
		mkdir -p "$W/ft-$REPORT_FLOWS-1"
		"$BIN/ftgen" -n "$REPORT_FLOWS" -f 1 -o "$W/ft-$REPORT_FLOWS-1" >/dev/null &&
		    touch "$W/ft-$REPORT_FLOWS-1.done"
		f=$(ls "$W"/ft-"$REPORT_FLOWS"-1/ft-* | head -1)
	fi
	[ -f /usr/include/isa-l/igzip_lib.h ] ||
	    say "ISA-L is missing (apt-get install libisal-dev): deflate job without its rows"
	"$BIN/zbench" "$f" >"$W/deflate.txt" 2>&1
}

# ---- table --------------------------------------------------------------

print_table() {
	echo
	echo "nfkit bench ($BENCH, $RUNS runs each, medians; ratios from this run): $(machine)"
	echo "sensor: $SENSOR_PKTS packets; collector: rate x $COLLECT_SECS s of flows per run ($COLLECT_FLOWS unpaced); reporter: $REPORT_FLOWS flows"
	awk -F'\t' 'BEGIN {
	    printf "%-18s %-22s %9s %8s %10s %8s %8s %8s  %s\n", "job", "program", "median s",
		"cpu s", "rate /s", "RSS MiB", "vs peer", "vs floor", "note" }
	    { t = $3; if (t ~ /^[0-9.]+$/) t = sprintf("%.3f", t)
	      c = $5; if (c ~ /^[0-9.]+$/) c = sprintf("%.3f", c); if (c == "") c = "-"
	      rss = $6; if (rss ~ /^[0-9]+$/) rss = sprintf("%.1f", rss / 1024)
	      rate = $4; if (rate ~ /^[0-9]+$/) rate = sprintf("%.3fM", rate / 1e6)
	      printf "%-18s %-22s %9s %8s %10s %8s %8s %8s  %s\n", $1, $2, t, c, rate, rss, $7, $8, $9 }' \
	    "$TABLE"
	if [ -s "$W/deflate.txt" ] && [ "${JOBS#*deflate}" != "$JOBS" ]; then
		echo
		echo "deflate candidates for the flow-tools record stream (one thread):"
		cat "$W/deflate.txt"
	fi
	if [ -s "$COLL" ]; then
		echo
		echo "collector runs (offered = achieved by nfv5blast; lost = sent - stored):"
		awk -F'\t' 'BEGIN { printf "%-11s %8s %3s %10s %9s %9s %8s %8s %6s %8s %8s\n", "program",
		    "rate", "run", "offered/s", "sent", "stored", "lost", "rcvbuf", "cpu s", "RSS MiB", "MiB/1M" }
		    { printf "%-11s %8s %3s %10s %9s %9s %8s %8s %6s %8.1f %8.1f\n", $1, $2, $3, $4, $5,
		      $6, $7, $8, $9, $10 / 1024, ($6 > 0 ? $11 / $6 * 1e6 / 1048576 : 0) }' "$COLL"
	fi
}

# ---- main ---------------------------------------------------------------

say "BENCH=$BENCH RUNS=$RUNS JOBS=$JOBS in $W, network namespace $BENCH_NETNS"
for p in "$NFSENSORD" "$NFCOLLECTD" "$NFREPORT"; do
	nfkit_ok "$p" || say "$p is not built: its column prints n/a"
done
build_tools
for j in $JOBS; do
	case $j in
	sensor) job_sensor ;;
	collector) job_collector ;;
	collector_ipfix) job_collector_ipfix ;;
	reporter) job_reporter ;;
	deflate) job_deflate ;;
	web) job_web ;;
	clickhouse) job_clickhouse ;;
	*) say "unknown job $j" ;;
	esac
done
print_table | tee "$W/results-$BENCH.txt"
say "raw runs in $RAW, logs in $LOG, table in $W/results-$BENCH.txt"
