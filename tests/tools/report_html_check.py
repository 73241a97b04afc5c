#!/usr/bin/env python3
"""Checks of nfreport's HTML pages for tests/integration/report_html.sh.

  report_html_check.py wellformed PAGE      every element closed, no script,
                                            a CSP, no URL that could fetch
  report_html_check.py escaped PAGE TEXT    TEXT shows as text, never markup
  report_html_check.py tables DOM CSV       the DOM's top-N tables and totals
                                            equal nfreport -s ... -o csv
  report_html_check.py svg DOM              every graph has all its series
  report_html_check.py png FILE             a 1280x800 screenshot, not blank,
                                            with the graphs' colours drawn
Prints one line per problem and exits 1 if there was any.
"""
import csv
import io
import struct
import sys
import zlib
from html.parser import HTMLParser

VOID = {"meta", "link", "br", "img", "input", "hr", "wbr", "source"}
problems = []


def bad(msg):
    problems.append(msg)


class Tree(HTMLParser):
    """A tiny DOM: elements with attrs, children and text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = {"tag": "#root", "attrs": {}, "kids": [], "text": ""}
        self.stack = [self.root]
        self.unclosed = []

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "kids": [], "text": ""}
        self.stack[-1]["kids"].append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "kids": [], "text": ""}
        self.stack[-1]["kids"].append(el)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.stack[-1]["tag"] != tag:
            bad("</%s> closes <%s>" % (tag, self.stack[-1]["tag"]))
            return
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1]["text"] += data


def parse(path):
    t = Tree()
    with open(path, encoding="utf-8") as f:
        t.feed(f.read())
    t.close()
    if len(t.stack) != 1:
        bad("unclosed: " + " ".join(e["tag"] for e in t.stack[1:]))
    return t.root


def walk(el):
    yield el
    for k in el["kids"]:
        yield from walk(k)


def text(el):
    return el["text"] + "".join(text(k) for k in el["kids"])


def find(root, tag, **attrs):
    return [e for e in walk(root) if e["tag"] == tag and
            all(e["attrs"].get(k.replace("_", "-")) == v
                for k, v in attrs.items())]


def wellformed(page):
    root = parse(page)
    src = open(page, encoding="utf-8").read()
    if "<script" in src.lower():
        bad("a <script> element in the page")
    csp = [m for m in find(root, "meta")
           if m["attrs"].get("http-equiv") == "Content-Security-Policy"]
    if not csp or "default-src 'none'" not in csp[0]["attrs"]["content"]:
        bad("no Content-Security-Policy with default-src 'none'")
    for e in walk(root):
        for k, v in e["attrs"].items():
            if k in ("src", "href", "action", "srcset", "poster") and \
                    v is not None and ("//" in v or ":" in v):
                bad("<%s %s=%r> could fetch" % (e["tag"], k, v))
    if "url(" in src:
        bad("a CSS url() in the page")


def escaped(page, raw):
    root = parse(page)
    src = open(page, encoding="utf-8").read()
    caps = [text(p) for p in find(root, "p") if
            p["attrs"].get("class") == "capture"]
    if not any(raw in c for c in caps):
        bad("hostile comment %r not shown as text (captures: %r)" %
            (raw, caps))
    if raw in src:
        bad("hostile comment written unescaped into the source")


def read_csv_tables(path):
    """nfreport -o csv: tables separated by blank lines."""
    tables, cur = [], []
    for line in open(path, encoding="utf-8").read().split("\n"):
        if line == "":
            if cur:
                tables.append(cur)
            cur = []
        else:
            cur.append(line)
    if cur:
        tables.append(cur)
    return [list(csv.reader(io.StringIO("\n".join(t)))) for t in tables]


def tables(dom, csvpath):
    root = parse(dom)
    want = {}
    summary = None
    for t in read_csv_tables(csvpath):
        head = t[0]
        if head[:3] == ["stat", "order", "rank"]:
            nkeys = head.index("flows") - 3
            for row in t[1:]:
                want.setdefault((row[0], row[1]), []).append(
                    row[3:3 + nkeys] + [row[3 + nkeys],
                                        row[5 + nkeys], row[7 + nkeys]])
        elif head[:3] == ["flows", "packets", "bytes"]:
            summary = dict(zip(head, t[1]))
    if not want:
        bad("no stat tables in " + csvpath)
    for (stat, order), rows in want.items():
        tabs = find(root, "table", data_stat=stat, data_order=order)
        if len(tabs) != 1:
            bad("%s/%s: %d tables in the page" % (stat, order, len(tabs)))
            continue
        got = []
        for tr in find(tabs[0], "tr"):
            tds = [text(td) for td in find(tr, "td")]
            if tds:
                got.append(tds[1:-1])
        if got != rows:
            bad("%s/%s: page %r != nfreport -s %r" % (stat, order,
                                                     got[:3], rows[:3]))
    for k in ("flows", "packets", "bytes"):
        dd = [e for e in find(root, "dd") if e["attrs"].get("id") == k]
        if not dd or summary is None or text(dd[0]) != summary[k]:
            bad("total %s: page %r, nfreport %r" % (
                k, text(dd[0]) if dd else None,
                summary and summary[k]))
    print("checked %d tables" % len(want))


def svg(dom):
    root = parse(dom)
    charts = find(root, "svg")
    if not charts:
        bad("no graphs")
    for c in charts:
        cid = c["attrs"].get("id")
        names = [text(t) for t in find(c, "text") if
                 t["attrs"].get("class") == "leg"]
        paths = [p["attrs"].get("data-series") for p in find(c, "path")
                 if p["attrs"].get("class") == "layer"]
        cols = [r for r in find(c, "rect") if
                r["attrs"].get("class") == "hover"]
        if not names:
            bad("%s: no legend" % cid)
        for n in names:
            if n not in paths:
                bad("%s: series %r has no path" % (cid, n))
        if len(paths) not in (len(names), 2 * len(names)):
            bad("%s: %d paths for %d series" % (cid, len(paths), len(names)))
        if not cols or any(not find(r, "title") for r in cols):
            bad("%s: buckets without hover values" % cid)
        for p in find(c, "path"):
            if len(p["attrs"].get("d", "")) < 10:
                bad("%s: empty path" % cid)
    print("checked %d graphs" % len(charts))


def png_pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        bad("not a PNG")
        return 0, 0, []
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                bad("unexpected PNG type %d/%d" % (depth, ctype))
                return w, h, []
            bpp = 3 if ctype == 2 else 4
        elif typ == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    i = 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        rows.append(bytes(line))
        prev = line
    px = [tuple(r[x:x + 3]) for r in rows for x in range(0, stride, bpp)]
    return w, h, px


def png(path):
    w, h, px = png_pixels(path)
    if (w, h) != (1280, 800):
        bad("screenshot is %dx%d, not 1280x800" % (w, h))
    colours = {}
    for p in px:
        colours[p] = colours.get(p, 0) + 1
    white = colours.get((255, 255, 255), 0)
    if not px or white > 0.97 * len(px):
        bad("screenshot is blank (%d of %d pixels white)" % (white, len(px)))
    tcp = colours.get((0x00, 0x72, 0xB2), 0)
    if tcp < 2000:
        bad("the TCP layer (#0072B2) covers only %d pixels" % tcp)
    print("screenshot: %d colours, %d TCP-blue pixels, %.0f%% white" % (
        len(colours), tcp, 100.0 * white / max(1, len(px))))


def main():
    cmd = sys.argv[1]
    {"wellformed": lambda: wellformed(sys.argv[2]),
     "escaped": lambda: escaped(sys.argv[2], sys.argv[3]),
     "tables": lambda: tables(sys.argv[2], sys.argv[3]),
     "svg": lambda: svg(sys.argv[2]),
     "png": lambda: png(sys.argv[2])}[cmd]()
    for p in problems[:20]:
        print(p)
    sys.exit(1 if problems else 0)


main()
