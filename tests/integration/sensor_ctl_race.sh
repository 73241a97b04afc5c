#!/bin/sh
# Two nfsensord started at the same instant on one control socket: exactly
# one runs, 20 times over.  The daemons have pidfiles of their own, so only
# the control socket's check decides.  That check used to be a connect()
# probe: a socket between bind() and listen() refuses connections like a
# dead one, so the second daemon removed the first one's socket as stale
# and both ran.  NFSENSORD_TEST_LISTEN_DELAY_MS widens that gap to 200 ms,
# so the old fault shows every time: in odd rounds both start together, in
# even rounds the second starts once the first one's socket exists (the
# first is then inside the gap).  The loser must exit 1 naming the other
# daemon; the winner must answer nfctl and, after shutdown, leave neither
# its socket nor its lock file behind.  Capture on lo, filtered to nothing;
# about 8 s.
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" = 0 ] || { skip "sensor_ctl_race: needs root to capture on lo"; finish; }
CTL=$TMP/ctl
export NFSENSORD_TEST_LISTEN_DELAY_MS=200

# sensor NAME: a daemon in the background, its PID in $LASTPID.  PIDS
# holds only the round's live daemons: a PID once waited for may be reused.
sensor() {
	"$NFSENSORD" -d -i lo -c "$CTL" -p "$TMP/$1.pid" -n 127.0.0.1:9 \
	    "udp and src port 7 and dst port 7" >"$TMP/$1.log" 2>&1 &
	LASTPID=$!
	PIDS="$PIDS $LASTPID"
}

bad=0 round=1
while [ $round -le 20 ]; do
	sensor a; A=$LASTPID
	[ $((round % 2)) = 0 ] && wait_for "[ -S '$CTL' ]"
	sensor b; B=$LASTPID
	one_runs "$A" "$B" "$TMP/a.log" "$TMP/b.log" 'another nfsensord is running'
	why=$WHY
	if [ -z "$why" ]; then
		wait_for "'$NFCTL' -c '$CTL' statistics" ||
		    why="the running daemon does not answer on $CTL"
		"$NFCTL" -c "$CTL" shutdown >/dev/null 2>&1
	fi
	for p in $WINNERS; do stop "$p"; done
	PIDS=""
	if [ -z "$why" ] && { [ -e "$CTL" ] || [ -e "$CTL.lock" ]; }; then
		why="left behind: $(ls "$TMP")"
	fi
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		[ $bad -le 3 ] && echo "round $round: $why"
	fi
	rm -f "$CTL" "$CTL.lock"
	round=$((round + 1))
done
[ $bad = 0 ] && pass "sensor_ctl_race: 20 rounds of two daemons at once, exactly one ran each time" ||
    fail "sensor_ctl_race: $bad of 20 rounds went wrong"
finish
