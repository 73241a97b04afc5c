#!/bin/sh
# nfreport -o html and --html-dir, checked in a real browser.
#
# The demo capture goes through nfsensord and nfcollectd (whose -C puts a
# hostile comment into the file header); the page nfreport draws of it is
# loaded by headless Chromium from file://.  Checked: well-formed HTML with
# no script, a CSP and the comment escaped; no console message and no
# network request from the page (both detectors are first shown to fire on
# control pages); the DOM's top-N tables and totals equal nfreport -s ...
# -o csv with and without a filter; every graph has its series; a 1280x800
# screenshot (kept as build/report_html.png) shows the graphs' colours.
# Site mode: three linked pages, "no flows" for an empty window, and a
# reader polling index.html during regeneration only ever sees whole pages.
# The page of the demo capture is also a golden file
# (tests/golden/report/html_demo.html; REGEN=1 rewrites it).
. "$(dirname "$0")/../lib.sh"
export TZ=UTC SOURCE_DATE_EPOCH=1764547200
CHECK="python3 $ROOT/tests/tools/report_html_check.py"
G=$ROOT/tests/golden/report/html_demo.html
HOSTILE='<script>alert("x")</script> & <b>"bold"</b>'
need report_html python3 || finish

# The demo pipeline, with the hostile comment in the header.
d=$TMP/demo
mkdir -p "$d"
port=$(free_udp_port)
bg "$NFCOLLECTD" -D -p "$TMP/c.pid" -w "$d" -C "$HOSTILE" "127.0.0.1/0/$port"
cpid=$LASTPID
wait_for "ss -Hlun 'sport = :$port' | grep -q ." || sleep 0.5
"$NFSENSORD" -r "$ROOT/tests/data/demo.pcap" -n "127.0.0.1:$port" \
    -c "$TMP/s.ctl" -p "$TMP/s.pid" >"$TMP/sensor.log" 2>&1 ||
    fail "report_html: nfsensord failed"
sleep 0.3
stop "$cpid" TERM
ls "$d"/ft-v05.* >/dev/null 2>&1 || { fail "report_html: no flow file"; finish; }

LOCAL=10.1.1.0/24,2001:db8::/32
"$NFREPORT" -U -o html --local "$LOCAL" "$d" >"$TMP/page.html" 2>"$TMP/err"
rc=$?
[ $rc -eq 0 ] && [ -s "$TMP/page.html" ] && pass "html: nfreport -o html exit 0" ||
    fail "html: exit $rc: $(head -3 "$TMP/err")"

# Golden: the hostname is the machine's, so it is replaced.
sed "s|capture [^:]*:|capture HOST:|" "$TMP/page.html" >"$TMP/golden.html"
if [ -n "${REGEN:-}" ]; then
	cp "$TMP/golden.html" "$G" && pass "html golden (regenerated)"
elif [ ! -f "$G" ]; then
	fail "html golden: no $G (REGEN=1 sh $0)"
elif cmp -s "$G" "$TMP/golden.html"; then
	pass "html golden: the demo page equals tests/golden/report/html_demo.html"
else
	fail "html golden: differs: $(diff "$G" "$TMP/golden.html" | head -5)"
fi
"$NFREPORT" -U -o html --local "$LOCAL" "$d" >"$TMP/page2.html" 2>/dev/null
cmp -s "$TMP/page.html" "$TMP/page2.html" && pass "html: two runs give the same page" ||
    fail "html: the page changes from run to run"

out=$($CHECK wellformed "$TMP/page.html") && pass "html: well-formed, no script, CSP, nothing to fetch" ||
    fail "html: $out"
out=$($CHECK escaped "$TMP/page.html" "$HOSTILE") &&
    pass "html: a hostile header comment shows as text" || fail "html escaping: $out"

