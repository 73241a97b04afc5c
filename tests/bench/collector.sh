# tests/bench/collector.sh: sourced by tests/bench/run.sh (not run on its own).
# shellcheck shell=sh

# ---- collector ----------------------------------------------------------

# coll_run PROG RATE RUN: one collector run; appends to collector.tsv:
# prog rate run offered_fps sent stored lost rcvbuf_errs cpu_s rss_kb bytes
coll_run() {
	local prog rate r d port cpid rb0 rb1 rr n offered sent serr rss cpu files stored bytes lost zch
	prog=$1 rate=$2 r=$3
	d=$W/coll/$prog; rm -rf "$d"; mkdir -p "$d"
	port=$(free_port)
	case $prog in
	nfcollectd|nfcollectd-ipfix)
		"$NFCOLLECTD" -D -w "$d" -p "$W/coll/nfcollectd.pid" "127.0.0.1/0/$port" \
		    >"$LOG/coll-$prog.$rate.$r.log" 2>&1 & ;;
	nfcapd|nfcapd-ipfix)
		nfcapd -w "$d" -p "$port" -b 127.0.0.1 -t 300 -B 4194304 \
		    >"$LOG/coll-$prog.$rate.$r.log" 2>&1 & ;;
	nfcapd-lz4)
		nfcapd -w "$d" -p "$port" -b 127.0.0.1 -t 300 -B 4194304 -y \
		    >"$LOG/coll-$prog.$rate.$r.log" 2>&1 & ;;
	nfcapd-lzo)
		nfcapd -w "$d" -p "$port" -b 127.0.0.1 -t 300 -B 4194304 -z \
		    >"$LOG/coll-$prog.$rate.$r.log" 2>&1 & ;;
	esac
	cpid=$!; PIDS="$PIDS $cpid"
	if ! wait_udp "$port"; then
		stop "$cpid"
		printf '%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\tnot listening\n' "$prog" "$rate" "$r" >>"$COLL"
		return 1
	fi
	rb0=$(rcvbuf_errors)
	rr=$rate n=$COLLECT_FLOWS
	if [ "$rate" = max ]; then rr=0; else n=$((rate * COLLECT_SECS)); fi
	case $prog in
	*-ipfix) "$BIN/ipfixblast" -v 10 -p "$port" -n "$n" -r "$rr" ;;
	*) "$BIN/nfv5blast" -p "$port" -n "$n" -r "$rr" ;;
	esac >"$LOG/blast.out" 2>&1
	offered=$(sed -n 's/.*flows_per_s=\([0-9]*\).*/\1/p' "$LOG/blast.out")
	sent=$(sed -n 's/.* flows=\([0-9]*\).*/\1/p' "$LOG/blast.out")
	serr=$(sed -n 's/.*send_errors=\([0-9]*\).*/\1/p' "$LOG/blast.out")
	sleep 1
	rb1=$(rcvbuf_errors)
	rss=$(awk '/^VmHWM/ { print $2 }' "/proc/$cpid/status" 2>/dev/null)
	cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' \
	    "/proc/$cpid/stat" 2>/dev/null)
	stop "$cpid"
	case $prog in
	nfcollectd)
		files=$(find "$d" -type f \( -name 'ft-*' -o -name 'tmp-*' \))
		# shellcheck disable=SC2086
		stored=$([ -n "$files" ] && "$BIN/ftinflate" $files 2>>"$LOG/ftinflate.err" |
		    sed -n 's/.*records=\([0-9]*\).*/\1/p')
		bytes=$(find "$d" -type f \( -name 'ft-*' -o -name 'tmp-*' \) -printf '%s\n' |
		    awk '{ s += $1 } END { print s + 0 }') ;;
	nfcollectd-ipfix)
		# The collector logs each finished file's flow count.
		stored=$(sed -n 's/.*finished .*: \([0-9]*\) flows,.*/\1/p' \
		    "$LOG/coll-$prog.$rate.$r.log" | awk '{ s += $1 } END { print s + 0 }')
		bytes=$(find "$d" -type f -name 'ipfix-*' -printf '%s\n' |
		    awk '{ s += $1 } END { print s + 0 }') ;;
	nfcapd*)
		stored=$(nfdump -R "$d" -I 2>/dev/null | awk '/^Flows:/ { print $2 }')
		bytes=$(find "$d" -type f -name 'nfcapd.*' -printf '%s\n' |
		    awk '{ s += $1 } END { print s + 0 }') ;;
	esac
	stored=${stored:-0}
	# nfcollectd's compression speed changes (the writer fell behind):
	# the first logged alone, the rest summed up ("compression: N change(s)").
	zch=$(awk '/compression .* -> / { n++ }
	    /compression: [0-9]+ change/ { for (i = 1; i < NF; i++) if ($i == "compression:") n += $(i + 1) }
	    END { print n + 0 }' "$LOG/coll-$prog.$rate.$r.log" 2>/dev/null)
	rm -rf "$d"	# up to 1.4 GB per run at the top of the full ladder
	lost=$((sent - stored))
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$prog" "$rate" "$r" \
	    "$offered" "$sent" "$stored" "$lost" "$((rb1 - rb0))" "${cpu:-?}" "${rss:-?}" \
	    "$bytes" "send_errors=$serr compression_changes=${zch:-0}" >>"$COLL"
	say "  $prog rate=$rate run $r: offered $offered/s sent $sent stored $stored lost $lost RcvbufErrors +$((rb1 - rb0))"
	[ "$lost" -eq 0 ]
}

