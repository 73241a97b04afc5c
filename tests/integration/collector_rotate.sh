#!/bin/sh
# Rotation on the wall clock with a test-only fast clock
# (NFCOLLECTD_TEST_ROTATE_SECONDS=2: a file every two seconds, boundaries
# counted from local midnight like -n), under a steady stream from the v5
# blaster: every file is named after its start, every file after the first
# starts on a boundary, each file starts where the previous one ended, and
# the files together hold exactly the flows sent, with no loss counted.
# Then nesting: one datagram with each -N from -3 to 3 lands in the
# directory flow-tools would use.
. "$(dirname "$0")/../lib.sh"
need collector_rotate cc python3 || finish
have_shared collector_rotate || finish
need_ftdump collector_rotate || finish
build_blast || finish
export TZ=UTC

W=$TMP/rot; mkdir -p "$W"
PORT=$(free_udp_port)
export NFCOLLECTD_TEST_ROTATE_SECONDS=2
start_collector "$PORT" "$TMP/rot.log" -p - -N 3 -w "$W" "0/0/$PORT"
unset NFCOLLECTD_TEST_ROTATE_SECONDS
"$TMP/nfv5blast" -p "$PORT" -n 9000 -r 2000 -c 30 >"$TMP/blast.out"
sleep 0.3
stop "$CPID" TERM
sent=$(sed -n 's/.*flows=\([0-9]*\).*/\1/p' "$TMP/blast.out")

day=$(date +%Y/%Y-%m/%Y-%m-%d)
files=$(find "$W" -type f | sort)
n=$(echo "$files" | grep -c .)
[ "$n" -ge 3 ] && pass "rotation: $n files for 4.5 s of data at a 2 s interval" ||
    fail "rotation: only $n files: $files"
bad=$(echo "$files" | grep -v "^$W/$day/ft-v05\.[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\.[0-9]\{6\}+0000\(\.[0-9]*\)\?$")
[ -z "$bad" ] && pass "rotation: names and -N 3 directories as flow-capture's" ||
    fail "rotation: unexpected names: $bad"

# Per file: name time, capture start/end, flows, lost, resets.
echo "$files" | while read -r f; do
	b=$(basename "$f" | sed 's/\.[0-9]*$//;s/^ft-v05\.//')
	t=$(date -d "$(echo "$b" | sed 's/\(....-..-..\)\.\(..\)\(..\)\(..\)+0000/\1 \2:\3:\4 UTC/')" +%s)
	"$FTDUMP" -h -s "$f" | awk -v t="$t" -F= '
	    /^start=/ { s = $2 } /^end=/ { e = $2 } /^lost=/ { l = $2 }
	    /^resets=/ { r = $2 } /records=/ { split($0, a, /records=| /); }
	    /status=/ { st = $0 }
	    END { print t, s, e, l, r, (st ~ /status=ok/) ? "ok" : "damaged" }'
done >"$TMP/table"
total=0; prev_end=""; i=0; ok=1
while read -r t s e l r st; do
	i=$((i + 1))
	[ "$t" = "$s" ] || { ok=0; echo "file $i: name $t, start $s"; }
	[ "$l" = 0 ] && [ "$r" = 0 ] && [ "$st" = ok ] || { ok=0; echo "file $i: lost $l resets $r $st"; }
	[ $i -gt 1 ] && [ $((s % 2)) -ne 0 ] && { ok=0; echo "file $i starts off a boundary: $s"; }
	[ -n "$prev_end" ] && [ "$prev_end" != "$s" ] && { ok=0; echo "file $i: gap $prev_end -> $s"; }
	prev_end=$e
done <"$TMP/table"
[ "$ok" = 1 ] && pass "rotation: starts on boundaries, each file starts where the last ended, no loss" ||
    fail "rotation: file table wrong: $(cat "$TMP/table" | tr '\n' ';')"
stored=$(ft_records $files)
[ "$stored" = "$sent" ] && pass "rotation: $stored flows stored = $sent sent, none duplicated or lost" ||
    fail "rotation: stored $stored, sent $sent"

# Nesting: -N -3..3.
ok=1
for N in -3 -2 -1 0 1 2 3; do
	W=$TMP/nest$N; mkdir -p "$W"
	PORT=$(free_udp_port)
	start_collector "$PORT" "$TMP/nest.log" -p - -N "$N" -w "$W" "0/0/$PORT"
	"$TMP/nfv5blast" -p "$PORT" -n 30 >/dev/null
	wait_for "find $W -name 'tmp-v05*' | grep -q ."
	stop "$CPID" TERM
	case $N in
	0) d= ;; 1) d=$(date +%Y)/ ;; 2) d=$(date +%Y/%Y-%m)/ ;;
	3|-3) d=$(date +%Y/%Y-%m/%Y-%m-%d)/ ;; -1) d=$(date +%Y-%m-%d)/ ;;
	-2) d=$(date +%Y-%m/%Y-%m-%d)/ ;;
	esac
	got=$(cd "$W" && find . -type f | sed 's|^\./||')
	case $got in
	"${d}"ft-v05.*) ;;
	*) ok=0; echo "-N $N: got $got, want ${d}ft-v05.*" ;;
	esac
done
[ "$ok" = 1 ] && pass "nesting: -N -3..3 directories as flow-tools" || fail "nesting"

# -n 1439 (the fastest real schedule) is accepted and means 60 s; 1440 is refused.
"$NFCOLLECTD" -D -n 1440 -w "$TMP" 0/0/9 2>"$TMP/n.err" && fail "-n 1440 accepted" ||
    { grep -q -- "-n 1440" "$TMP/n.err" && pass "-n 1440 refused with a message naming the flag" ||
      fail "-n 1440 message: $(cat "$TMP/n.err")"; }
finish
