#!/usr/bin/env python3
"""Flows as text lines, from two independent readings, for comparison.

usage: ipfixflows.py ours FILE...        nfcollectd's IPFIX files
       ipfixflows.py tshark PCAP PORT    tshark's decode of v9/IPFIX
                                         datagrams captured on PORT

One line per flow: af src dst sport dport proto packets bytes first last,
first/last in unix ms ("-" when tshark shows only uptime-relative times).
"ours" reads RFC 5655 files written by nfcollectd (zlib-compressed or
not) with its own small parser, not with nfkit's C code, so that the
comparison does not check the collector against itself.
"""
import ipaddress
import re
import struct
import subprocess
import sys
import zlib
from datetime import datetime, timezone


def inflate(data):
    if data[:2] == b"\x00\x0a":
        return data
    d = zlib.decompressobj()
    return d.decompress(data) + d.flush()


def ours(paths):
    out = []
    for path in paths:
        data = inflate(open(path, "rb").read())
        templates = {}
        off = 0
        while off + 16 <= len(data):
            ver, mlen = struct.unpack(">HH", data[off:off + 4])
            if ver != 10 or mlen < 16 or off + mlen > len(data):
                raise SystemExit("%s: bad message at %d" % (path, off))
            p, end = off + 16, off + mlen
            while p + 4 <= end:
                sid, slen = struct.unpack(">HH", data[p:p + 4])
                body, q = data[p + 4:p + slen], 0
                if sid == 2:
                    while q + 4 <= len(body):
                        tid, n = struct.unpack(">HH", body[q:q + 4])
                        q += 4
                        f = []
                        for _ in range(n):
                            ie, ln = struct.unpack(">HH", body[q:q + 4])
                            q += 4
                            if ie & 0x8000:
                                q += 4
                            f.append((ie & 0x7FFF, ln))
                        templates[tid] = f
                elif sid >= 256 and sid in templates:
                    f = templates[sid]
                    rl = sum(ln for _, ln in f)
                    while q + rl <= len(body):
                        rec = {}
                        for ie, ln in f:
                            rec[ie] = body[q:q + ln]
                            q += ln
                        out.append(line_ours(rec))
                p += slen
            off = end
    return out


def u(b):
    return int.from_bytes(b, "big") if b else 0


def line_ours(r):
    if 27 in r:
        af, s, d = 6, ipaddress.IPv6Address(r[27]), ipaddress.IPv6Address(r[28])
    else:
        af, s, d = 4, ipaddress.IPv4Address(r[8]), ipaddress.IPv4Address(r[12])
    return "%d %s %s %d %d %d %d %d %d %d" % (
        af, s, d, u(r.get(7)), u(r.get(11)), u(r.get(4)), u(r.get(2)),
        u(r.get(1)), u(r.get(152)), u(r.get(153)))


def abs_ms(s):
    # "May 18, 2016 08:15:50.492000000 UTC"
    m = re.match(r"(\w+ +\d+, \d+ [\d:]+)\.(\d+) UTC", s.strip())
    t = datetime.strptime(m.group(1), "%b %d, %Y %H:%M:%S")
    t = t.replace(tzinfo=timezone.utc)
    return int(t.timestamp()) * 1000 + int(m.group(2)[:3].ljust(3, "0"))


def tshark(pcap, port):
    text = subprocess.run(
        ["tshark", "-r", pcap, "-d", "udp.port==%s,cflow" % port, "-V"],
        capture_output=True, text=True, check=True).stdout
    out, cur = [], None

    def flush():
        if cur and "src" in cur:
            out.append("%d %s %s %s %s %s %s %s %s %s" % (
                cur["af"], cur["src"], cur["dst"], cur.get("sport", 0),
                cur.get("dport", 0), cur.get("proto", 0), cur["pkts"],
                cur["bytes"], cur.get("first", "-"), cur.get("last", "-")))
    for ln in text.splitlines():
        s = ln.strip()
        if not ln.startswith(" ") and cur is not None:
            # A new frame: its IP and UDP headers are not a flow's.
            flush()
            cur = None
            continue
        if re.match(r"Flow \d+$", s) or s.startswith("FlowSet Id"):
            flush()
            cur = {} if s.startswith("Flow ") else None
            continue
        if cur is None or ":" not in s:
            continue
        k, v = s.split(":", 1)
        v = v.strip()
        if k == "SrcAddr":
            cur["src"] = str(ipaddress.ip_address(v))
            cur["af"] = 6 if ":" in v else 4
        elif k == "DstAddr":
            cur["dst"] = str(ipaddress.ip_address(v))
        elif k == "SrcPort":
            cur["sport"] = int(v)
        elif k == "DstPort":
            cur["dport"] = int(v)
        elif k == "ICMP Type":
            # icmpTypeCodeIPv4 (IE 32): type * 256 + code, as our dport.
            cur["dport"] = int(v.split()[0], 16)
        elif k == "IPv6 ICMP Type":
            # icmpTypeCodeIPv6 (IE 139), shown as two fields.
            cur["dport"] = int(v.split()[0]) * 256 + cur.get("dport", 0) % 256
        elif k == "IPv6 ICMP Code":
            cur["dport"] = cur.get("dport", 0) // 256 * 256 + int(v.split()[0])
        elif k == "Protocol":
            cur["proto"] = int(re.search(r"\((\d+)\)", v).group(1))
        elif k == "Packets":
            cur["pkts"] = int(v)
        elif k == "Octets":
            cur["bytes"] = int(v)
        elif k == "StartTime" and "UTC" in v:
            cur["first"] = abs_ms(v)
        elif k == "EndTime" and "UTC" in v:
            cur["last"] = abs_ms(v)
    flush()
    return out


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "ours":
        lines = ours(sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "tshark":
        lines = tshark(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
    for ln in lines:
        print(ln)


main()
