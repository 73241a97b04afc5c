#!/usr/bin/env python3
"""Seed corpora for the libFuzzer harnesses in tests/fuzz/.

usage: seeds.py SHARED OUTDIR

Writes OUTDIR/NAME/* for every harness from real inputs (the captures in
SHARED/pcaps/public and SHARED/testdata/flow-tools) and from small
generated ones that reach code the real files do not (NetFlow v1 and v7
datagrams, flow files of every record type, stream version 1, big-endian).
Deterministic: the same SHARED gives the same seeds.
"""
import hashlib
import os
import struct
import sys
import zlib

SHARED, OUT = sys.argv[1], sys.argv[2]

# Keep in step with dlts[] in fuzz_packet.c.
DLTS = [1, 113, 276, 0, 108, 12, 14, 101, 228, 229, 9, 50, 105, 147]


def put(name, data):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    h = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, h), "wb") as f:
        f.write(data)


def pcap_packets(path):
    """Yield (linktype, bytes) from a pcap or pcapng file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    elif magic == b"\x0a\x0d\x0d\x0a":
        yield from pcapng_packets(data)
        return
    else:
        return
    lt = struct.unpack(e + "I", data[20:24])[0] & 0xFFFF
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        yield lt, pkt


def pcapng_packets(data):
    off, e, ifs = 0, "<", []
    while off + 12 <= len(data):
        btype = struct.unpack(e + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            bom = data[off + 8:off + 12]
            e = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            ifs = []
        blen = struct.unpack(e + "I", data[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(data):
            return
        body = data[off + 8:off + blen - 4]
        if btype == 1:
            ifs.append(struct.unpack(e + "H", body[0:2])[0])
        elif btype == 6 and len(body) >= 20:
            ifid, _, _, caplen = struct.unpack(e + "IIII", body[0:16])
            if ifid < len(ifs):
                yield ifs[ifid], body[20:20 + caplen]
        off += blen


def packet_seeds():
    files = []
    pub = os.path.join(SHARED, "pcaps", "public")
    if os.path.isdir(pub):
        files += [os.path.join(pub, f) for f in sorted(os.listdir(pub))]
    inp = os.path.join(SHARED, "testdata", "flow-tools", "input")
    if os.path.isdir(inp):
        files += [os.path.join(inp, f) for f in sorted(os.listdir(inp))]
    for path in files:
        seen = set()
        n = 0
        for lt, pkt in pcap_packets(path):
            if lt not in DLTS or n >= 40:
                continue
            # One seed per distinct (length, first 64 bytes) shape.
            key = (len(pkt), pkt[:64])
            if key in seen:
                continue
            seen.add(key)
            n += 1
            put("packet", bytes([DLTS.index(lt)]) + pkt)


def udp_payloads(path):
    """UDP payloads of Ethernet/IPv4 packets (the v5 export capture)."""
    for lt, pkt in pcap_packets(path):
        if lt != 1 or len(pkt) < 14 + 20 + 8:
            continue
        if pkt[12:14] != b"\x08\x00":
            continue
        ihl = (pkt[14] & 15) * 4
        if pkt[14 + 9] != 17:
            continue
        yield pkt[14 + ihl + 8:]


def v5_datagram(count, seq=0):
    hdr = struct.pack(">HHIIIIBBH", 5, count, 123456, 1764180315, 500,
                      seq, 0, 1, 0x4000 | 10)
    recs = b""
    for i in range(count):
        recs += struct.pack(">IIIHHIIIIHHBBBBHHBBH",
                            0x0A000001 + i, 0xC0A80001, 0, 1, 2,
                            3 + i, 1500 + i, 1000, 2000, 1024 + i, 80,
                            0, 0x1B, 6, 0, 65000, 65001, 24, 16, 0)
    return hdr + recs


def v1_datagram(count):
    hdr = struct.pack(">HHIII", 1, count, 123456, 1764180315, 500)
    recs = b""
    for i in range(count):
        recs += struct.pack(">IIIHHIIIIHHHBBBBHI",
                            0x0A000001 + i, 0xC0A80001, 0, 1, 2, 3, 1500,
                            1000, 2000, 1024 + i, 53, 0, 17, 0, 0, 0, 0, 0)
    return hdr + recs


def v7_datagram(count):
    hdr = struct.pack(">HHIIIII", 7, count, 123456, 1764180315, 500, 77, 0)
    recs = b""
    for i in range(count):
        recs += struct.pack(">IIIHHIIIIHHBBBBHHBBHI",
                            0x0A000001 + i, 0xC0A80001, 0, 1, 2, 3, 1500,
                            1000, 2000, 1024 + i, 443, 0, 0x12, 6, 0,
                            1, 2, 24, 24, 0, 0x0A0000FE)
    return hdr + recs


def datagram_seeds():
    path = os.path.join(SHARED, "testdata", "flow-tools", "input",
                        "v5-export.pcap")
    real = list(udp_payloads(path)) if os.path.exists(path) else []
    gen = [v5_datagram(1), v5_datagram(30, 1000), v5_datagram(2, 7)]
    for d in real + gen:
        put("v5", d)
        put("collector", d)
    for d in (v1_datagram(1), v1_datagram(24), v7_datagram(1),
              v7_datagram(27)):
        put("collector", d)


def ipfix_msg(version, sets, seq=0, domain=0):
    """A v9 or IPFIX message of the given (set id, body) pairs."""
    body = b"".join(struct.pack(">HH", sid, 4 + len(b)) + b
                    for sid, b in sets)
    if version == 9:
        return struct.pack(">HHIIII", 9, len(sets), 100000, 1764180315,
                           seq, domain) + body
    return struct.pack(">HHIII", 10, 16 + len(body), 1764180315, seq,
                       domain) + body


def ipfix_seeds():
    """Sequences of (exporter, length, message) for fuzz_ipfixdec."""
    v4 = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (2, 8), (1, 8),
          (152, 8), (153, 8)]
    v6 = [(27, 16), (28, 16), (7, 2), (11, 2), (4, 1), (2, 4), (1, 4),
          (22, 4), (21, 4), (48, 1)]

    def tpl(tid, fields):
        return struct.pack(">HH", tid, len(fields)) + b"".join(
            struct.pack(">HH", ie, ln) for ie, ln in fields)

    rec4 = (struct.pack(">IIHHB", 0x0A000001, 0xC0A80001, 1234, 80, 6) +
            struct.pack(">QQQQ", 10, 5000, 1764180300000, 1764180310000))
    rec6 = (bytes(range(16)) + bytes(range(16, 32)) +
            struct.pack(">HHBIIIIB", 53, 5353, 17, 3, 300, 90000, 99000, 7))
    opt9 = struct.pack(">HHH", 400, 4, 8) + struct.pack(
        ">HHHHHH", 1, 4, 34, 4, 35, 1)
    optrec9 = struct.pack(">IIB", 0, 100, 1) + b"\0\0\0"
    optfix = (struct.pack(">HHH", 500, 4, 1) +
              struct.pack(">HHHHHHHH", 48, 1, 305, 4, 306, 4, 160, 8))
    optrecfix = struct.pack(">BIIQ", 7, 1, 99, 1764180000000)
    varlen = (struct.pack(">HH", 258, 3) +
              struct.pack(">HHHHI", 315, 65535, 0x8001, 4, 9) +
              struct.pack(">HH", 8, 4))
    frame = (bytes(12) + b"\x08\x00" +
             bytes([0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0,
                    10, 0, 0, 1, 10, 0, 0, 2]) +
             struct.pack(">HHIIBBHHH", 1, 2, 0, 0, 0x50, 2, 0, 0, 0))
    varrec = bytes([len(frame)]) + frame + b"abcd" + bytes([10, 0, 0, 9])
    msgs = [
        ipfix_msg(10, [(2, tpl(256, v4)), (256, rec4 * 3)]),
        ipfix_msg(10, [(3, optfix), (500, optrecfix),
                       (2, tpl(257, v6) + varlen), (257, rec6),
                       (258, varrec)], seq=3),
        ipfix_msg(10, [(256, rec4), (2, struct.pack(">HH", 256, 0))], 4),
        ipfix_msg(9, [(0, tpl(300, v6)), (1, opt9), (400, optrec9),
                      (300, rec6 * 2)]),
        ipfix_msg(9, [(300, rec6)], seq=1),
        ipfix_msg(9, [(0, tpl(0, []))], seq=2),
    ]
    seq = b""
    for i, m in enumerate(msgs):
        one = bytes([i & 3]) + struct.pack(">H", len(m)) + m
        put("ipfixdec", one)
        seq += one
    put("ipfixdec", seq)
    # Data first, its template in the next message.
    put("ipfixdec", b"".join(bytes([0]) + struct.pack(">H", len(m)) + m
                             for m in (msgs[2], msgs[0])))


def nfkit_ipfix_file(n, stats=True):
    """An IPFIX file as nfkit writes it (man/nfkit-files.5), raw."""
    fixed = [(152, 8), (153, 8), (2, 8), (1, 8), (10, 4), (14, 4), (16, 4),
             (17, 4), (149, 4), (34, 4), (7, 2), (11, 2), (58, 2), (4, 1),
             (5, 1), (6, 1), None, None, (136, 1), (38, 1), (39, 1)]
    tpls, recs = b"", {}
    for t in range(4):
        v6, ex6 = t & 1, t & 2
        f = [x or ((29 if v6 else 9, 1) if k == 16 else (30 if v6 else 13, 1))
             for k, x in enumerate(fixed)]
        f += [(27, 16), (28, 16), (62, 16)] if v6 else [(8, 4), (12, 4), (15, 4)]
        f += [(131, 16)] if ex6 else [(130, 4)]
        tpls += struct.pack(">HH", 1024 + t, len(f)) + b"".join(
            struct.pack(">HH", *x) for x in f)
    st = [(149, 4), (150, 4), (151, 4), (42, 8), (166, 8), (164, 8),
          (130, 4), (131, 16)]
    opt = struct.pack(">HHH", 1028, len(st), 1) + b"".join(
        struct.pack(">HH", *x) for x in st)
    out = ipfix_msg(10, [(2, tpls), (3, opt)])
    sets = []
    for i in range(n):
        t = i % 4
        r = struct.pack(">qqQQIIIIIIHHHBBBBBBBB", 1764180300000 + i,
                        1764180310000 + i, i + 1, 100 * (i + 1), 3, 4,
                        65000 + i, 4200000000, 7, 100, 1024 + i, 80, 12, 6,
                        0, 0x12, 24, 48, 1, 0, 0)
        r += (bytes(range(48)) if t & 1 else
              struct.pack(">III", 0x0A000000 + i, 0xC0A80001, 0x0A0000FE))
        r += bytes(range(16, 32)) if t & 2 else struct.pack(">I", 0x7F000001)
        sets.append((1024 + t, r))
    out += ipfix_msg(10, sets)
    if stats:
        out += ipfix_msg(10, [(1028, struct.pack(
            ">IIIQQQI", 0, 1764180300, 1764180600, n, 2, 1, 0x7F000001) +
            bytes(16))], seq=n)
    return out


def ipfixfile_seeds():
    """Files for fuzz_ipfixfile: ours raw and compressed, foreign."""
    f = nfkit_ipfix_file(9)
    put("ipfixfile", f)
    put("ipfixfile", zlib.compress(f, 6))
    put("ipfixfile", nfkit_ipfix_file(3, stats=False))
    put("ipfixfile", f[:len(f) - 30])
    v4 = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (2, 8), (1, 8),
          (152, 8), (153, 8)]
    tpl = struct.pack(">HH", 256, len(v4)) + b"".join(
        struct.pack(">HH", ie, ln) for ie, ln in v4)
    rec = (struct.pack(">IIHHB", 0x0A000001, 0xC0A80001, 1234, 80, 6) +
           struct.pack(">QQQQ", 10, 5000, 1764180300000, 1764180310000))
    foreign = (ipfix_msg(10, [(2, tpl), (256, rec * 3)]) +
               ipfix_msg(10, [(256, rec)], seq=3))
    put("ipfixfile", foreign)
    put("ipfixfile", zlib.compress(foreign))


def tlv(e, tag, val):
    return struct.pack(e + "HH", tag, len(val)) + val


def ft_header(e, d_version, flags, count, comment=None):
    bo = 1 if e == "<" else 2
    body = tlv(e, 2, struct.pack(e + "H", d_version))
    body += tlv(e, 6, struct.pack(e + "I", 1764180315))
    body += tlv(e, 7, struct.pack(e + "I", 1764180615))
    body += tlv(e, 8, struct.pack(e + "I", flags))
    body += tlv(e, 0x0A, struct.pack(e + "I", count))
    body += tlv(e, 0x0B, struct.pack(e + "I", 0))
    body += tlv(e, 0x0D, struct.pack(e + "I", 0))
    body += tlv(e, 0x0E, struct.pack(e + "I", 0))
    body += tlv(e, 0x0F, b"fuzz\0")
    if comment is not None:
        body += tlv(e, 0x10, comment + b"\0")
    # TLVs the writer never makes but the reader must skip.
    body += tlv(e, 0x01, b"\x01")
    body += tlv(e, 0x05, struct.pack(e + "I", 0x7F000001))
    body += tlv(e, 0x11, b"\x7f\x00\x00\x01\x00\x02eth0\0")
    hlen = 8 + len(body)
    pad = (4 - hlen % 4) % 4
    hlen += pad
    return (bytes([0xCF, 0x10, bo, 3]) + struct.pack(e + "I", hlen) +
            body + b"\0" * pad)


RECLEN = {1: 60, 5: 64, 6: 72, 7: 68, 1005: 72}


def ft_record(e, d_version, i):
    # unix_secs, unix_nsecs, sysUpTime, exaddr, srcaddr, dstaddr, nexthop,
    # input, output, dPkts, dOctets, First, Last, srcport, dstport, prot,
    # tos, tcp_flags, pad/flags, engine_type, engine_id, src_mask, dst_mask,
    # src_as, dst_as: the v5 layout; other versions pad or extend it.
    r = struct.pack(e + "IIIIIIIHHIIIIHHBBBBBBBBHH",
                    1764180315, 0, 100000, 0x7F000001, 0x0A000001 + i,
                    0xC0A80001, 0, 1, 2, 5, 700, 90000, 99000, 1024 + i,
                    80, 6, 0, 0x1B, 0, 0, 1, 24, 16, 65000, 65001)
    n = RECLEN[d_version]
    return (r + b"\x5a" * n)[:n]


def flowfile_seeds():
    root = os.path.join(SHARED, "testdata", "flow-tools")
    for sub in ("seed-utc", "variants", "nested-berlin"):
        for dp, _, fs in os.walk(os.path.join(root, sub)):
            for f in sorted(fs):
                with open(os.path.join(dp, f), "rb") as fh:
                    put("ftfile", fh.read())
    for e in ("<", ">"):
        for dv in (1, 5, 6, 7, 1005):
            recs = b"".join(ft_record(e, dv, i) for i in range(5))
            put("ftfile", ft_header(e, dv, 0x1, 5) + recs)
            put("ftfile", ft_header(e, dv, 0x3, 5, b"fuzz seed") +
                zlib.compress(recs))
        # Streaming (flow-cat) header, no counts.
        recs = b"".join(ft_record(e, 5, i) for i in range(3))
        put("ftfile", ft_header(e, 5, 0x8, 0) + zlib.compress(recs, 9))
        # Legacy stream version 1: fixed 360-byte header, 60-byte records.
        bo = 1 if e == "<" else 2
        h = bytes([0xCF, 0x10, bo, 1]) + struct.pack(e + "HH", 5, 0)
        h += struct.pack(e + "IIIIIII", 1764180315, 1764180615, 1, 0, 2, 0, 0)
        h += b"legacy".ljust(68, b"\0") + b"old file".ljust(256, b"\0")
        h = h.ljust(360, b"\0")
        put("ftfile", h + b"\x11" * 120)


PARSE = [
    (0, "0"), (0, "65535"), (0x80, "1"), (0x40, "65536"),
    (0, "18446744073709551615"), (0, "18446744073709551616"),
    (1, "300"), (1, "1h30m"), (1, "2d"), (1, "1w2d3h4m5s"), (1, "99999999999999w"),
    (2, "0"), (2, "512b"), (2, "10K"), (2, "4M"), (2, "1G"), (2, "17179869184G"),
    (3, "127.0.0.1:9995"), (3, "[::1]:2055"), (3, "0.0.0.0:1"), (3, "[fe80::1%lo]:9"),
    (4, "0/0/8818"), (4, "127.0.0.1/127.0.0.2/9995"), (4, "[::1]/0/8818"),
    (4, "0/[2001:db8::1]/2055"), (4, "::/0.0.0.0/1"),
    (5, "2005-04-28T20:10"), (5, "2005/04/28.20:10:00"), (5, "-1h"),
    (5, "-1h30m"), (5, "@1764180315"), (5, "2026-11-26 18:05:15"), (5, "2026-11-26"),
    (6, "ft-v05.2026-11-26.180515+0000"), (6, "tmp-v05.2026-11-26.180711+0000"),
    (6, "ft-v1005.2026-11-26.190529+0100"), (6, "ft-v05.2026-11-26.190529-0930"),
]


def parse_seeds():
    for sel, s in PARSE:
        put("parse", bytes([sel]) + s.encode())


def pcapmap_seeds():
    """Classic pcap files whole, cut to 64 KiB at a record boundary, and
    cut inside a record (the damaged-file paths)."""
    pdir = os.path.join(SHARED, "pcaps", "public")
    for fn in sorted(os.listdir(pdir)):
        with open(os.path.join(pdir, fn), "rb") as f:
            data = f.read()
        magic = data[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            e = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            e = ">"
        else:
            continue
        off = 24
        while off + 16 <= len(data):
            incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
            if off + 16 + incl > 65536 or off + 16 + incl > len(data):
                break
            off += 16 + incl
        put("pcapmap", data[:off])
        put("pcapmap", data[:min(len(data), 65536)])
        if off > 24 + 20:
            put("pcapmap", data[:off - 7])


def main():
    pcapmap_seeds()
    packet_seeds()
    datagram_seeds()
    ipfix_seeds()
    ipfixfile_seeds()
    flowfile_seeds()
    parse_seeds()


main()
