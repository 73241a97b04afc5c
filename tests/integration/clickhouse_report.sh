#!/bin/sh
# nfreport --db against nfreport on the files that were loaded: two
# collectors' files (tests/bench/ftgen, plus IPFIX files of IPv4 and IPv6
# flows from tests/tools/ipfix_gen) in two ClickHouse shards behind a
# Distributed table; for a battery of questions (top-N by several keys and
# orders, filters using every primitive, IPv6 hosts and prefixes, inet and
# inet6, -A, --series, -t windows, every output format) the two outputs
# must be byte for byte the same.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../chlib.sh"
export TZ=UTC

ch_setup clickhouse_report 30000 6 11 12 || exit $FAILED
GEN=$ROOT/build/tools/ipfix_gen
[ -x "$GEN" ] || { fail clickhouse_report "$GEN not built"; exit 1; }
"$GEN" "$D/c1/ipfix-v10.2025-11-24.160000+0000" 3000 -1 1 &&
    "$GEN" "$D/c1/ipfix-v10.2025-11-24.160500+0000" 2000 -1 3 &&
    "$GEN" "$D/c2/ipfix-v10.2025-11-24.160000+0000" 4000 -1 2 ||
    { fail clickhouse_report "ipfix_gen failed"; exit 1; }
"$NFCHLOAD" -I -C nfkit -H "$CH_URL1" && "$NFCHLOAD" -I -C nfkit -H "$CH_URL2" &&
    "$NFCHLOAD" -o -H "$CH_URL1" "$D/c1" 2>/dev/null &&
    "$NFCHLOAD" -o -H "$CH_URL2" "$D/c2" 2>/dev/null ||
    { fail clickhouse_report "loading failed"; exit 1; }

# -o ft stamps its header with the wall clock (the capture start and end
# of the file it writes): compare the flows it holds, read back.
ask() {	# output [nfreport arguments]
	out=$1; shift
	"$NFREPORT" "$@" >"$out.raw" 2>"$out.err"; echo "exit $?" >>"$out.err"
	case " $* " in
	*" -o ft "*) "$NFREPORT" -q -o csv /dev/stdin <"$out.raw" >"$out" ;;
	*) cat "$out.raw" >"$out" ;;
	esac
	cat "$out.err" >>"$out"
}

# OPTIONS | FILTER, one question a line.
n=0 same=0
while IFS='|' read -r opts filt; do
	n=$((n + 1))
	ask "$TMP/f" $opts "$D" $filt
	ask "$TMP/d" --db "$CH_URL1" $opts $filt
	if cmp -s "$TMP/f" "$TMP/d"; then
		same=$((same + 1))
		echo "same ($(wc -l <"$TMP/f") lines): $opts | $filt"
	else
		fail "db_equals_files_$n" "$opts | $filt: $(diff "$TMP/f" "$TMP/d" | head -4)"
	fi
