#!/bin/sh
# nfcollectd -j DIR -u nobody: after binding, the collector runs chrooted in
# DIR as nobody (checked in /proc), and still writes and finishes its file.
. "$(dirname "$0")/../lib.sh"
id nobody >/dev/null 2>&1 || { skip "chroot: no user nobody"; finish; }
[ "$(id -u)" = 0 ] || { skip "chroot: needs root"; finish; }
mkdir -p "$TMP/jail/flows"
chown nobody "$TMP/jail/flows"
chmod 755 "$TMP"
port=$(free_udp_port)
start_collector "$port" /dev/stderr -p "$TMP/pid" -j "$TMP/jail" -u nobody \
    -w "$TMP/jail/flows" "127.0.0.1/0/$port"
pid=$CPID
sleep 0.3
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
root=$(readlink "/proc/$pid/root")
[ "$uid" = 65534 ] && pass "chroot: runs as nobody (uid $uid)" || fail "chroot: uid is $uid"
[ "$root" = "$TMP/jail" ] && pass "chroot: root is the jail" || fail "chroot: root is $root"
python3 - "$port" <<'PY'
import socket, struct, sys
h = struct.pack('!HHIIIIBBH', 5, 2, 1000, 1795694400, 0, 0, 0, 0, 0)
r = b''.join(struct.pack('!IIIHHIIIIHHBBBBHHBBH', 0x0a000001, 0x0a000002 + i, 0, 0, 0,
                         3, 120, 0, 0, 1000 + i, 80, 0, 0x12, 6, 0, 0, 0, 0, 0, 0) for i in range(2))
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(h + r, ('127.0.0.1', int(sys.argv[1])))
PY
sleep 0.3
stop "$pid" TERM
set -- $(report_totals "$TMP/jail/flows")
[ "$*" = "2 6 240" ] && pass "chroot: both flows stored and finished (ft- file)" ||
    fail "chroot: report totals '$*', want '2 6 240'"
ls "$TMP/jail/flows"/ft-v05.* >/dev/null 2>&1 && pass "chroot: file renamed to ft-" ||
    fail "chroot: no ft- file: $(ls "$TMP/jail/flows")"
"$NFCOLLECTD" -D -j "$TMP/elsewhere" -w "$TMP/jail/flows" "127.0.0.1/0/$port" 2>"$TMP/err"
[ $? -eq 1 ] && pass "chroot: missing -j directory refused with exit 1" || fail "chroot: bad -j not refused"
mkdir -p "$TMP/other"
"$NFCOLLECTD" -D -j "$TMP/other" -w "$TMP/jail/flows" "127.0.0.1/0/$port" 2>"$TMP/err"
grep -q "not inside" "$TMP/err" && pass "chroot: -w outside the jail refused" || fail "chroot: $(cat "$TMP/err")"
finish