# --bars: one bar per bucket, the biggest one SPARKLINE_WIDTH (40) cells
# long, and a sparkline line with one block per bucket.
"$NFREPORT" -U --series 20s --bars "$d" >"$TMP/bars" 2>&1
python3 - "$TMP/bars" <<'EOP' && pass "bars: one bar per bucket, the largest 40 full blocks, sparkline" || fail "bars: $(head -4 "$TMP/bars")"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
rows = [l for l in lines if l[:2] == "20"]
bars = [l.split(" ")[-1] for l in rows]
spark = [l for l in lines if l.startswith("Bytes: ")]
assert rows and len(spark) == 1, "no rows or no sparkline"
assert max(bars, key=len) == "\u2588" * 40, max(bars, key=len)
assert len(spark[0]) == len("Bytes: ") + len(rows), spark
assert all(set(b) <= set("\u2588\u2589\u258a\u258b\u258c\u258d\u258e\u258f") for b in bars)
EOP
"$NFREPORT" -o csv --series 20s --bars "$d" >/dev/null 2>&1
[ $? -eq 2 ] && pass "bars: refused outside text output" || fail "bars: accepted with -o csv"

# The two csv runs hold the same 18 rankings as the page (-s takes 16).
stats_csv() {
	s1="" s2=""
	for o in bytes packets flows; do
		for s in srcip dstip conversation; do s1="$s1 -s $s/$o"; done
		for s in exporter inif outif; do s2="$s2 -s $s/$o"; done
	done
	# shellcheck disable=SC2086
	{ "$NFREPORT" -U -o csv $s1 -n 10 "$d" "$@"; echo
	  "$NFREPORT" -U -o csv $s2 -n 10 "$d" "$@"; }
}
stats_csv >"$TMP/stats.csv"
"$NFREPORT" -U -o html -n 10 "$d" proto tcp and not port 22 >"$TMP/tcp.html" 2>/dev/null
stats_csv proto tcp and not port 22 >"$TMP/tcp.csv"
$CHECK wellformed "$TMP/tcp.html" >/dev/null || fail "html: filtered page not well-formed"

if ! need report_html_browser chromium; then
	finish
fi
CH="chromium --headless --no-sandbox --disable-gpu --disable-background-networking
    --disable-component-update --disable-sync --no-first-run --disable-default-apps
    --disable-extensions --enable-logging=stderr --v=0 --user-data-dir=$TMP/chrome"
# browse PAGE NAME: DOM in NAME.dom, stderr in NAME.err, net log NAME.net.
browse() {
	# shellcheck disable=SC2086
	timeout 120 $CH --log-net-log="$TMP/$2.net" --dump-dom "file://$1" \
	    >"$TMP/$2.dom" 2>"$TMP/$2.err"
}
# Requests the page made: every URL in the net log but the browser's own
# (update, time and account services it calls whatever page is shown).
page_urls() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
own = ("google.com", "googleapis.com", "gvt1.com", "gstatic.com")
for e in d["events"]:
    u = e.get("params", {}).get("url", "")
    if u and not u.startswith(("file:", "data:", "about:", "chrome")) and \
            not any(h in u.split("/")[2] for h in own):
        print(u)' "$1" | sort -u
}

# Control pages: the detectors must see what they are meant to see.
printf '<!DOCTYPE html><html><head></head><body><img src="http://127.0.0.1:9/x.png"></body></html>\n' >"$TMP/open.html"
sed "s|<head>|<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">|" \
    "$TMP/open.html" >"$TMP/closed.html"
browse "$TMP/open.html" open
browse "$TMP/closed.html" closed
page_urls "$TMP/open.net" | grep -q 127.0.0.1:9 &&
    grep -q 'CONSOLE' "$TMP/closed.err" &&
    ! page_urls "$TMP/closed.net" | grep -q . &&
    pass "html: control pages: a request is seen without CSP, blocked and logged with it" ||
    fail "html: the request/console detectors do not work on the control pages"

browse "$TMP/page.html" page
[ -s "$TMP/page.dom" ] || fail "html: chromium gave no DOM: $(tail -3 "$TMP/page.err")"
grep -q 'CONSOLE' "$TMP/page.err" &&
    fail "html: console messages: $(grep CONSOLE "$TMP/page.err" | head -3)" ||
    pass "html: no console message in Chromium"
urls=$(page_urls "$TMP/page.net")
[ -z "$urls" ] && pass "html: the page made no network request" ||
    fail "html: the page requested $urls"