# coll_ladder JOB OURS PEERS: the offered-rate ladder for nfcollectd run as
# OURS and the nfcapd variants PEERS, then their summary rows under JOB.
coll_ladder() {
	cjob=$1 ours=$2 peers=$3
	progs=""
	nfkit_ok "$NFCOLLECTD" && progs="$ours"
	if peer nfcapd nfdump && peer nfdump nfdump; then
		progs="$progs $peers"
	fi
	alive=$progs
	for rate in $RATES; do
		[ -z "$alive" ] && break
		say "collector: offered rate $rate flows/s, $RUNS runs of:$alive"
		failed=""
		r=1
		while [ $r -le "$RUNS" ]; do
			for p in $alive; do
				coll_run "$p" "$rate" $r || case " $failed " in
				    *" $p "*) ;; *) failed="$failed $p" ;; esac
			done
			r=$((r + 1))
		done
		next=""
		for p in $alive; do
			case " $failed " in *" $p "*) ;; *) next="$next $p" ;; esac
		done
		alive=$next
	done
	# Summary rows: highest rate where every run lost nothing.
	for p in $ours $peers; do
		case " $progs " in *" $p "*) ;; *)
			if [ $p = "$ours" ]; then
				row "$cjob" "$ours" "n/a" "n/a" "" "n/a" "-" "-" "not built"
			else
				row "$cjob" "$p" "-" "-" "" "-" "-" "-" "peer missing"
			fi
			continue ;;
		esac
		awk -F'\t' -v p="$p" -v runs="$RUNS" '
		    $1 != p || $4 == "-" { next }
		    { n[$2]++; if ($7 != 0) bad[$2]++; off[$2] = off[$2] " " $4;
		      if ($6 > 0) { b = $11 * 1e6 / $6; if (!best || b < best) best = b }
		      rss[$2] = $10; cpu[$2] = $9; order[++k] = $2 }
		    END {
			held = ""; fail = ""
			for (i = 1; i <= k; i++) { r = order[i]; if (seen[r]++) continue
			    if (bad[r] == 0 && n[r] >= runs) { held = r; hrss = rss[r] }
			    else if (fail == "") fail = r }
			# A held "max" rate is what the blaster achieved (median).
			if (held == "max") {	# mawk has no asort: insertion sort
				m = split(off["max"], a, " ")
				for (i = 2; i <= m; i++) { v = a[i] + 0
				    for (j = i - 1; j >= 1 && a[j] + 0 > v; j--) a[j + 1] = a[j]
				    a[j + 1] = v }
				held = a[int((m + 1) / 2)]
			}
			printf "%s\t%s\t%s\t%.1f\n", held == "" ? "none" : held,
			    fail == "" ? "-" : fail, hrss == "" ? "-" : hrss, best / 1048576
		    }' "$COLL" >"$W/coll.$p.sum"
		read -r held fail rss mbpm <"$W/coll.$p.sum"
		note="$mbpm MiB per 1M flows on disk"
		[ "$fail" != "-" ] && note="$note; loss at $fail"
		[ "$fail" = "-" ] && note="$note; no loss at any rate tried"
		row "$cjob" "$p" "-" "$held" "-" "$rss" "-" "-" "$note"
	done
	# Ratios: our held rate vs the first peer's, our size vs the second's.
	set -- $peers
	awk -F'\t' -v cj="$cjob" -v us="$ours" -v p1="${1:-}" -v p2="${2:-}" '
	    BEGIN { OFS = "\t" } $1 == cj { r[$2] = $4; n[$2] = $9 }
	    { line[NR] = $0; job[NR] = $1; pr[NR] = $2 }
	    END { for (i = 1; i <= NR; i++) {
		if (job[i] == cj && pr[i] == us) {
		    split(line[i], f, "\t")
		    if (r[p1] + 0 > 0 && r[us] ~ /^[0-9]/)
			f[7] = sprintf("%.2fx", r[us] / r[p1])
		    split(n[us], a, " "); split(n[p2], b, " ")
		    if (a[1] + 0 > 0 && b[1] + 0 > 0) f[9] = f[9] sprintf("; size %.2fx %s", a[1] / b[1], p2)
		    line[i] = f[1]; for (k = 2; k <= 9; k++) line[i] = line[i] OFS f[k] }
		print line[i] } }' "$TABLE" >"$TABLE.new" && mv "$TABLE.new" "$TABLE"
}

job_collector() {
	coll_ladder collector nfcollectd "nfcapd nfcapd-lz4 nfcapd-lzo"
}

# v9/IPFIX collection: nfcollectd's IPFIX files against nfcapd (plain and
# LZ4 are the same columns as above; one peer keeps the ladder short).
job_collector_ipfix() {
	if [ ! -x "$BIN/ipfixblast" ]; then
		row collector_ipfix nfcollectd-ipfix "n/a" "n/a" "" "n/a" "-" "-" "ipfixblast not built"
		return
	fi
	coll_ladder collector_ipfix nfcollectd-ipfix "nfcapd-ipfix"
}

