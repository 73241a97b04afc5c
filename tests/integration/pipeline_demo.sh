#!/bin/sh
# make demo's pipeline, checked: the bundled capture through all three
# programs gives the totals tshark computes for it (867 IPv4 packets; bytes
# are the sum of the IP total lengths) and the report ends with a summary.
. "$(dirname "$0")/../lib.sh"
PCAP=$ROOT/tests/data/demo.pcap
d=$TMP/demo
if ! pipeline "$PCAP" "$d"; then
	fail "demo pipeline: nfsensord failed"; finish
fi
ls "$d"/ft-v05.* >/dev/null 2>&1 && pass "demo: collector finished an ft-v05 file" ||
    fail "demo: no ft-v05 file in $(ls "$d")"
ls "$d"/tmp-* >/dev/null 2>&1 && fail "demo: tmp- file left after SIGTERM" ||
    pass "demo: no tmp- file left"
set -- $(report_totals "$d")
# The oracle: independent of our code, from the capture itself.
if command -v tshark >/dev/null 2>&1; then
	want=$(tshark -r "$PCAP" -Y ip -T fields -e ip.len 2>/dev/null |
	    awk '{ p++; b += $1 } END { printf "%d %d", p, b }')
else
	want="867 $(python3 -c '
import struct,sys
d=open(sys.argv[1],"rb").read(); o=24; b=0
while o < len(d):
    n=struct.unpack_from("<I",d,o+8)[0]; b+=struct.unpack_from("!H",d,o+16+16)[0]; o+=16+n
print(b)' "$PCAP")"
fi
[ "$2 $3" = "$want" ] && pass "demo: report totals $2 packets $3 bytes match the capture" ||
    fail "demo: report $2 packets $3 bytes, capture has $want"
"$NFREPORT" -U "$d" | tail -n 1 | grep -qi 'flows' && pass "demo: report ends with a summary" ||
    fail "demo: no summary line"
finish
