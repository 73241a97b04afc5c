#!/bin/sh
# Files a daemon started as root must not be turned against (issue 11 and
# the "files we touch and how" table in docs/RELIABILITY.md), tried on the
# real programs in a temporary directory:
#  1. -p naming a symlink: both daemons refuse; the linked file is intact.
#  2. nfsensord -c naming a regular file: refused, the file is intact.
#  3. a rec- symlink planted beside a leftover tmp- file: recovery neither
#     writes through it nor renames a symlink into the archive.
#  4. a FIFO named tmp- in the spool: the collector still starts and says
#     what it skipped; a FIFO named ft- does not hang nfreport; a symlink
#     at a page's name in nfreport --html-dir is replaced, not written
#     through.
#  5. -R during start-up recovery: the hook leaves no zombie behind.
#  6. the pidfile after -u: emptied and left in place (the unprivileged
#     daemon cannot unlink it), removed when there was no -u.
#  7. the uptime wrap on the wire: a v5 flow stamped just before the
#     exporter's uptime wrapped is stored a minute in the past, not weeks
#     in the future, so a -t window around "now" finds it.
# The symlink and FIFO cases need root (a root daemon is what they are
# about); without root they are skipped.
. "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" != 0 ]; then
	skip "files_hostile: needs root"
	finish
fi
need files_hostile python3 ss || finish

# start_collector DIR LOG [flags]: nfcollectd in the foreground on a free
# port; CPID, PORT set.  Returns non-zero if the port never gets bound.
start_collector() {
	_w=$1 _l=$2; shift 2
	PORT=$(free_udp_port)
	bg "$NFCOLLECTD" -D "$@" -w "$_w" "127.0.0.1/0/$PORT" 2>"$_l"
	CPID=$LASTPID
	wait_for "ss -Hlun 'sport = :$PORT' | grep -q ."
}

# refused CMD...: run a daemon that must refuse to start; RC is its exit
# status, or "running" if it was still up after 10 s (then stopped).
refused() {
	"$@" &
	_p=$!; PIDS="$PIDS $_p"
	if wait_for "gone $_p"; then
		wait "$_p"; RC=$?
	else
		stop "$_p"; RC=running
	fi
}

SEED=$FTDATA/seed-utc/ft-v05.2026-11-26.180515+0000
NAME=v05.2026-11-26.180515+0000

# 1. -p through a symlink.
echo precious >"$TMP/victim"
ln -s "$TMP/victim" "$TMP/link.pid"
mkdir -p "$TMP/w1"
refused "$NFCOLLECTD" -D -p "$TMP/link.pid" -w "$TMP/w1" \
    "127.0.0.1/0/$(free_udp_port)" 2>"$TMP/p1.log"
rc=$RC
[ "$rc" = 1 ] && [ "$(cat "$TMP/victim")" = precious ] &&
    grep -q 'symbolic link' "$TMP/p1.log" &&
    pass "collector -p symlink: refused (exit 1), linked file intact" ||
    fail "collector -p symlink: exit $rc, victim '$(cat "$TMP/victim")': $(cat "$TMP/p1.log")"
refused "$NFSENSORD" -d -i lo -c "$TMP/s1.ctl" -p "$TMP/link.pid" \
    -n 127.0.0.1:9 2>"$TMP/p2.log"
rc=$RC
[ "$rc" = 1 ] && [ "$(cat "$TMP/victim")" = precious ] &&
    pass "sensor -p symlink: refused (exit 1), linked file intact" ||
    fail "sensor -p symlink: exit $rc, victim '$(cat "$TMP/victim")': $(cat "$TMP/p2.log")"

# 2. nfsensord -c on a regular file.
echo precious >"$TMP/notasocket"
refused "$NFSENSORD" -d -i lo -c "$TMP/notasocket" -p - -n 127.0.0.1:9 \
    2>"$TMP/c.log"
rc=$RC
[ "$rc" = 1 ] && [ -f "$TMP/notasocket" ] &&
    [ "$(cat "$TMP/notasocket")" = precious ] &&
    grep -q 'not a socket' "$TMP/c.log" &&
    pass "sensor -c regular file: refused (exit 1), file intact" ||
    fail "sensor -c regular file: exit $rc, $(ls -l "$TMP/notasocket" 2>&1): $(cat "$TMP/c.log")"

