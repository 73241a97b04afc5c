#!/bin/sh
# Where the time goes: perf (cpu-clock sampling with call graphs; this VM
# has no hardware counters) on each nfkit program over the bench inputs,
# top functions per program into $BENCH_DIR/profile-*.txt.  Falls back to
# valgrind --tool=callgrind on a tenth of the input if perf cannot record.
# Run after tests/bench/run.sh (it reuses build/bench's inputs and tools).
#
#   sh tests/bench/profile.sh [sensor] [collector] [reporter]
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=${BENCH_DIR:-$ROOT/build/bench}
BIN=$W/bin
TOP=${TOP:-25}
NFSENSORD=$ROOT/sensor/nfsensord
NFCOLLECTD=$ROOT/collector/nfcollectd
NFREPORT=$ROOT/report/nfreport
JOBS=${*:-sensor collector reporter}
[ -x "$BIN/udpsink" ] || { echo "profile: run tests/bench/run.sh first" >&2; exit 1; }

# Own network namespace when root, as run.sh.
. "$ROOT/tests/bench/lib.sh"
bench_netns nfkit-prof-$$ "$0" "$@"

PERF=0
perf record -q -e cpu-clock -o "$W/perf.test" true >/dev/null 2>&1 && PERF=1
rm -f "$W/perf.test"

# prof NAME CMD...: profile CMD, write the top functions to profile-NAME.txt.
prof() {
	name=$1; shift
	out=$W/profile-$name.txt
	if [ $PERF = 1 ]; then
		perf record -q -F 1999 -e cpu-clock -g -o "$W/perf-$name.data" "$@" \
		    >/dev/null 2>"$W/perf-$name.err"
		{
			echo "# perf record -e cpu-clock -g: $*"
			echo "# self time by function (dso):"
			perf report -i "$W/perf-$name.data" --no-children --stdio \
			    --sort dso,symbol -g none 2>/dev/null | grep '%' | head -n "$TOP"
			echo "# self time by library:"
			perf report -i "$W/perf-$name.data" --no-children --stdio \
			    --sort dso -g none 2>/dev/null | grep '%' | head -n 8
		} >"$out"
	else
		valgrind --tool=callgrind --callgrind-out-file="$W/callgrind-$name.out" \
		    "$@" >/dev/null 2>"$W/callgrind-$name.err"
		{
			echo "# valgrind --tool=callgrind: $*"
			callgrind_annotate "$W/callgrind-$name.out" 2>/dev/null | head -n $((TOP + 20))
		} >"$out"
	fi
	echo "profile: $out"
	sed -n "1,$((TOP / 2 + 3))p" "$out"
}

sink() {
	rm -f "$W/sink.port"
	"$BIN/udpsink" -f "$W/sink.port" >/dev/null 2>&1 &
	SINK=$!
	while [ ! -s "$W/sink.port" ]; do sleep 0.02; done
	PORT=$(cat "$W/sink.port")
}

for j in $JOBS; do
	case $j in
	sensor)
		CAP=$(ls -S "$W"/sensor-*.pcap 2>/dev/null | head -1)
		[ -n "$CAP" ] && [ -x "$NFSENSORD" ] || { echo "profile: no capture or nfsensord"; continue; }
		for m in 8192 1000000; do
			sink
			prof "nfsensord-m$m" "$NFSENSORD" -d -r "$CAP" -m $m -n "127.0.0.1:$PORT" \
			    -c "$W/prof.ctl" -p "$W/prof.pid"
			kill "$SINK"; wait "$SINK" 2>/dev/null
		done ;;
	collector)
		[ -x "$NFCOLLECTD" ] || { echo "profile: no nfcollectd"; continue; }
		d=$W/prof-coll; rm -rf "$d"; mkdir -p "$d"
		# perf follows the daemon; the blaster runs beside it, unprofiled.
		perf record -q -F 1999 -e cpu-clock -g -o "$W/perf-nfcollectd.data" \
		    "$NFCOLLECTD" -D -w "$d" -p "$d/pid" 127.0.0.1/0/9995 >"$d/log" 2>&1 &
		PP=$!
		sleep 1
		"$BIN/nfv5blast" -p 9995 -n "${PROF_FLOWS:-1000000}" -r "${PROF_RATE:-200000}"
		sleep 1
		kill -TERM "$(cat "$d/pid")"; wait $PP
		rm -rf "$d"
		{
			echo "# perf record -e cpu-clock -g: nfcollectd under nfv5blast -r ${PROF_RATE:-200000}"
			perf report -i "$W/perf-nfcollectd.data" --no-children --stdio \
			    --sort dso,symbol -g none 2>/dev/null | grep '%' | head -n "$TOP"
			echo "# self time by thread (pid column = thread id) and library:"
			perf report -i "$W/perf-nfcollectd.data" --no-children --stdio \
			    --sort pid,dso -g none 2>/dev/null | grep '%' | head -n 10
		} >"$W/profile-nfcollectd.txt"
		echo "profile: $W/profile-nfcollectd.txt"
		head -n 20 "$W/profile-nfcollectd.txt" ;;
	reporter)
		# The largest directory of several files (ft-FLOWS-FILES).
		FT=$(ls -d "$W"/ft-*-[0-9]* 2>/dev/null | grep -v -- '-1$' | grep -v '\.done' |
		    awk -F- '{ print $(NF - 1), $0 }' | sort -n | tail -1 | cut -d' ' -f2-)
		[ -n "$FT" ] && [ -x "$NFREPORT" ] || { echo "profile: no flow files or nfreport"; continue; }
		prof nfreport-top10 "$NFREPORT" -q -s srcip/bytes -n 10 "$FT"
		prof nfreport-filter "$NFREPORT" -q -o csv "$FT" 'proto tcp and dst port 80'
		prof nfreport-line "$NFREPORT" -q -o line "$FT"
		prof nfreport-csv "$NFREPORT" -q -o csv "$FT" ;;
	esac
done