out=$($CHECK tables "$TMP/page.dom" "$TMP/stats.csv") &&
    pass "html: DOM top-N tables and totals equal nfreport -s -o csv ($out)" ||
    fail "html tables: $out"
out=$($CHECK svg "$TMP/page.dom") && pass "html: every graph has its series ($out)" ||
    fail "html graphs: $out"
browse "$TMP/tcp.html" tcp
out=$($CHECK tables "$TMP/tcp.dom" "$TMP/tcp.csv") &&
    pass "html: with a filter, tables equal nfreport -s ($out)" || fail "html filtered tables: $out"

# shellcheck disable=SC2086
timeout 120 $CH --hide-scrollbars --window-size=1280,800 \
    --screenshot="$TMP/shot.png" "file://$TMP/page.html" >/dev/null 2>&1
out=$($CHECK png "$TMP/shot.png") && pass "html: screenshot drawn ($out)" ||
    fail "html screenshot: $out"
mkdir -p "$ROOT/build" && cp "$TMP/shot.png" "$ROOT/build/report_html.png" 2>/dev/null

# ---- site mode ----
# The demo's flows are a replay, older than the file they are in, so the
# site's windows would skip that file: an hour of five-minute files from
# the benchmark's generator (2023-11-14 22:10 to 23:10 UTC) instead.
isal=""
[ -f /usr/include/isa-l/igzip_lib.h ] && isal=-lisal
cc -O2 -D_GNU_SOURCE -I"$ROOT/common" -o "$TMP/ftgen" "$ROOT/tests/bench/ftgen.c" \
    "$ROOT/build/libnfkit.a" $isal -lz 2>"$TMP/err" &&
    "$TMP/ftgen" -n 20000 -f 12 -o "$TMP/gen" >/dev/null ||
    { fail "site: cannot build or run ftgen: $(head -3 "$TMP/err")"; finish; }
d=$TMP/gen
LOCAL=10.0.0.0/16
site=$TMP/site
mkdir -p "$site"
END=2023-11-15T01:00
"$NFREPORT" -U --html-dir "$site" --local "$LOCAL" -t ",$END" "$d" 2>"$TMP/err"
rc=$?
ok=1
for p in index hour week; do
	[ -s "$site/$p.html" ] || ok=0
	$CHECK wellformed "$site/$p.html" >/dev/null || ok=0
	for q in index hour week; do
		grep -q "href=\"$q.html\"" "$site/$p.html" || ok=0
	done
done
[ $rc -eq 0 ] && [ $ok -eq 1 ] && pass "site: index, hour and week pages, well-formed, linked" ||
    fail "site: exit $rc, pages $(ls "$site"): $(head -2 "$TMP/err")"
[ "$(find "$site" -name '.*.html.*' | wc -l)" -eq 0 ] && pass "site: no temporary file left" ||
    fail "site: temporary files left: $(ls -a "$site")"
grep -q 'id="noflows"' "$site/hour.html" && ! grep -q 'id="noflows"' "$site/index.html" &&
    pass "site: the empty last hour says no flows, the day has them" ||
    fail "site: no-flows page wrong"
"$NFREPORT" -U --html-dir "$site" -t ",2001-01-01" "$d" 2>"$TMP/err"
rc=$?
[ $rc -eq 0 ] && grep -q 'id="noflows"' "$site/index.html" && grep -q 'id="noflows"' "$site/week.html" &&
    pass "site: an empty window renders no flows, exit 0" ||
    fail "site: empty window: exit $rc $(head -2 "$TMP/err")"

"$NFREPORT" -U --html-dir "$TMP/none" "$d" 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] && grep -q -- "--html-dir $TMP/none: No such file" "$TMP/err" &&
    pass "site: a missing directory is a clear error, exit 1" ||
    fail "site: missing directory: exit $rc, $(cat "$TMP/err")"