if have_shared files_hostile; then
	# 3. A planted rec- symlink.  The readdir order decides whether the
	# collector meets rec- or tmp- first; both orders must be safe, so
	# plant in several directories (-N nesting is not needed for this).
	W=$TMP/w3; mkdir -p "$W"
	cp "$SEED" "$W/tmp-$NAME"
	echo "root's file" >"$TMP/victim3"
	ln -s "$TMP/victim3" "$W/rec-$NAME"
	start_collector "$W" "$TMP/r3.log" -p - || fail "rec- symlink: collector did not start"
	wait_for "[ -e '$W/ft-$NAME' ]"
	stop "$CPID"
	if [ "$(cat "$TMP/victim3")" = "root's file" ] && [ -f "$W/ft-$NAME" ] &&
	    [ ! -L "$W/ft-$NAME" ] && [ ! -e "$W/rec-$NAME" ] &&
	    [ -z "$(find "$W" -type l)" ]; then
		pass "rec- symlink: recovery wrote its own file; victim intact, no symlink archived"
	else
		fail "rec- symlink: victim '$(cat "$TMP/victim3")'; $(ls -l "$W")"
	fi

	# 4. FIFOs named like flow files.
	W=$TMP/w4; mkdir -p "$W"
	mkfifo "$W/tmp-$NAME"
	if start_collector "$W" "$TMP/f4.log" -p - &&
	    wait_for "grep -q started '$TMP/f4.log'" &&
	    grep -q "tmp-$NAME is not a regular file; skipped" "$TMP/f4.log" &&
	    [ -p "$W/tmp-$NAME" ]; then
		pass "tmp- FIFO: collector started, said what it skipped, left it"
	else
		fail "tmp- FIFO: collector hung or was silent: $(cat "$TMP/f4.log")"
	fi
	stop "$CPID"
	rm -f "$W/tmp-$NAME"
	R=$TMP/r4; mkdir -p "$R"
	cp "$SEED" "$R/ft-$NAME"
	mkfifo "$R/ft-v05.2026-11-26.190000+0000"
	timeout 20 "$NFREPORT" -q "$R" >"$TMP/rep.out" 2>"$TMP/rep.err"
	rc=$?
	[ "$rc" != 124 ] && [ -s "$TMP/rep.out" ] &&
	    grep -q 'not a regular file' "$TMP/rep.err" &&
	    pass "ft- FIFO: nfreport read the real file and skipped the FIFO (exit $rc)" ||
	    fail "ft- FIFO: nfreport exit $rc: $(cat "$TMP/rep.err")"

	# A symlink planted at a page's name in --html-dir: the page replaces
	# the link (temporary file + rename), the file it named is intact.
	H=$TMP/site; mkdir -p "$H"
	echo "root's file" >"$TMP/victim4"
	ln -s "$TMP/victim4" "$H/index.html"
	"$NFREPORT" -U --html-dir "$H" -t ",2026-11-27" "$FTDATA/seed-utc" \
	    2>"$TMP/html.err"; rc=$?
	[ "$rc" = 0 ] && [ "$(cat "$TMP/victim4")" = "root's file" ] &&
	    [ -f "$H/index.html" ] && [ ! -L "$H/index.html" ] &&
	    pass "--html-dir: a page replaces a planted link, the linked file intact" ||
	    fail "--html-dir: exit $rc, victim '$(cat "$TMP/victim4")': $(cat "$TMP/html.err")"

	# 5. -R during start-up recovery leaves no zombie.
	# Twenty leftovers, so that the first hooks exit while the later
	# files are still being recovered (each ends with an fsync).
	W=$TMP/w5; mkdir -p "$W"
	for i in 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29; do
		cp "$SEED" "$W/tmp-v05.2026-11-26.1805$i+0000"
	done
	printf '#!/bin/sh\necho "$1" >>%s\n' "$TMP/hook.ran" >"$TMP/hook"
	chmod 755 "$TMP/hook"
	start_collector "$W" "$TMP/z5.log" -p - -R "$TMP/hook" ||
	    fail "-R recovery: collector did not start"
	wait_for "[ \$(wc -l <'$TMP/hook.ran') -ge 20 ]"
	# Wait until every child has either gone or become a zombie.
	wait_for "! ps -o stat= --ppid $CPID | grep -vq '^Z'"
	z=$(ps -o pid=,stat= --ppid "$CPID" | awk '$2 ~ /^Z/' | wc -l)
	n=$(wc -l <"$TMP/hook.ran")
	[ "$n" = 20 ] && [ "$z" = 0 ] &&
	    pass "-R recovery: hook ran on all 20 recovered files, no zombie left" ||
	    fail "-R recovery: hook ran $n times; $z zombie(s)"
	stop "$CPID"
