#!/bin/sh
# Golden outputs of nfreport for every format and mode on the flow-tools
# testdata (TZ=UTC).  Regenerate after an intended change with
#   REGEN=1 sh tests/integration/report_golden.sh
# and review the diff of tests/golden/report/.
. "$(dirname "$0")/../lib.sh"
export TZ=UTC
have_shared report_golden || finish
G=$ROOT/tests/golden/report
SEED=$FTDATA/seed-utc
ONE=$SEED/ft-v05.2026-11-26.180515+0000

# name | arguments (word-split; no quoting inside)
cases() {
	cat <<EOC
short_one|-q $ONE
short_dir|$SEED
short_nested|$FTDATA/nested-berlin
short_bigendian|$FTDATA/variants/big-endian
line|-o line $SEED
long|-o long $SEED
csv|-o csv $SEED
json|-o json $SEED
stats_text|-s srcip/bytes -s dstport/flows -s proto/packets -s ip -s port/bytes -s pair/packets -s conversation/bps -s tos -s exporter -s inif -s outif -s srcas -s dstas -s srcport/pps -s dstip/bpp -n 5 $SEED
stats_csv|-o csv -s srcip/bytes -s dstport/flows -s conversation -n 3 $SEED
stats_json|-o json -s srcip/bytes -s port -n 3 $SEED
agg_text|-A srcip,dstport -O bytes $SEED
agg_csv|-o csv -A proto $SEED
agg_json|-o json -A srcip,proto -O flows $SEED
agg_line|-o line -A dstip -O tstart -c 3 $SEED
series_text|--series 1s $SEED
series_csv|-o csv --series 2s $SEED
series_json|-o json --series 2s -q $SEED
filter_tcp80|-o line $SEED proto tcp and port 80
filter_not|-q $ONE not proto tcp and not proto icmp
filter_error|-q $ONE not proto tcp and not icmp-is-not-a-word
filter_bytes|-q $ONE bytes > 100 or flags R
window|-t 2024-01-15T12:00:01,2024-01-15T12:00:05 $FTDATA/variants/flow-cat-stream/flow-cat-of-seed-utc.ft
window_pruned|-t 2024-01-15T12:00:01,2024-01-15T12:00:05 $ONE
limit_sort|-q -c 5 -O bytes $SEED
long_quiet|-o long -q $ONE
EOC
}

cases | while IFS='|' read -r name args; do
	# shellcheck disable=SC2086
	"$NFREPORT" $args >"$TMP/$name" 2>&1
	echo "exit $?" >>"$TMP/$name"
	sed "s|$FTDATA|FTDATA|g" "$TMP/$name" >"$TMP/$name.n"
	if [ -n "${REGEN:-}" ]; then
		cp "$TMP/$name.n" "$G/$name.txt"; echo "PASS: $name (regenerated)"
	elif [ ! -f "$G/$name.txt" ]; then
		fail "$name" "no golden file $G/$name.txt"
	elif diff -u "$G/$name.txt" "$TMP/$name.n" >"$TMP/$name.diff"; then
		pass "$name"
	else
		fail "$name" "differs: $(head -n 12 "$TMP/$name.diff")"
	fi
done | tee "$TMP/log"
grep -q '^FAIL' "$TMP/log" && FAILED=1

# -o ft writes a stream nfreport (and flow-print) can read back.
"$NFREPORT" -o ft "$SEED" proto tcp >"$TMP/subset.ft"
a=$("$NFREPORT" -q "$TMP/subset.ft")
b=$("$NFREPORT" -q "$SEED" proto tcp)
if [ -n "$a" ] && [ "$a" = "$b" ]; then pass ft_roundtrip
else fail ft_roundtrip "subset differs"; fi
# Its header is a streaming flow-tools header: magic, version 3, flag 0x8.
if python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[0] == 0xcf and d[1] == 0x10 and d[3] == 3, "magic"
' "$TMP/subset.ft" 2>/dev/null; then pass ft_header
else fail ft_header "not a flow-tools stream"; fi
finish
