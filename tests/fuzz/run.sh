#!/bin/sh
# Builds the libFuzzer harnesses (tests/fuzz/fuzz_*.c) and runs each for
# FUZZ_SECONDS (default 60), FUZZ_JOBS (default: the number of cores) at
# a time.  `make fuzz` calls this; the short pass in
# `make check` (tests/integration/fuzz_short.sh) calls it with a few seconds.
#
# Everything lands in build/fuzz/:
#   obj/       the project's sources compiled with clang and
#              -fsanitize=fuzzer-no-link,address,undefined
#   bin/NAME   one harness per decoder, linked with -fsanitize=fuzzer,...
#   seeds/     seed inputs made by tests/fuzz/seeds.py from ../shared
#   corpus/NAME  the working corpus (seeds + what libFuzzer keeps; grows
#              over runs, delete it to start afresh)
#   crashes/   crash-*, leak-*, timeout-*, oom-* inputs, prefixed NAME-
#   logs/NAME.log, summary.tsv   per harness: executions, cov, ft, result
#
# A harness whose file or sources are missing, or do not compile, is a
# FAIL.
#
# Environment: FUZZ_SECONDS, FUZZ_JOBS, FUZZ_ONLY="v5 packet" (subset), SHARED,
# FUZZ_CC (default clang), FUZZ_OUT (default build/fuzz: a long run can use
# its own directory so that a `make check` meanwhile does not relink the
# binaries it is running).  Exit status: 0 if every harness ran without a crash,
# 1 if one crashed or failed to build, 0 with SKIP lines if clang's
# libFuzzer is not installed.
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
SHARED=${SHARED:-$ROOT/../shared}
SECS=${FUZZ_SECONDS:-60}
ONLY=${FUZZ_ONLY:-}
FCC=${FUZZ_CC:-clang}
OUT=${FUZZ_OUT:-build/fuzz}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CFLAGS_F="-std=gnu11 -g -O1 -D_GNU_SOURCE -Wall -Wno-unused-function $SAN"
LIBS="-lz -lpcap -ldl -lm -lpthread"
# As the Makefile: Intel ISA-L does the inflating when it is installed, so
# the fuzzers must go through that path too (the library itself is not
# instrumented; our glue around it is).
if [ -f /usr/include/isa-l/igzip_lib.h ] && [ "${HAVE_ISAL-1}" = 1 ]; then
	CFLAGS_F="$CFLAGS_F -DHAVE_ISAL"
	LIBS="$LIBS -lisal"