done <<'Q'
|
-c 100|
-O bytes -c 40|
-O tstart -c 40|
-s srcip/bytes|
-s dstip/packets -n 20|
-s ip/flows -n 5|
-s port/bps|
-s srcport/pps -n 7|
-s proto/bpp|
-s dstport/flows -s srcip/bytes|proto tcp and not port 443
-s srcip/bps|src net 10.0.0.0/24 or dst host 198.51.10.221
-s proto|port 1000-2000 and bytes > 100k
-s proto|src port >= 40000 and dst port < 1024 or port eq 53
-o csv -c 50|flags S and not flags R and packets >= 10
-o json -s ip/pps|duration < 1000 or bpp > 1000
-s srcas|src as 0 and dst mask 0 and in if 0 and out if < 5 and tos 0
-s dstas|as != 1 and mask le 32 and if ge 0 and tos ne 7
-A proto|exporter 127.0.0.1 and nexthop 192.0.2.1 and engine type 0 and engine id 1 and any
-A proto,dstport -O bytes|router 127.0.0.1 and engine 1
-A proto|( icmp or proto udp ) and not ( dst port 53 )
-s ip -n 3|net 10.0/16 and bps > 1M and pps < 1k
-s srcip|ip 10.0.0.1 or host 10.0.0.2 or dst ip 198.51.0.1 or src host 10.0.1.1
-s dstip|dst net 198.51.128.0/17 && ! src net 10.0.0.0/9
-s proto|bytes > 1M or packets > 1k or duration >= 1k or bpp lt 100 or bps gt 1G or pps >= 1k
-s proto|flags FSRPAU or flags X or tos > 0 or proto 1 or proto icmp
-A srcip -c 25|src net 10.0.0.0/28
-A srcip,dstip,srcport,dstport,proto -O packets -c 30|port 80
--series 5m|
--series 1m|proto udp
--series 1h -s proto|
-t 2023-11-14T22:15,2023-11-14T22:20 -s proto|
-t 2023-11-14T22:12:30,2023-11-14T22:31 -s srcip/bytes|port 443
-t 2023-11-14T22:20 --series 5m|
-t 2023-11-14T22:15,2023-11-14T22:16 -o long|
-o line -c 20|proto udp
-o long -c 20|
-o csv -A dstport -n 5|
-o json -c 10|
-o ft -c 500|
-q -s ip|
-s srcip -s conversation -s pair/bytes|proto 99
-s exporter -s inif/bytes -s outif -s tos -s dstas/pps|
-s conversation/packets -n 15|port 443
-s srcip -c 1000|
--series 5m -c 5000|port 53
-A dstport -s proto --series 10m|proto udp
--series 5m --bars|port 80
-o csv -c 60|inet6
-o long -c 30|exporter ::1
-s srcip/bytes -s ip/flows -s dstip/bps -s pair/bytes -n 12|
-s exporter -s srcip/packets -n 8|net 2001:db8::/32 or net 10.0.0.0/8
-s proto|src net 2001:db8::/96 and dst net 2001:db8::8000:0/97 or src host 2001:db8::9e38:f78e
-s proto -s srcip -n 5|src net 2001:db8::1200:0/104 or net ::/0 and not exporter ::1
-s proto|src net ::ffff:0:0/96 or ( not inet6 and not inet )
-A ipversion,proto -O bytes|
-A srcip,dstip,srcport,dstport,proto -O packets -c 30|inet6 and port < 100
-t 2025-11-24T16:01,2025-11-24T16:02 --series 10s -s ip/bytes -n 3|inet
--renormalize -s srcip/bytes -s proto/packets -n 8|
--renormalize -o csv -c 80|packets > 200 or bps > 1M
--renormalize --series 5m -A proto -O bytes|inet6 and bytes > 100k
--renormalize -o json -s ip/pps -n 5|pps > 100
Q
[ "$same" = "$n" ] && pass "db_equals_files ($same questions)"

# A filter error is the same error (exit 2) with --db.
"$NFREPORT" "$D" port 99999 >"$TMP/f" 2>&1; echo "exit $?" >>"$TMP/f"
"$NFREPORT" --db "$CH_URL1" port 99999 >"$TMP/d" 2>&1; echo "exit $?" >>"$TMP/d"
if cmp -s "$TMP/f" "$TMP/d" && grep -q "exit 2" "$TMP/d"; then pass filter_error_same
else fail filter_error_same "$(cat "$TMP/d")"; fi

# An IPv6 flow whose next hop is :: is IPv6 even with IPv4-mapped source
# and destination (dbsql.h's family rule), and prints as such.
ch_sql 1 "CREATE TABLE nfkit.v6 AS nfkit.flows_local" &&
    ch_sql 1 "INSERT INTO nfkit.v6 (day, srcaddr, dstaddr, nexthop, exporter, file) VALUES (17849, IPv6StringToNum('::ffff:10.0.0.1'), IPv6StringToNum('2001:db8::2'), IPv6StringToNum('::'), IPv6StringToNum('::ffff:127.0.0.1'), 'x')"
"$NFREPORT" --db "$CH_URL1" --db-table nfkit.v6 -q -o csv >"$TMP/v6" 2>&1; rc=$?
"$NFREPORT" --db "$CH_URL1" --db-table nfkit.v6 -q -s ip inet6 >"$TMP/v6s" 2>&1; rcs=$?
if [ $rc = 0 ] && grep -q ",::ffff:10.0.0.1,0,2001:db8::2,.*,127.0.0.1,.*,::,.*,6$" "$TMP/v6" &&
    [ $rcs = 0 ] && grep -q "^::ffff:10.0.0.1 " "$TMP/v6s"; then
	pass ipv6_row_family
