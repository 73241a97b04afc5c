#!/bin/sh
# Two nfcollectd started at the same instant on one spool directory, on
# two ports and without pidfiles (-p -): exactly one runs, 20 times over.
# Both used to run, each finishing ("recovering") the other's open tmp-
# files at start and writing files of the same names.  The loser must exit
# 1 naming the other collector; the winner, once stopped, must leave no
# lock file behind.  About 6 s.
. "$(dirname "$0")/../lib.sh"
W=$TMP/spool
mkdir -p "$W"
# Two distinct free ports, both bound at once while they are picked.
set -- $(python3 -c 'import socket
s = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for i in (0, 1)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
PA=$1 PB=$2

# collector NAME PORT: in the background, its PID in $LASTPID.  PIDS holds
# only the round's live collectors: a PID once waited for may be reused.
collector() {
	"$NFCOLLECTD" -D -p - -w "$W" "127.0.0.1/0/$2" 2>"$TMP/$1.log" &
	LASTPID=$!
	PIDS="$PIDS $LASTPID"
}

bad=0 round=1
while [ $round -le 20 ]; do
	collector a "$PA"; A=$LASTPID
	collector b "$PB"; B=$LASTPID
	one_runs "$A" "$B" "$TMP/a.log" "$TMP/b.log" 'another nfcollectd writes there'
	why=$WHY
	for p in $WINNERS; do stop "$p"; done
	PIDS=""
	[ -z "$why" ] && [ -e "$W/.nfcollectd.lock" ] && why="lock file left behind"
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		[ $bad -le 3 ] && echo "round $round: $why"
	fi
	rm -f "$W/.nfcollectd.lock"
	round=$((round + 1))
done
[ $bad = 0 ] && pass "collector_spool_lock: 20 rounds of two collectors on one spool, exactly one ran each time" ||
    fail "collector_spool_lock: $bad of 20 rounds went wrong"
finish