fi

# 6. The pidfile after -u (the directory stays root's).  The spool must be
# reachable by nobody: the collector locks it as that user before starting.
if getent passwd nobody >/dev/null; then
	W=$TMP/w6; mkdir -p "$W"; chown nobody "$W"; chmod 711 "$TMP"
	start_collector "$W" "$TMP/u6.log" -p "$TMP/u6.pid" -u nobody ||
	    fail "pidfile -u: collector did not start"
	# The port is bound before the pidfile is written: wait for it.
	wait_for "[ -s '$TMP/u6.pid' ] && grep -q started '$TMP/u6.log'"
	[ "$(cat "$TMP/u6.pid")" = "$CPID" ] || fail "pidfile -u: holds '$(cat "$TMP/u6.pid")', not $CPID"
	stop "$CPID"
	[ -f "$TMP/u6.pid" ] && [ ! -s "$TMP/u6.pid" ] &&
	    pass "pidfile -u: left in place, emptied at exit" ||
	    fail "pidfile -u: $(ls -l "$TMP/u6.pid" 2>&1) '$(cat "$TMP/u6.pid" 2>/dev/null)'"
	start_collector "$W" "$TMP/u7.log" -p "$TMP/u7.pid" ||
	    fail "pidfile: collector did not start"
	wait_for "[ -s '$TMP/u7.pid' ] && grep -q started '$TMP/u7.log'"
	stop "$CPID"
	[ ! -e "$TMP/u7.pid" ] && pass "pidfile without -u: removed at exit" ||
	    fail "pidfile without -u: still there"
else
	skip "pidfile -u: no user nobody"
fi

# 7. The uptime wrap on the wire.
W=$TMP/w7; mkdir -p "$W"
start_collector "$W" "$TMP/t7.log" -p - || fail "uptime wrap: collector did not start"
now=$(date +%s)
python3 - "$PORT" "$now" <<'EOF'
import socket, struct, sys
port, now = int(sys.argv[1]), int(sys.argv[2])
# v5 header: sys_uptime 1000 ms, i.e. the exporter's uptime wrapped 1 s ago.
hdr = struct.pack('!HHIIIIBBH', 5, 1, 1000, now, 0, 0, 0, 0, 0)
rec = struct.pack('!IIIHHIIIIHHBBBBHHBBH', 0x0a000001, 0x0a000002, 0,
                  1, 2, 7, 700, 0xffff0000, 0xfffff000, 1234, 80, 0, 0x10,
                  6, 0, 0, 0, 0, 0, 0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(hdr + rec, ('127.0.0.1', port))
EOF
wait_for "ls '$W'/tmp-v05.* || ls '$W'/ft-v05.*" ||
    fail "uptime wrap: the collector opened no file for the flow"
stop "$CPID"
# The flow ended 1000 + 0x1000 ms before the header: inside the last hour.
got=$("$NFREPORT" -q -U -t -1h,-0 "$W" 2>&1 | grep -c ' -> ')
[ "$got" = 1 ] && pass "uptime wrap: the flow is dated in the last hour (found by -t -1h,-0)" ||
    fail "uptime wrap: -t -1h,-0 found $got flows; all: $("$NFREPORT" -q "$W" 2>&1 | head -3)"
finish
