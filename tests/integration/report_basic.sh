#!/bin/sh
# nfreport on real flow-capture files: the default short lines equal Cflow's
# flowdumper -s (TCP flag names compared as a set), every file variant is
# read, directories are walked, stdin works, exit statuses are right.
. "$(dirname "$0")/../lib.sh"
export TZ=UTC

# Sort the names inside "6(A|B|C)" so flag order does not matter.
normflags() {
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^6\(.*\)$/) {
		s = substr($i, 3, length($i) - 3); n = split(s, a, "|");
		for (j = 1; j <= n; j++) for (k = j + 1; k <= n; k++)
			if (a[k] < a[j]) { t = a[j]; a[j] = a[k]; a[k] = t }
		o = a[1]; for (j = 2; j <= n; j++) o = o "|" a[j];
		$i = "6(" o ")" } print }'
}

if have_shared flowdumper_equal; then
	f=$FTDATA/seed-utc/ft-v05.2026-11-26.180515+0000
	exp=$FTDATA/expected/seed-utc_ft-v05.2026-11-26.180515+0000.flowdumper-s.txt
	"$NFREPORT" -q "$f" | normflags >"$TMP/got" 2>"$TMP/err"
	normflags <"$exp" >"$TMP/exp"
	if cmp -s "$TMP/got" "$TMP/exp"; then pass flowdumper_equal
	else fail flowdumper_equal "$(diff "$TMP/exp" "$TMP/got" | head -5)"; fi

	# Every stored variant holds the same 8 flows.
	for v in big-endian uncompressed-z0 z9-comment flow-cat-stream; do
		"$NFREPORT" -q "$FTDATA"/variants/$v/* | normflags >"$TMP/v"
		if cmp -s "$TMP/v" "$TMP/exp" || { normflags <"$exp" >"$TMP/e2";
		    cat "$TMP/e2" "$TMP/e2" | cmp -s - "$TMP/v"; }; then
			pass "variant_$v"
		else fail "variant_$v" "$(diff "$TMP/exp" "$TMP/v" | head -3)"; fi
	done

	# An open tmp- file is read without complaint (nothing flushed yet).
	if "$NFREPORT" -q "$FTDATA"/variants/tmp-open/tmp-* >"$TMP/t" 2>&1 &&
	    [ ! -s "$TMP/t" ]; then pass tmp_open_file
	else fail tmp_open_file "$(cat "$TMP/t")"; fi

	# Directory: ft- files only, recursively; tmp- too with -a.
	n=$("$NFREPORT" -q "$FTDATA/variants" | wc -l)
	na=$("$NFREPORT" -q -a "$FTDATA/variants" | wc -l)
	[ "$n" -eq 24 ] && [ "$na" -eq 24 ] && pass directory_walk ||
	    fail directory_walk "ft lines $n, with -a $na (want 24, 24)"
	n=$("$NFREPORT" -q "$FTDATA/nested-berlin" | wc -l)
	[ "$n" -eq 8 ] && pass nested_directories ||
	    fail nested_directories "$n lines, want 8"

	# The summary agrees with flow-stat (16 flows, 38 packets, 2486 octets).
	s=$("$NFREPORT" "$FTDATA/seed-utc" | tail -n 1)
	case $s in
	"Summary: flows 16, packets 38, bytes 2486, first 2024-01-15 12:00:00.000, last 2024-01-15 12:00:06.001,"*)
		pass summary_line ;;
	*) fail summary_line "$s" ;;
	esac

	# stdin, and "-" explicitly.
	a=$("$NFREPORT" -q <"$f" | wc -l)
	b=$("$NFREPORT" -q - <"$f" | wc -l)
	[ "$a" -eq 8 ] && [ "$b" -eq 8 ] && pass stdin || fail stdin "$a $b"

	# Files read ahead on threads come out in the same order as read
	# one by one, for flows and for aggregates.
	a=$("$NFREPORT" -q -a -o csv "$FTDATA" | cksum)
	b=$("$NFREPORT" -q -a -o csv --threads 1 "$FTDATA" | cksum)
	c=$("$NFREPORT" -q -a -s conversation -n 100 "$FTDATA" | cksum)
	d=$("$NFREPORT" -q -a -s conversation -n 100 --threads 1 "$FTDATA" | cksum)
	[ "$a" = "$b" ] && [ "$c" = "$d" ] && pass threads_same_output ||
	    fail threads_same_output "threaded output differs"
	n=$("$NFREPORT" -q -c 3 "$FTDATA" | wc -l)
	[ "$n" -eq 3 ] && pass limit_count || fail limit_count "$n lines"

	# -U and TZ: local time by default, UTC with -U.
	l=$(TZ=Europe/Berlin "$NFREPORT" -q "$f" | head -n 1 | cut -c1-19)
	u=$(TZ=Europe/Berlin "$NFREPORT" -q -U "$f" | head -n 1 | cut -c1-19)
	[ "$l" = "2024/01/15 13:00:06" ] && [ "$u" = "2024/01/15 12:00:06" ] &&
	    pass timezone || fail timezone "local '$l' utc '$u'"
fi

# Exit statuses: missing path 1, bad option and bad filter 2.
"$NFREPORT" /nonexistent/x >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] && pass exit_missing_file || fail exit_missing_file "rc $rc"
"$NFREPORT" -o nosuch /dev/null >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && pass exit_bad_format || fail exit_bad_format "rc $rc"
"$NFREPORT" -q /dev/null 'proto tcp and port x' >/dev/null 2>"$TMP/e"; rc=$?
if [ $rc -eq 2 ] && grep -q 'expected a port number' "$TMP/e" &&
    [ "$(sed -n 3p "$TMP/e")" = "                     ^" ]; then
	pass filter_error_caret
else fail filter_error_caret "rc $rc: $(cat "$TMP/e")"; fi

# nfcollectd's tmp- file stays empty until its first flush (-F): with -a it
# holds no flows yet and is no damage; an empty finished file is damage.
mkdir -p "$TMP/sp"
: >"$TMP/sp/tmp-v10.2026-12-02.010320+0000"
"$NFREPORT" -a -q "$TMP/sp" >"$TMP/o" 2>&1; rc=$?
[ $rc -eq 0 ] && [ ! -s "$TMP/o" ] && pass empty_tmp_file ||
    fail empty_tmp_file "rc $rc: $(cat "$TMP/o")"
: >"$TMP/sp/ipfix-v10.2026-12-02.010300+0000"
"$NFREPORT" -a -q "$TMP/sp" >"$TMP/o" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q 'ipfix-v10.*truncated header' "$TMP/o" &&
    pass empty_finished_file || fail empty_finished_file "rc $rc: $(cat "$TMP/o")"

finish
