#!/bin/sh
# csv and json output, parsed by Python's csv and json modules, for every
# mode: flows, aggregates, stats, series and the summary.  Checks that every
# csv table is rectangular with a header row, every json line is an object
# with a known "type", and that the numbers agree with each other.
. "$(dirname "$0")/../lib.sh"
export TZ=UTC
have_shared report_machine || finish
need report_machine python3 || finish
SEED=$FTDATA/seed-utc

run_check() {	# name format args...
	name=$1 fmt=$2; shift 2
	if ! "$NFREPORT" -o "$fmt" "$@" >"$TMP/$name" 2>"$TMP/$name.err"; then
		fail "$name" "nfreport failed: $(cat "$TMP/$name.err")"; return
	fi
	if python3 - "$fmt" "$TMP/$name" >"$TMP/$name.py" 2>&1 <<'PY'
import csv, json, sys
fmt, path = sys.argv[1], sys.argv[2]
summary = None
flows = []
if fmt == "csv":
    tables, cur = [], []
    for row in csv.reader(open(path, newline="")):
        if not row:
            tables.append(cur); cur = []
        else:
            cur.append(row)
    if cur:
        tables.append(cur)
    assert tables, "no csv tables"
    for t in tables:
        head = t[0]
        assert len(set(head)) == len(head), "duplicate column names"
        for r in t[1:]:
            assert len(r) == len(head), "ragged row %r" % (r,)
        recs = [dict(zip(head, r)) for r in t[1:]]
        if head[0] == "flows" and "duration" in head and len(recs) == 1:
            summary = {k: int(v) for k, v in recs[0].items()}
        elif "stat" in head:
            for r in recs:
                assert 0 <= float(r["bytes_pct"]) <= 100
                int(r["flows"]); int(r["bps"])
        elif "start" in head:
            for r in recs:
                int(r["start"]); int(r["flows"])
        else:
            for r in recs:
                if "flows" not in head:
                    r["flows"] = "1"
                flows.append({k: v for k, v in r.items()})
else:
    types = set()
    for line in open(path):
        o = json.loads(line)
        assert isinstance(o, dict), "not an object"
        t = o["type"]
        types.add(t)
        assert t in ("flow", "aggregate", "stat", "series", "summary"), t
        if t == "summary":
            summary = o
        elif t in ("flow", "aggregate"):
            o.setdefault("flows", 1)
            flows.append(o)
        elif t == "stat":
            assert isinstance(o["rank"], int) and o["rank"] >= 1
            assert 0 <= o["flows_pct"] <= 100
        for k, v in o.items():
            if k in ("srcip", "dstip", "ip", "exporter", "nexthop"):
                assert isinstance(v, str) and v.count(".") == 3, (k, v)
            elif k not in ("type", "stat", "order"):
                assert isinstance(v, (int, float)), (k, v)
if summary is not None and flows:
    assert sum(int(f["flows"]) for f in flows) == int(summary["flows"]), "flows"
    assert sum(int(f["bytes"]) for f in flows) == int(summary["bytes"]), "bytes"
    assert sum(int(f["packets"]) for f in flows) == int(summary["packets"])
if summary is not None:
    assert int(summary["flows"]) == 16 and int(summary["bytes"]) == 2486
print("ok")
PY
	then pass "$name"
	else fail "$name" "$(tail -n 3 "$TMP/$name.py")"; fi
}

for f in csv json; do
	run_check "${f}_flows" $f "$SEED"
	run_check "${f}_aggregate" $f -A srcip,dstport -O bytes "$SEED"
	run_check "${f}_stats" $f -s srcip/bytes -s conversation -s ip/packets "$SEED"
	run_check "${f}_series" $f --series 1s "$SEED"
	run_check "${f}_everything" $f -A proto -s port -s dstip/bps \
	    --series 2s "$SEED"
	run_check "${f}_quiet" $f -q "$SEED"
done
finish
