# tests/bench/reporter.sh: sourced by tests/bench/run.sh (not run on its own).
# shellcheck shell=sh

# ---- reporter -----------------------------------------------------------

FILTER='proto tcp and dst port 80'

# shrink FILE: keep the first lines of a large output once it is counted.
shrink() {
	head -n 20 "$1" >"$1.head" && mv "$1.head" "$1"
}

job_reporter() {
	N=$REPORT_FLOWS
	FT=$W/ft-$N-$REPORT_FILES
	FT1=$W/ft-$N-1
	NFD=$W/nfd-$N
	for d in "$FT:$REPORT_FILES" "$FT1:1"; do
		dir=${d%:*} nf=${d#*:}
		[ -f "$dir.done" ] && continue
		say "generating $dir ($N flows in $nf five-minute files)"
		rm -rf "$dir"
		"$BIN/ftgen" -n "$N" -f "$nf" -o "$dir" >"$LOG/ftgen.out" 2>&1 &&
		    touch "$dir.done" || { say "ftgen failed: $(cat "$LOG/ftgen.out")"; return; }
	done
	have_nd=0
	if peer nfcapd nfdump && peer nfdump nfdump; then
		have_nd=1
		if [ ! -f "$NFD.done" ]; then
			say "sending the same $N flows to nfcapd for nfdump"
			rm -rf "$NFD"; mkdir -p "$NFD"
			port=$(free_port)
			nfcapd -w "$NFD" -p "$port" -b 127.0.0.1 -t 300 -B 4194304 \
			    >"$LOG/nfcapd-report.log" 2>&1 &
			cpid=$!; PIDS="$PIDS $cpid"
			wait_udp "$port"
			"$BIN/ftgen" -n "$N" -f "$REPORT_FILES" -p "$port" -r 300000 \
			    >"$LOG/ftgen-send.out" 2>&1
			sleep 1
			stop "$cpid"
			got=$(nfdump -R "$NFD" -I 2>/dev/null | awk '/^Flows:/ { print $2 }')
			if [ "${got:-0}" = "$N" ]; then
				touch "$NFD.done"
			else
				say "nfcapd stored ${got:-0} of $N flows; nfdump results are on those"
			fi
		fi
		NDN=$(nfdump -R "$NFD" -I 2>/dev/null | awk '/^Flows:/ { print $2 }')
	fi
	have_nr=0; nfkit_ok "$NFREPORT" && have_nr=1
	# The same flows in IPFIX files (nfreport -o ipfix, one per ft file,
	# named as the collector names them), for the IPFIX read speed.
	IPX=$W/ipfix-$N-$REPORT_FILES
	if [ $have_nr = 1 ] && [ ! -f "$IPX.done" ]; then
		say "converting $FT to IPFIX files"
		rm -rf "$IPX"; mkdir -p "$IPX"
		for f in "$FT"/ft-*; do
			b=$(basename "$f")
			"$NFREPORT" -o ipfix "$f" >"$IPX/ipfix-v10${b#ft-v05}" || break
		done && touch "$IPX.done"
	fi
	ft1=$(ls "$FT1"/ft-* | head -1)
	say "reporter: $N flows, $RUNS runs of each job"
	r=1
	while [ $r -le "$RUNS" ]; do
		timed "inflate.$r" "$BIN/ftinflate" "$FT"/ft-*
		record reporter inflate $r "$(sed -n 's/.*records=\([0-9]*\).*/\1/p' "$LOG/inflate.$r.out")"
		timed "inflate1.$r" "$BIN/ftinflate" "$ft1"
		record reporter inflate-1file $r "$(sed -n 's/.*records=\([0-9]*\).*/\1/p' "$LOG/inflate1.$r.out")"
		if [ -n "$ISAL_LIBS" ]; then
			timed "inflate-isal.$r" "$BIN/ftinflate" -I "$FT"/ft-*
			record reporter "inflate isal" $r "$(sed -n 's/.*records=\([0-9]*\).*/\1/p' "$LOG/inflate-isal.$r.out")"
			timed "inflate1-isal.$r" "$BIN/ftinflate" -I "$ft1"
			record reporter "inflate-1file isal" $r "$(sed -n 's/.*records=\([0-9]*\).*/\1/p' "$LOG/inflate1-isal.$r.out")"
		fi
		if [ $have_nr = 1 ]; then
			timed "nfr-top.$r" "$NFREPORT" -q -s srcip/bytes -n 10 "$FT"
			record reporter "nfreport top10" $r "$(wc -l <"$LOG/nfr-top.$r.out")"
			timed "nfr-top1.$r" "$NFREPORT" -q -s srcip/bytes -n 10 "$ft1"
			record reporter "nfreport top10 1file" $r "$(wc -l <"$LOG/nfr-top1.$r.out")"
			timed "nfr-top-ipfix.$r" "$NFREPORT" -q -s srcip/bytes -n 10 "$IPX"
			record reporter "nfreport top10 ipfix" $r "$(wc -l <"$LOG/nfr-top-ipfix.$r.out")"
			timed "nfr-filter.$r" "$NFREPORT" -q -o csv "$FT" "$FILTER"
			record reporter "nfreport filter csv" $r "$(grep -c '^[0-9]' "$LOG/nfr-filter.$r.out")"
			shrink "$LOG/nfr-filter.$r.out"
			for o in short line csv; do
				timed "nfr-$o.$r" sh -c '"$0" -q -o "$1" "$2" >/dev/null' \
				    "$NFREPORT" "$o" "$FT"
				record reporter "nfreport print $o" $r ""
			done
		fi
		if [ $have_nd = 1 ]; then
			timed "nfd-top.$r" nfdump -R "$NFD" -q -N -s srcip/bytes -n 10
			record reporter "nfdump top10" $r "$(wc -l <"$LOG/nfd-top.$r.out")"
			timed "nfd-filter.$r" nfdump -R "$NFD" -q -o csv "$FILTER"
			record reporter "nfdump filter csv" $r "$(grep -c '^[0-9]' "$LOG/nfd-filter.$r.out")"
			shrink "$LOG/nfd-filter.$r.out"
			timed "nfd-line.$r" sh -c 'nfdump -R "$0" -q -o line >/dev/null' "$NFD"
			record reporter "nfdump print line" $r ""
		fi
		r=$((r + 1))
	done
	summarize reporter inflate "$N" "" "" "floor: zlib, $REPORT_FILES files, one thread"
	n1=$(median reporter inflate-1file 9)
	summarize reporter inflate-1file "${n1:-0}" "" "" "floor: zlib, one file"
	# The floor is the faster decoder of the same stream.
	FL=inflate FL1=inflate-1file
	if [ -n "$ISAL_LIBS" ]; then
		summarize reporter "inflate isal" "$N" "" "" "floor: ISA-L, $REPORT_FILES files, one thread"
		summarize reporter "inflate-1file isal" "${n1:-0}" "" "" "floor: ISA-L, one file"
		FL="inflate isal" FL1="inflate-1file isal"
	fi
	pd=""; [ $have_nd = 1 ] && pd=1
	if [ $have_nd = 1 ]; then
		for p in "nfdump top10" "nfdump filter csv" "nfdump print line"; do
			summarize reporter "$p" "${NDN:-$N}" "" "$FL" "$(nd_note "$p")"
		done
	fi
	for j in "top10:nfdump top10" "filter csv:nfdump filter csv" \
	    "print short:nfdump print line" "print line:nfdump print line" \
	    "print csv:nfdump print line"; do
		what=${j%%:*} theirs=${j#*:}
		if [ $have_nr = 1 ]; then
			summarize reporter "nfreport $what" "$N" "${pd:+$theirs}" "$FL" "$(nr_note "$what")"
		else
			row reporter "nfreport $what" "n/a" "n/a" "" "n/a" "-" "-" "not built"
		fi
	done
	if [ $have_nr = 1 ]; then
		summarize reporter "nfreport top10 1file" "${n1:-0}" "" "$FL1" "one file"
		# vs_peer here is IPFIX files against ft-v05 files of the same
		# flows; the target is at least 0.75x.
		summarize reporter "nfreport top10 ipfix" "$N" "nfreport top10" \
		    "$FL" "IPFIX files of the same flows; vs_peer = vs ft-v05 (target >= 0.75x)"
	fi
	[ $have_nd = 1 ] || row reporter nfdump "-" "-" "" "-" "-" "-" "peer missing"
	reporter_check
}

nd_note() {
	case $1 in
	"nfdump filter csv") echo "$(median reporter "$1" 9) lines" ;;
	"nfdump print line") echo "uncompressed nfcapd files" ;;
	esac
}
nr_note() {
	case $1 in
	"filter csv") echo "$(median reporter "nfreport $1" 9) lines" ;;
	esac
}

# Do nfreport and nfdump agree on the top-10 sources?  (Addresses only.)
reporter_check() {
	[ -s "$LOG/nfr-top.1.out" ] && [ -s "$LOG/nfd-top.1.out" ] || return 0
	a=$(grep -Eo '10\.0\.[0-9]+\.[0-9]+' "$LOG/nfr-top.1.out" | head -10 | tr '\n' ' ')
	b=$(grep -Eo '10\.0\.[0-9]+\.[0-9]+' "$LOG/nfd-top.1.out" | head -10 | tr '\n' ' ')
	if [ "$a" = "$b" ]; then
		say "check: nfreport and nfdump agree on the top-10 sources"
	else
		say "check: top-10 sources DIFFER: nfreport [$a] nfdump [$b]"
	fi
}

