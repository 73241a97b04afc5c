#!/bin/sh
# Disk full on a small tmpfs (256 KiB) during capture: the collector must
# not crash, must never leave a damaged finished file, must count and log
# the failure, and must resume writing when space returns (the abandoned
# file is finished then too).  Needs root (mount); skipped otherwise.
. "$(dirname "$0")/../lib.sh"
need collector_diskfull cc mount umount || finish
have_shared collector_diskfull || finish
need_ftdump collector_diskfull || finish
build_blast || finish

W=$TMP/small; mkdir -p "$W"
if ! mount -t tmpfs -o size=256k nfkit-test "$W" 2>/dev/null; then
	skip "collector_diskfull: cannot mount a tmpfs (not root?)"; finish
fi
trap 'umount "$W" 2>/dev/null; cleanup' EXIT INT TERM

PORT=$(free_udp_port)
start_collector "$PORT" "$TMP/c.log" -p - -F 1 -w "$W" "0/0/$PORT"

# The waits below end when what they wait for is seen (the -F 1 flush, the
# failure logged); each gives up after 10 s and the checks after it then
# fail.
"$TMP/nfv5blast" -p "$PORT" -n 600 -s 1 >/dev/null
wait_for "[ \"\$(ft_records $W/tmp-v05.*)\" = 600 ]"	# flushed
dd if=/dev/zero of="$W/filler" bs=4k 2>/dev/null	# fill the disk
"$TMP/nfv5blast" -p "$PORT" -n 6000 -r 6000 -s 2 >/dev/null
wait_for "grep -q 'No space left' '$TMP/c.log'"	# the flush fails now
if kill -0 "$CPID" 2>/dev/null && grep -q "No space left" "$TMP/c.log"; then
	pass "disk full: still running, failure logged"
else
	fail "disk full: died or silent: $(tail -n 5 "$TMP/c.log")"
fi
rm -f "$W/filler"			# space returns
# The writer retries at most every -F (1) s after a failure and drops what
# comes before; when the failed flush was its last write, the retry comes
# with the next datagrams, not on a timer.  So this one stays a sleep.
sleep 2.5				# retry: reopen, finish the abandoned file
"$TMP/nfv5blast" -p "$PORT" -n 600 -s 3 >/dev/null
wait_udp_read "$PORT"
stop "$CPID" TERM
rc=$?
[ "$rc" = 0 ] && pass "disk full: SIGTERM exit 0 after recovery" || fail "disk full: exit $rc"

ok=1
for f in "$W"/ft-v05.*; do
	[ -e "$f" ] || { ok=0; echo "no finished files"; break; }
	st=$("$FTDUMP" -s "$f" | sed 's/.*status=//')
	fl=$("$FTDUMP" -h "$f" | sed -n 's/^flags=//p')
	[ "$st" = ok ] && [ "$fl" = 0x3 ] || { ok=0; echo "$f: $st flags $fl"; }
done
ls "$W"/tmp-* >/dev/null 2>&1 && { ok=0; echo "tmp- left: $(ls "$W")"; }
[ "$ok" = 1 ] && pass "disk full: every finished file intact, no tmp- left" ||
    fail "disk full: files: $(ls -l "$W")"
stored=$(ft_records "$W"/ft-v05.*)
# The 600 flows before (flushed) and the 600 after must be there.
[ "$stored" -ge 1200 ] && [ "$stored" -le 7200 ] &&
    pass "disk full: $stored flows kept (>= 600 before + 600 after; of 7200 sent)" ||
    fail "disk full: $stored flows kept"
finish
