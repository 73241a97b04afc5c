#!/bin/sh
# nfkit's IPFIX files (RFC 5655) read by nfreport and by two independent
# decoders.  ipfix_gen writes files of IPv4 and IPv6 flows (exporters of
# both families), raw and compressed; nfreport converts every flow-tools
# test file with -o ipfix.  After decompression, ipfixDump (libfixbuf) and
# tshark must read every file with the same record count and fields as
# nfreport prints; the conversion must print exactly what the ft file
# prints; -o ft skips IPv6 flows with a warning; a run over ft and IPFIX
# files reads both; softflowd's IPFIX messages, concatenated as a foreign
# RFC 5655 file, read as tshark decodes them; a truncated IPFIX file keeps
# its good records and says so.
. "$(dirname "$0")/../lib.sh"
export TZ=UTC
have_shared report_ipfix || finish
need report_ipfix python3 || finish
GEN=$ROOT/build/tools/ipfix_gen
[ -x "$GEN" ] || { fail "report_ipfix: $GEN not built"; finish; }

# Files: two generated (raw, compressed), plus every ft test file converted.
"$GEN" "$TMP/gen-raw.ipfix" 3000 0 1 || fail "gen raw"
"$GEN" "$TMP/gen-z.ipfix" 20000 -1 2 || fail "gen compressed"
n=0
for f in "$FTDATA"/seed-utc/ft-* "$FTDATA"/variants/*/ft-* \
    "$FTDATA"/nested-berlin/*/*/*/ft-*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	if ! "$NFREPORT" -o ipfix "$f" >"$TMP/conv$n.ipfix" 2>"$TMP/conv$n.err"
	then
		fail "convert $f: $(cat "$TMP/conv$n.err")"; continue
	fi
	"$NFREPORT" -q -o csv "$f" >"$TMP/conv$n.ft.csv"
	"$NFREPORT" -q -o csv "$TMP/conv$n.ipfix" >"$TMP/conv$n.ipfix.csv"
	if cmp -s "$TMP/conv$n.ft.csv" "$TMP/conv$n.ipfix.csv"; then
		pass "convert $(basename "$f"): $(($(wc -l <"$TMP/conv$n.ft.csv") - 1)) flows, same csv"
	else
		fail "convert $(basename "$f"): csv differs"
	fi
done

# Every file: nfreport's csv against ipfixDump and tshark.
check_file() {	# file
	f=$1 b=$(basename "$1")
	if ! "$NFREPORT" -q -o csv "$f" >"$f.csv" 2>"$f.err"; then
		fail "$b: nfreport: $(cat "$f.err")"; return
	fi
	python3 - "$f" "$f.raw" <<'PY' || { fail "$b: cannot decompress"; return; }
import sys, zlib
d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d if d[:2] == b"\x00\x0a" else zlib.decompress(d))
PY
	if need "$b ipfixDump" ipfixDump; then
		if ipfixDump --in "$f.raw" --out "$f.dump" 2>"$f.derr" &&
		    python3 - "$f.csv" "$f.dump" >"$f.dcmp" 2>&1 <<'PY'
import csv, ipaddress, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
recs, cur = [], None
for line in open(sys.argv[2]):
    if line.startswith("--- data record"):
        cur = {}; recs.append(cur); continue
    m = re.match(r"\s*\((\d+)\)\s+(\w+) : (.*)$", line)
    if m and cur is not None:
        cur[m.group(2)] = m.group(3).strip()
flows = [r for r in recs if "packetDeltaCount" in r]
assert len(recs) == len(flows) + 1, "want one statistics record, got %d" % (len(recs) - len(flows))
assert len(flows) == len(rows), "ipfixDump %d records, nfreport %d" % (len(flows), len(rows))
def ip(s): return str(ipaddress.ip_address(s))
pairs = [("srcip", ("sourceIPv4Address", "sourceIPv6Address"), ip),
         ("dstip", ("destinationIPv4Address", "destinationIPv6Address"), ip),
         ("nexthop", ("ipNextHopIPv4Address", "ipNextHopIPv6Address"), ip),
         ("exporter", ("exporterIPv4Address", "exporterIPv6Address"), ip),
         ("srcport", ("sourceTransportPort",), int), ("dstport", ("destinationTransportPort",), int),
         ("proto", ("protocolIdentifier",), int), ("tos", ("ipClassOfService",), int),
         ("flags", ("tcpControlBits",), int),
         ("packets", ("packetDeltaCount",), int), ("bytes", ("octetDeltaCount",), int),
         ("inif", ("ingressInterface",), int), ("outif", ("egressInterface",), int),
         ("srcas", ("bgpSourceAsNumber",), int), ("dstas", ("bgpDestinationAsNumber",), int)]
for i, (r, d) in enumerate(zip(rows, flows)):
    for col, names, conv in pairs:
        v = [d[n] for n in names if n in d]
        assert v, "record %d: no %s" % (i, names)
        a, b = conv(r[col]), conv(v[0].split()[0])
        assert a == b, "record %d %s: nfreport %r, ipfixDump %r" % (i, col, a, b)
    v6 = "sourceIPv6Address" in d
    assert r["ipversion"] == ("6" if v6 else "4"), "record %d ipversion" % i
print(len(rows))
PY
		then
			pass "$b: ipfixDump reads $(cat "$f.dcmp") records, every field as nfreport"
		else
			fail "$b: ipfixDump: $(tail -n 3 "$f.dcmp" "$f.derr" 2>/dev/null)"
		fi
	fi
	if need "$b tshark" tshark; then
		if tshark -r "$f.raw" -T fields -E occurrence=a -E aggregator=';' \
		    -e cflow.srcaddr -e cflow.srcaddrv6 -e cflow.packets \
		    -e cflow.octets >"$f.tsh" 2>"$f.terr" &&
		    python3 - "$f.csv" "$f.tsh" >"$f.tcmp" 2>&1 <<'PY'
import csv, ipaddress, sys
from collections import Counter
rows = list(csv.DictReader(open(sys.argv[1])))
src, pk, by = Counter(), Counter(), Counter()
for line in open(sys.argv[2]):
    c = line.rstrip("\n").split("\t")
    for s in (c[0], c[1]):
        for a in filter(None, s.split(";")):
            src[str(ipaddress.ip_address(a))] += 1
    pk.update(int(x) for x in filter(None, c[2].split(";")))
    by.update(int(x) for x in filter(None, c[3].split(";")))
assert sum(pk.values()) == len(rows), "tshark %d records, nfreport %d" % (sum(pk.values()), len(rows))
assert src == Counter(r["srcip"] for r in rows), "source addresses differ"
assert pk == Counter(int(r["packets"]) for r in rows), "packets differ"
assert by == Counter(int(r["bytes"]) for r in rows), "bytes differ"
print(len(rows))
PY
		then
			pass "$b: tshark reads $(cat "$f.tcmp") records, same addresses, packets, bytes"
		else
			fail "$b: tshark: $(tail -n 3 "$f.tcmp" "$f.terr" 2>/dev/null)"
		fi
	fi
}
for f in "$TMP"/*.ipfix; do check_file "$f"; done

# -o ft keeps the IPv4 flows and names the IPv6 ones it skipped.
v4=$("$NFREPORT" -q -o csv "$TMP/gen-raw.ipfix" inet | tail -n +2 | wc -l)
v6=$("$NFREPORT" -q -o csv "$TMP/gen-raw.ipfix" inet6 | tail -n +2 | wc -l)
"$NFREPORT" -o ft "$TMP/gen-raw.ipfix" >"$TMP/v4.ft" 2>"$TMP/v4.err"
got=$("$NFREPORT" -q -o csv "$TMP/v4.ft" | tail -n +2 | wc -l)
if [ "$got" -eq "$v4" ] && [ "$v6" -gt 0 ] &&
    grep -q "$v6 IPv6 flows skipped" "$TMP/v4.err"; then
	pass "-o ft: $v4 IPv4 flows kept, $v6 IPv6 skipped with a warning"
else
	fail "-o ft: kept $got of $v4, warning: $(cat "$TMP/v4.err")"
fi

# --renormalize: the totals are packets x sampling interval as ipfixDump
# shows them; off by default; named in the text output and the web page.
if [ -s "$TMP/gen-raw.ipfix.dump" ]; then
	want=$(python3 - "$TMP/gen-raw.ipfix.dump" <<'PY'
import re, sys
pk = si = None; tot = 0
for line in open(sys.argv[1]):
    m = re.match(r"\s*\((\d+)\)\s+(\w+) : (\S+)", line)
    if not m: continue
    if m.group(2) == "packetDeltaCount": pk = int(m.group(3))
    if m.group(2) == "samplingInterval":
        si = int(m.group(3)); tot += pk * (si if si > 1 else 1)
print(tot)
PY
)
	plain=$("$NFREPORT" -o csv "$TMP/gen-raw.ipfix" | tail -n 1 | cut -d, -f2)
	got=$("$NFREPORT" -o csv --renormalize "$TMP/gen-raw.ipfix" | tail -n 1 |
	    cut -d, -f2)
	head=$("$NFREPORT" --renormalize -c 1 "$TMP/gen-raw.ipfix" | head -n 1)
	# csv and json name it in their summary, never in a comment line.
	csvsum=$("$NFREPORT" -o csv --renormalize "$TMP/gen-raw.ipfix" |
	    tail -n 2 | head -n 1)
	jsonbad=$("$NFREPORT" -o json --renormalize "$TMP/gen-raw.ipfix" |
	    grep -cv '^{')
	jsonsum=$("$NFREPORT" -o json --renormalize "$TMP/gen-raw.ipfix" |
	    tail -n 1)
	"$NFREPORT" -o html --renormalize "$TMP/gen-raw.ipfix" >"$TMP/r.html"
	if [ "$got" = "$want" ] && [ "$plain" -lt "$got" ] &&
	    [ "${head#\# packets and bytes renormalised}" != "$head" ] &&
	    [ "${csvsum%,renormalized}" != "$csvsum" ] && [ "$jsonbad" = 0 ] &&
	    echo "$jsonsum" | grep -q '"type":"summary".*,"renormalized":true}$' &&
	    grep -q 'id="sampling">on' "$TMP/r.html" &&
	    grep -q 'id="ipshare">66.7% / 33.3% of flows' "$TMP/r.html"; then
		pass "--renormalize: $got packets (plain $plain) as ipfixDump's packets x interval; named in text, csv/json summaries and web header; web IPv6 share 33.3%"
	else
		fail "--renormalize: got $got want $want plain $plain head '$head' csv '$csvsum' json '$jsonsum' ($jsonbad non-JSON lines)"
	fi
fi

# One run over an ft file and an IPFIX file reads both.
a=$("$NFREPORT" -q -o csv "$FTDATA"/seed-utc/ft-v05.2026-11-26.180515+0000 | tail -n +2 | wc -l)
b=$("$NFREPORT" -q -o csv "$FTDATA"/seed-utc/ft-v05.2026-11-26.180515+0000 \
    "$TMP/gen-raw.ipfix" | tail -n +2 | wc -l)
if [ "$b" -eq $((a + 3000)) ]; then
	pass "ft and IPFIX files in one run: $a + 3000 flows"
else
	fail "ft and IPFIX files in one run: $b flows, want $((a + 3000))"
fi

# A foreign RFC 5655 file: softflowd's IPFIX messages one after another,
# read through the v9/IPFIX decoder; tshark decodes the same bytes.
if command -v softflowd >/dev/null 2>&1 && command -v tshark >/dev/null 2>&1
then
	for pc in eth-dns-v4v6-frag eth-ipv6-ftp eth-ipv4-http-wikipedia; do
		f=$TMP/sf-$pc.ipfix
		python3 -c '
import socket, sys, select
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
out = open(sys.argv[1], "wb")
while select.select([s], [], [], 3)[0]:
    out.write(s.recv(65535))
' "$f" >"$f.port" &
		rpid=$!
		PIDS="$PIDS $rpid"
		wait_for "test -s '$f.port'" || fail "softflowd $pc: no receiver"
		softflowd -d -v 10 -r "$PCAPS/$pc.pcap" -c none \
		    -n "127.0.0.1:$(cat "$f.port")" >/dev/null 2>&1
		wait "$rpid"
		want=$(tshark -r "$f" -T fields -e cflow.packets -E occurrence=a \
		    2>/dev/null | tr ',' '\n' | grep -c .)
		tpk=$(tshark -r "$f" -T fields -e cflow.packets -E occurrence=a \
		    2>/dev/null | tr ',' '\n' | grep . | sort -n | md5sum)
		got=$("$NFREPORT" -q -o csv "$f" 2>"$f.err" | tail -n +2 | wc -l)
		npk=$("$NFREPORT" -q -o csv "$f" 2>/dev/null | python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin): print(r["packets"])' | sort -n | md5sum)
		v6=$("$NFREPORT" -q -o csv "$f" inet6 2>/dev/null | tail -n +2 | wc -l)
		if [ "$want" -gt 0 ] && [ "$got" -eq "$want" ] &&
		    [ "$npk" = "$tpk" ] && [ ! -s "$f.err" ]; then
			pass "softflowd -v 10 $pc: $got records ($v6 IPv6) read as tshark decodes them"
		else
			fail "softflowd -v 10 $pc: nfreport $got, tshark $want: $(cat "$f.err")"
		fi
	done
else
	skip "report_ipfix softflowd: softflowd or tshark not installed"
fi

# A truncated file: its good records, a message naming it, exit status 1.
size=$(wc -c <"$TMP/gen-raw.ipfix")
head -c $((size / 2)) "$TMP/gen-raw.ipfix" >"$TMP/cut.ipfix"
if "$NFREPORT" -q -o csv "$TMP/cut.ipfix" >"$TMP/cut.csv" 2>"$TMP/cut.err"; then
	fail "truncated: read without error"
else
	got=$(($(wc -l <"$TMP/cut.csv") - 1))
	if grep -q "cut.ipfix: truncated after $got records" "$TMP/cut.err" &&
	    [ "$got" -gt 1000 ]; then
		pass "truncated: $got good records, then: $(cat "$TMP/cut.err")"
	else
		fail "truncated: $got records, said: $(cat "$TMP/cut.err")"
	fi
fi
finish
