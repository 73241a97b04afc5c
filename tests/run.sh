#!/bin/sh
# Runs every test and prints the closing line "N passed, N failed, N skipped".
#
# Unit tests: every build/tests/test_* (check), then the same programs built
# with ASan+UBSan in build/asan/tests/, then the threaded modules' tests
# built with TSan in build/tsan/tests/ (make tsan).  Check prints "NN%:
# Checks: C, Failures: F, Errors: E"; each check counts as one test.
# Integration tests: every tests/integration/*.sh.  A script reports each of
# its cases on its own line as "PASS: name", "FAIL: name" or "SKIP: name:
# why"; a script that exits non-zero without a FAIL line counts one failure.
# Set TESTS=pattern to run only integration scripts matching it.
cd "$(dirname "$0")/.." || exit 2
pass=0 fail=0 skip=0
log=build/test-logs
mkdir -p "$log"

run_unit() {	# $1 = binary, $2 = label
	name=$(basename "$1")
	out="$log/$2-$name.log"
	if timeout 600 "$1" >"$out" 2>&1; then rc=0; else rc=$?; fi
	line=$(grep -E '^[0-9]+%: Checks: ' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL: $2 $name (exit $rc, no check summary; see $out)"
		fail=$((fail + 1)); return
	fi
	c=$(echo "$line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
	f=$(echo "$line" | sed -E 's/.*Failures: ([0-9]+).*/\1/')
	e=$(echo "$line" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
	bad=$((f + e))
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
	pass=$((pass + c - f - e)); fail=$((fail + bad))
	if [ "$bad" -ne 0 ]; then
		echo "FAIL: $2 $name: $line"; grep -E ':(F|E):' "$out" | head -n 20
	else
		echo "PASS: $2 $name ($c checks)"
	fi
}

# has_source BINARY: true if tests/unit/ still has its source (a binary
# left behind by a renamed or removed test is not run).
has_source() {
	[ -x "$1" ] && [ -f "tests/unit/$(basename "$1").c" ]
}

if [ -z "${TESTS:-}" ]; then
	for t in build/tests/test_*; do has_source "$t" && run_unit "$t" unit; done
	for t in build/asan/tests/test_*; do has_source "$t" && run_unit "$t" asan; done
	for t in build/tsan/tests/test_*; do
		has_source "$t" && TSAN_OPTIONS="halt_on_error=1" run_unit "$t" tsan
	done
fi

# run_int SCRIPT LABEL: one integration script; NFKIT_BIN may point the
# tests at another build of the programs.
run_int() {
	s=$1
	name=$2
	out="$log/int-$name.log"
	start=$(date +%s)
	if timeout 900 sh "$s" >"$out" 2>&1; then rc=0; else rc=$?; fi
	p=$(grep -c '^PASS: ' "$out"); f=$(grep -c '^FAIL: ' "$out")
	k=$(grep -c '^SKIP: ' "$out")
	grep -E '^(PASS|FAIL|SKIP): ' "$out" | sed "s/^/  [$name] /"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name exited $rc (see $out)"; tail -n 20 "$out"; f=1
	fi
	if [ "$f" -ne 0 ]; then echo "  (log: $out)"; fi
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + k))
	echo "$name: $p passed, $f failed, $k skipped in $(( $(date +%s) - start ))s"
}

for s in tests/integration/*.sh; do
	[ -f "$s" ] || continue
	case "$s" in *${TESTS:-}*) ;; *) continue ;; esac
	run_int "$s" "$(basename "$s" .sh)"
done

# The daemons and the reporter built with ASan+UBSan, on the tests that
# feed them the most hostile input: every capture, malformed datagrams,
# corrupt files, planted links and FIFOs, a 300k-term filter.
if [ -x build/asan/sensor/nfsensord ] && [ -z "${TESTS:-}" ]; then
	export NFKIT_BIN="$PWD/build/asan"
	export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
	export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
	for t in pipeline_pcaps pipeline_demo sensor_pcaps sensor_ipfix_live \
	    collector_malformed fault_storm fault_ctl fault_remote collector_fanout \
	    report_corrupt report_golden files_hostile report_filterfile \
	    report_ipfix collector_ipfix_hostile; do
		[ -f "tests/integration/$t.sh" ] &&
		    run_int "tests/integration/$t.sh" "asan-$t"
	done
	unset NFKIT_BIN
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