# The site's pages come from one pass over the week, each flow fed to the
# narrowest page that shows it: each page must be the page of its own
# window, apart from its title and links.  25 hours of files, so that the
# hour, the day and the week all differ.
# One file of the day (not of the hour) is cut short: damaged on the day's
# and the week's pages only.
"$TMP/ftgen" -n 30000 -f 300 -o "$TMP/gen25" >/dev/null
cut=$(ls "$TMP/gen25"/ft-v05.* | sed -n 100p)
truncate -s $(($(wc -c <"$cut") / 2)) "$cut"
s25=$TMP/site25
mkdir -p "$s25"
END25=2023-11-15T23:05
strip() {
	python3 -c 'import re, sys
sys.stdout.write(re.sub(r"<title>.*?</title>|<h1>.*?</h1>|<nav>.*?</nav>\n?", "",
    open(sys.argv[1]).read(), flags=re.S))' "$1"
}
SOURCE_DATE_EPOCH=1700000000 "$NFREPORT" -U --html-dir "$s25" --local "$LOCAL" \
    -t ",$END25" "$TMP/gen25" 2>"$TMP/err"
rc=$? ok=1 why=""
for pw in hour:2023-11-15T22:05 index:2023-11-14T23:05 week:2023-11-08T23:05; do
	p=${pw%%:*} start=${pw#*:}
	SOURCE_DATE_EPOCH=1700000000 "$NFREPORT" -U -o html --local "$LOCAL" \
	    -t "$start,$END25" "$TMP/gen25" >"$TMP/one-$p.html" 2>>"$TMP/err"
	strip "$s25/$p.html" >"$TMP/a.html"
	strip "$TMP/one-$p.html" >"$TMP/b.html"
	cmp -s "$TMP/a.html" "$TMP/b.html" || { ok=0; why="$why $p"; }
done
[ $rc -eq 1 ] && [ $ok -eq 1 ] && ! cmp -s "$TMP/one-index.html" "$TMP/one-week.html" &&
    ! cmp -s "$TMP/one-hour.html" "$TMP/one-index.html" &&
    pass "site: one pass gives each page its own window's page (hour, day, week differ; a damaged file, exit 1)" ||
    fail "site: one-pass pages differ from their windows' pages:$why (exit $rc) $(head -2 "$TMP/err")"

# A site from a stream on stdin: read once, its flows on all three pages.
sst=$TMP/sitestdin
mkdir -p "$sst"
last=$(ls "$TMP/gen25"/ft-v05.* | tail -1)
"$NFREPORT" -U --html-dir "$sst" -t ",2023-11-15T23:10" - <"$last" 2>"$TMP/err"
rc=$?
n=$("$NFREPORT" -q -c 1000000 "$last" | wc -l)
ok=1
for p in hour index week; do
	grep -q "id=\"flows\">$n<" "$sst/$p.html" || ok=0
done
[ $rc -eq 0 ] && [ $ok -eq 1 ] && [ "$n" -gt 0 ] &&
    pass "site: a stream on stdin is read once, its $n flows on all three pages" ||
    fail "site from stdin: exit $rc, flows $(grep -o 'id="flows">[^<]*' "$sst"/*.html | tr '\n' ' ') of $n: $(head -2 "$TMP/err")"

# A reader reads index.html as fast as it can while the site is written
# 20 times over; every read must be a whole page.
python3 - "$site/index.html" "$TMP/writer.done" >"$TMP/reader.out" <<'EOP' &
import os, sys
page, done = sys.argv[1], sys.argv[2]
reads = partial = 0
while True:
    finished = os.path.exists(done)
    data = open(page, "rb").read()
    reads += 1
    if not (data.startswith(b"<!DOCTYPE html>") and data.endswith(b"</html>\n")):
        partial += 1
    if finished:
        break
print(reads, partial)
EOP
rpid=$!
i=0
while [ $i -lt 20 ]; do
	"$NFREPORT" -U --html-dir "$site" --local "$LOCAL" -t ",$END" "$d" 2>/dev/null
	i=$((i + 1))
done
touch "$TMP/writer.done"
wait $rpid
set -- $(cat "$TMP/reader.out")
[ "${1:-0}" -gt 20 ] && [ "${2:-1}" -eq 0 ] &&
    pass "site: $1 reads during 20 regenerations, none partial" ||
    fail "site: reader saw ${2:-?} partial pages in ${1:-?} reads"
finish