else fail ipv6_row_family "exit $rc $rcs: $(cat "$TMP/v6" "$TMP/v6s")"; fi
# A server that is not there: a clear error and exit 1.
"$NFREPORT" --db "http://127.0.0.1:$(free_tcp_port)/" -s ip >"$TMP/o" 2>"$TMP/e"; rc=$?
if [ $rc = 1 ] && grep -q "nfreport: --db: .*onnect" "$TMP/e"; then pass server_down_error
else fail server_down_error "exit $rc: $(cat "$TMP/e")"; fi
"$NFREPORT" --db "$CH_URL1" -r "$D" >"$TMP/o" 2>"$TMP/e"; rc=$?
if [ $rc = 2 ] && grep -q "\-\-db and input paths" "$TMP/e"; then pass db_and_paths_refused
else fail db_and_paths_refused "exit $rc: $(cat "$TMP/e")"; fi

# The web report from the same flows: the same page, byte for byte.  The
# "capture" lines and "files read" come from the loaded files' markers
# (nfkit.loaded_all): "files read" counts the files whose stored span
# (name and header times) input_overlaps() lets the window read, as the
# files' page counts the files it opened, also those a window or the
# filter leaves without flows.
export SOURCE_DATE_EPOCH=1764003600
page_same() {	# name file-page db-page
	if ! grep -q '<svg' "$2" ||
	    ! grep -q '"capture">capture nfkit-bench: tests/bench/ftgen<' "$2"; then
		fail "$1" "the files' page has no graphs or no capture line"
	elif cmp -s "$2" "$3"; then
		pass "$1 (files read $(grep -o 'id="files">[0-9]*' "$2" | sed 's/.*>//'))"
	else fail "$1" "$(diff "$2" "$3" | head -n 4)"; fi
}
h=0
while IFS='|' read -r opts filt; do
	h=$((h + 1))
	"$NFREPORT" -o html $opts "$D" $filt >"$TMP/f.html" 2>"$TMP/f.err"
	"$NFREPORT" -o html --db "$CH_URL1" $opts $filt >"$TMP/d.html" 2>"$TMP/d.err"
	page_same "html_$h: $opts | $filt" "$TMP/f.html" "$TMP/d.html"
done <<'Q'
|
-t 2023-11-14T22:15,2023-11-14T22:45 --local 10.0.0.0/16|port 443
-t 2025-11-24T16:01|net 2001:db8::/32 or proto udp
--renormalize -t 2025-11-24T15:50,2025-11-24T16:20|bytes > 50k
Q
mkdir -p "$TMP/sf" "$TMP/sd"
"$NFREPORT" --html-dir "$TMP/sf" -t 2023-11-14T20:00,2023-11-14T23:00 "$D" not port 53
"$NFREPORT" --html-dir "$TMP/sd" -t 2023-11-14T20:00,2023-11-14T23:00 --db "$CH_URL1" not port 53
for p in hour index week; do page_same "html_dir_$p" "$TMP/sf/$p.html" "$TMP/sd/$p.html"; done
# A marker from an nfchload older than the span columns (span 0): "files
# read" falls back to the files the page's flows come from.
ch_sql 1 "INSERT INTO nfkit.loaded (file, rows, damaged) VALUES ('old-marker', 0, 0)"
"$NFREPORT" -o html --db "$CH_URL1" -t 2023-11-14T22:15,2023-11-14T22:45 >"$TMP/d.html" 2>"$TMP/d.err"
old=$(ch_sql 1 "SELECT uniqExact(file) FROM nfkit.flows WHERE last_ms >= 1700000100000 AND last_ms < 1700001900000")
got=$(grep -o 'id="files">[0-9]*' "$TMP/d.html" | sed 's/.*>//')
if [ -n "$old" ] && [ "$got" = "$old" ]; then pass "html_old_markers (files read $got)"
else fail html_old_markers "files read '$got', the flows' files '$old'"; fi
unset SOURCE_DATE_EPOCH
# --renormalize changes the answer (the IPFIX flows sampled 1 in 100).
"$NFREPORT" --db "$CH_URL1" -q -o csv -s proto >"$TMP/p" 2>&1
"$NFREPORT" --db "$CH_URL1" -q -o csv --renormalize -s proto >"$TMP/r" 2>&1
if [ -s "$TMP/r" ] && ! cmp -s "$TMP/p" "$TMP/r"; then pass db_renorm_differs
else fail db_renorm_differs "$(head -3 "$TMP/r")"; fi
exit $FAILED