fi
mkdir -p "$OUT/obj" "$OUT/bin" "$OUT/corpus" "$OUT/crashes" "$OUT/logs"
# Objects built with other flags are stale.
if [ "$(cat "$OUT/obj/flags" 2>/dev/null)" != "$FCC $CFLAGS_F" ]; then
	rm -f "$OUT"/obj/*.o "$OUT"/obj/*.a
	echo "$FCC $CFLAGS_F" >"$OUT/obj/flags"
fi

# Is libFuzzer there at all?
probe=$OUT/probe
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe.c"
if ! command -v "$FCC" >/dev/null 2>&1 ||
    ! "$FCC" -fsanitize=fuzzer,address,undefined -o "$probe" "$probe.c" \
    >/dev/null 2>&1; then
	echo "SKIP: fuzz: $FCC with libFuzzer not available (install clang and libclang-rt-dev)"
	exit 0
fi

# obj SRC: compile one project source with the fuzzing flags into
# $OUT/obj (unless up to date with the source and the headers beside it
# and in common/); prints the object path, or fails.
obj() {
	o=$OUT/obj/$(echo "$1" | tr / _ | sed 's/\.c$/.o/')
	d=$(dirname "$1")
	if [ -f "$o" ] && [ "$o" -nt "$1" ] &&
	    [ -z "$(find common "$d" -name '*.h' -newer "$o" 2>/dev/null)" ]; then
		echo "$o"; return 0
	fi
	if $FCC $CFLAGS_F -fsanitize=fuzzer-no-link -Icommon -I"$d" \
	    -c "$1" -o "$o" 2>"$o.err"; then
		rm -f "$o.err"; echo "$o"; return 0
	fi
	rm -f "$o"
	return 1
}

# support NAME DIR...: an archive of every other compilable module in the
# DIRs (program mains left out), so a harness links whatever helper module
# its sources come to need without this list knowing it.  Prints the path.
support() {
	a=$OUT/obj/support-$1.a
	shift
	rm -f "$a"
	so=""
	for d in "$@"; do
		for c in "$d"/*.c; do
			case $c in
			sensor/main.c|sensor/nfctl.c|collector/main.c|report/main.c) continue ;;
			esac
			[ -f "$c" ] || continue
			o=$(obj "$c") && so="$so $o"
		done
	done
	# shellcheck disable=SC2086
	[ -n "$so" ] && ar rcs "$a" $so && echo "$a"
}

# Each harness: NAME, include dirs, the sources it needs, and the
# directories whose other modules it may link (DIRS).
harness_spec() {
	case $1 in
	v5)	INC="-Icommon" DIRS="common"
		SRCS="common/v5.c common/buf.c common/flowrec.c" ;;
	collector) INC="-Icollector -Icommon" DIRS="collector common"
		SRCS="collector/datagram.c common/v5.c common/buf.c common/flowrec.c" ;;
	packet)	INC="-Isensor -Icommon" DIRS="sensor common"
		SRCS="common/packet.c" ;;
	ftfile)	INC="-Icommon" DIRS="common"
		SRCS="common/ftwrite.c common/ftread.c common/fthdr.c common/buf.c
		    common/flowrec.c" ;;
	parse)	INC="-Icommon -Ireport" DIRS="report common"
		SRCS="common/parse.c report/timefmt.c common/ftname.c" ;;
	filter)	INC="-Ireport -Icommon" DIRS="report common"
		SRCS="report/filter.c report/filtereval.c report/fields.c" ;;
	ctl)	INC="-Isensor -Icommon" DIRS="sensor common"
		SRCS="sensor/ctlproto.c common/buf.c" ;;
	pcapmap) INC="-Isensor -Icommon" DIRS="sensor common"
		SRCS="sensor/pcapmap.c" ;;
	ipfixdec) INC="-Icommon" DIRS="common"
		SRCS="common/ipfixdec.c common/ipfixrec.c common/packet.c
		    common/buf.c common/flowrec.c" ;;
	ipfixfile) INC="-Icommon" DIRS="common"
		SRCS="common/ipfw.c common/ipfr.c common/zsink.c common/zsource.c
		    common/zstream.c common/ipfixdec.c common/ipfixrec.c
		    common/packet.c common/buf.c
		    common/flowrec.c" ;;
	*)	return 1 ;;
	esac
}
ALL="v5 collector packet ftfile parse filter ctl pcapmap ipfixdec ipfixfile"

# Seeds: regenerated each run (cheap), then merged into the corpus.
rm -rf "$OUT/seeds"
if command -v python3 >/dev/null 2>&1 && [ -d "$SHARED" ]; then
	python3 tests/fuzz/seeds.py "$SHARED" "$OUT/seeds" ||
	    echo "fuzz: seed generation failed; running on checked-in seeds" >&2
fi

summary=$OUT/summary.tsv
printf 'harness\tseconds\texecs\texec_per_s\tcov\tft\tcorpus\tresult\n' >"$summary"
rc=0
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
# each FUNC ITEM...: FUNC ITEM for every ITEM, $JOBS at a time (item i in
# group i mod $JOBS, the items of a group one after the other).
each() {
	_f=$1
	shift
	_j=0
	while [ "$_j" -lt "$JOBS" ]; do
		(
			_i=0
			for _x; do
				[ $((_i % JOBS)) -eq "$_j" ] && "$_f" "$_x"
				_i=$((_i + 1))
			done
		) &
		_j=$((_j + 1))
	done
	wait
}

# Compile every module the harnesses may link first, in parallel (the loop
# below then finds the objects up to date); a source that fails here is
# compiled again below and reported there.
compile() { obj "$1" >/dev/null; }
# shellcheck disable=SC2046
each compile $(ls common/*.c sensor/*.c collector/*.c report/*.c 2>/dev/null |
    grep -vxE 'sensor/main.c|sensor/nfctl.c|collector/main.c|report/main.c')

# Build every harness; RUN lists those that built.
RUN=""
for name in ${ONLY:-$ALL}; do
	harness_spec "$name" || { echo "FAIL: fuzz_$name: unknown harness"; rc=1; continue; }
	missing=""
	for s in "tests/fuzz/fuzz_$name.c" $SRCS; do
		[ -f "$s" ] || missing="$missing $s"
	done
	if [ -n "$missing" ]; then
		echo "FAIL: fuzz_$name: missing:$missing"
		printf '%s\t0\t-\t-\t-\t-\t-\tmissing%s\n' "$name" "$missing" >>"$summary"
		rc=1; continue
	fi
	objs="" bad=""
	for s in $SRCS; do
		o=$(obj "$s") || { bad="$s"; break; }
		objs="$objs $o"
	done
	bin=$OUT/bin/fuzz_$name
	[ -z "$bad" ] && objs="$objs $(support "$name" $DIRS)"
	if [ -n "$bad" ]; then
		echo "FAIL: fuzz_$name: $bad does not compile with clang:"
		sed 's/^/    /' "$OUT/obj/$(echo "$bad" | tr / _ | sed 's/\.c$/.o/').err" | head -n 20
		printf '%s\t0\t-\t-\t-\t-\t-\tbuild failed\n' "$name" >>"$summary"
		rc=1; continue
	fi
	# shellcheck disable=SC2086
	if ! $FCC $CFLAGS_F -fsanitize=fuzzer $INC -o "$bin" \
	    "tests/fuzz/fuzz_$name.c" $objs $LIBS 2>"$OUT/logs/$name.build"; then
		echo "FAIL: fuzz_$name: harness does not build:"
		sed 's/^/    /' "$OUT/logs/$name.build" | head -n 20
		printf '%s\t0\t-\t-\t-\t-\t-\tbuild failed\n' "$name" >>"$summary"
		rc=1; continue
	fi
	RUN="$RUN $name"
done

# fuzz NAME: one harness for SECS seconds on its corpus (seeds, checked-in
# seeds and the regress inputs, replayed first); its verdict line goes to
# logs/NAME.result, its summary row to logs/NAME.tsv.
fuzz() {
	name=$1
	bin=$OUT/bin/fuzz_$name
	corpus=$OUT/corpus/$name
	mkdir -p "$corpus"
	for d in "$OUT/seeds/$name" "tests/fuzz/seeds/$name" "tests/fuzz/regress/$name"; do
		[ -d "$d" ] && cp -n "$d"/* "$corpus"/ 2>/dev/null
	done
	log=$OUT/logs/$name.log
	# max_len: packets and datagrams are small; files get room for a
	# zlib stream that inflates to many records, or for many packets.
	case $name in
	ftfile|pcapmap) maxlen=65536 ;;
	parse|filter|ctl) maxlen=4096 ;;
	*) maxlen=9000 ;;
	esac
	start=$(date +%s)
	"$bin" -max_total_time="$SECS" -max_len="$maxlen" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$OUT/crashes/$name-" "$corpus" >"$log" 2>&1
	frc=$?
	secs=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+.*cov: [0-9]+' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	ncorp=$(ls "$corpus" | wc -l)
	if [ "$frc" -eq 0 ]; then
		result=ok
		echo "PASS: fuzz_$name: ${execs:-?} execs in ${secs}s, cov ${cov:-?} ft ${ft:-?}, corpus $ncorp"
	else
		art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		why=$(grep -m1 -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log")
		result="crash ${art:-exit $frc}"
		echo "FAIL: fuzz_$name: ${art:-exit $frc}: $why (log $log)"
	fi >"$OUT/logs/$name.result"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$secs" "${execs:--}" \
	    "${eps:--}" "${cov:--}" "${ft:--}" "$ncorp" "$result" >"$OUT/logs/$name.tsv"
}

# The harnesses are single-threaded: $JOBS of them run at once, each still
# for SECS seconds of its own.
for name in $RUN; do rm -f "$OUT/logs/$name.result" "$OUT/logs/$name.tsv"; done
# shellcheck disable=SC2086
each fuzz $RUN
for name in $RUN; do
	cat "$OUT/logs/$name.result" 2>/dev/null ||
	    echo "FAIL: fuzz_$name: no result (see $OUT/logs/$name.log)"
	grep -q '^PASS: ' "$OUT/logs/$name.result" 2>/dev/null || rc=1
	cat "$OUT/logs/$name.tsv" >>"$summary" 2>/dev/null
done
echo "fuzz: summary in $summary"
exit $rc
