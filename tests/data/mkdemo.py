#!/usr/bin/env python3
"""Writes tests/data/demo.pcap: a small, deterministic capture for `make demo`.

A few minutes of a small office network seen on a firewall's inside
interface (Ethernet, IPv4): web browsing (TCP handshakes, requests,
downloads, FIN and RST endings), DNS over UDP, NTP, an SSH session, pings
with replies and a port-unreachable ICMP error.  Every header is built by
hand with correct lengths and checksums; timestamps start at
2026-11-26 12:00:00 UTC.  Only the Python standard library is used, and the
same run always writes the same bytes:

    python3 tests/data/mkdemo.py tests/data/demo.pcap
"""
import random
import struct
import sys

T0 = 1795694400  # 2026-11-26 12:00:00 UTC
rng = random.Random(20261126)
packets = []  # (time_us, frame bytes)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def frame(t, src, dst, proto, l4, tos=0):
    total = 20 + len(l4)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, tos, total, rng.randrange(65536),
                      0x4000, 64, proto, 0, ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    packets.append((int(t * 1e6), eth + hdr + l4))


def l4sum(src, dst, proto, l4):
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, len(l4))
    return csum(pseudo + l4)


def tcp(t, src, sport, dst, dport, flags, seq, ack, payload=b"", tos=0):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                    ack & 0xFFFFFFFF, 5 << 4, flags, 65535, 0, 0) + payload
    c = l4sum(src, dst, 6, h)
    h = h[:16] + struct.pack("!H", c) + h[18:]
    frame(t, src, dst, 6, h, tos)


def udp(t, src, sport, dst, dport, payload):
    h = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = l4sum(src, dst, 17, h) or 0xFFFF
    h = h[:6] + struct.pack("!H", c) + h[8:]
    frame(t, src, dst, 17, h)


def icmp(t, src, dst, typ, code, rest):
    h = struct.pack("!BBH", typ, code, 0) + rest
    h = h[:2] + struct.pack("!H", csum(h)) + h[4:]
    frame(t, src, dst, 1, h)


FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16


def web(t, client, server, sport, dport, size, end="fin", tos=0):
    """A TCP connection: handshake, request, `size` bytes back, close."""
    cs, ss = rng.randrange(1 << 32), rng.randrange(1 << 32)
    rtt = rng.uniform(0.005, 0.060)
    tcp(t, client, sport, server, dport, SYN, cs, 0, tos=tos)
    tcp(t + rtt / 2, server, dport, client, sport, SYN | ACK, ss, cs + 1, tos=tos)
    t += rtt
    tcp(t, client, sport, server, dport, ACK, cs + 1, ss + 1, tos=tos)
    req = b"GET /index.html HTTP/1.1\r\nHost: intranet\r\n\r\n"
    tcp(t, client, sport, server, dport, PSH | ACK, cs + 1, ss + 1, req, tos=tos)
    sent = 0
    while sent < size:
        n = min(1448, size - sent)
        t += rng.uniform(0.0005, 0.004)
        tcp(t, server, dport, client, sport, ACK | (PSH if sent + n >= size else 0),
            ss + 1 + sent, cs + 1 + len(req), bytes(n), tos=tos)
        sent += n
        if (sent // 1448) % 2 == 0 or sent >= size:
            tcp(t + rtt / 2, client, sport, server, dport, ACK, cs + 1 + len(req),
                ss + 1 + sent, tos=tos)
    t += rtt
    if end == "fin":
        tcp(t, client, sport, server, dport, FIN | ACK, cs + 1 + len(req), ss + 1 + sent, tos=tos)
        tcp(t + rtt / 2, server, dport, client, sport, FIN | ACK, ss + 1 + sent, cs + 2 + len(req), tos=tos)
        tcp(t + rtt, client, sport, server, dport, ACK, cs + 2 + len(req), ss + 2 + sent, tos=tos)
    else:
        tcp(t, client, sport, server, dport, RST | ACK, cs + 1 + len(req), ss + 1 + sent, tos=tos)


def dns(t, client, sport, server):
    q = struct.pack("!HHHHHH", rng.randrange(65536), 0x0100, 1, 0, 0, 0) + \
        b"\x07example\x03com\x00\x00\x01\x00\x01"
    udp(t, client, sport, server, 53, q)
    a = q[:2] + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00" + q[12:] + \
        b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04" + ip4("192.0.2.80")
    udp(t + rng.uniform(0.001, 0.02), server, 53, client, sport, a)


def ping(t, src, dst, count, ident):
    for seq in range(count):
        payload = struct.pack("!HH", ident, seq) + bytes(56)
        icmp(t + seq, src, dst, 8, 0, payload)
        icmp(t + seq + 0.0004, dst, src, 0, 0, payload)


clients = ["10.1.1.%d" % i for i in range(10, 18)]
web_servers = ["192.0.2.80", "198.51.100.7", "203.0.113.25"]
resolver, ntp, fileserver = "10.1.1.2", "10.1.1.3", "10.1.1.20"

for i in range(60):
    t = T0 + i * 5 + rng.uniform(0, 4)
    c = rng.choice(clients)
    dns(t, c, rng.randrange(20000, 60000), resolver)
    size = int(rng.paretovariate(1.2) * 1500) % 50000
    web(t + 0.05, c, rng.choice(web_servers), rng.randrange(32768, 60999),
        rng.choice([80, 443, 443]), size, end=rng.choice(["fin", "fin", "rst"]))
for i, c in enumerate(clients):
    udp(T0 + 10 + i * 30, c, 123, ntp, 123, bytes(48))
    udp(T0 + 10.002 + i * 30, ntp, 123, c, 123, bytes(48))
# An SSH session with ToS 0x10 (low delay) from the admin's desk.
web(T0 + 30, "10.1.1.10", fileserver, 51022, 22, 40000, tos=0x10)
ping(T0 + 100, "10.1.1.11", "10.1.1.1", 5, 0x4242)
ping(T0 + 200, "10.1.1.12", "192.0.2.80", 4, 0x0707)
# A UDP probe to a closed port, answered with ICMP port unreachable.
udp(T0 + 250, "10.1.1.13", 40123, fileserver, 9999, b"hello?")
quoted = packets[-1][1][14:14 + 28]
icmp(T0 + 250.001, fileserver, "10.1.1.13", 3, 3, bytes(4) + quoted)

packets.sort(key=lambda p: p[0])
with open(sys.argv[1] if len(sys.argv) > 1 else "demo.pcap", "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for us, data in packets:
        f.write(struct.pack("<IIII", us // 1000000, us % 1000000, len(data), len(data)))
        f.write(data)
