# tests/bench/clickhouse.sh: sourced by tests/bench/run.sh (not run on its own).
# shellcheck shell=sh

# ---- clickhouse: loading and asking the cluster --------------------------

job_clickhouse() {
	N=$REPORT_FLOWS
	FT=$W/ft-$N-$REPORT_FILES
	NFD=$W/nfd-$N
	NFCHLOAD=${NFCHLOAD:-$ROOT/report/nfchload}
	peer clickhouse-server clickhouse-server || return
	nfkit_ok "$NFCHLOAD" || { say "$NFCHLOAD is not built"; return; }
	if [ ! -f "$FT.done" ]; then
		rm -rf "$FT"
		"$BIN/ftgen" -n "$N" -f "$REPORT_FILES" -o "$FT" >/dev/null &&
		    touch "$FT.done" || return
	fi
	# tests/chlib.sh starts the server; it wants lib.sh's bg and wait_for.
	TMP=$(mktemp -d "$W/ch.XXXXXX")
	bg() { "$@" & LASTPID=$!; PIDS="$PIDS $LASTPID"; }
	wait_for() {
		i=0
		while ! eval "$1" >/dev/null 2>&1; do
			i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
		done
	}
	. "$ROOT/tests/chlib.sh"
	ch_ports
	ch_start 1 || { say "clickhouse-server did not start"; return; }
	say "clickhouse: $N flows, $RUNS runs of each job"
	r=1
	while [ $r -le "$RUNS" ]; do
		ch_sql 1 "DROP DATABASE IF EXISTS nfkit" >/dev/null
		"$NFCHLOAD" -I -H "$CH_URL1" 2>/dev/null
		timed "chload.$r" "$NFCHLOAD" -o -H "$CH_URL1" "$FT"
		record clickhouse "nfchload load" $r "$(ch_sql 1 'SELECT count() FROM nfkit.flows_local')"
		timed "chdb-top.$r" "$NFREPORT" -q --db "$CH_URL1" --db-table nfkit.flows_local -s srcip/bytes -n 10
		record clickhouse "nfreport --db top10" $r "$(wc -l <"$LOG/chdb-top.$r.out")"
		timed "chfile-top.$r" "$NFREPORT" -q -s srcip/bytes -n 10 "$FT"
		record clickhouse "nfreport files top10" $r "$(wc -l <"$LOG/chfile-top.$r.out")"
		if [ -f "$NFD.done" ]; then
			timed "chnfd-top.$r" nfdump -R "$NFD" -q -N -s srcip/bytes -n 10
			record clickhouse "nfdump top10" $r "$(wc -l <"$LOG/chnfd-top.$r.out")"
		fi
		r=$((r + 1))
	done
	stop "$CH_PID1"
	rm -rf "$TMP"
	summarize clickhouse "nfchload load" "$N" "" "" "rows/s into one local server, 1M-row INSERTs"
	pn=""; [ -f "$NFD.done" ] && { summarize clickhouse "nfdump top10" "$N" "" "" "nfcapd files"; pn="nfdump top10"; }
	summarize clickhouse "nfreport files top10" "$N" "$pn" "" "the loaded files"
	summarize clickhouse "nfreport --db top10" "$N" "$pn" "" "GROUP BY on the server; vs nfdump"
	if cmp -s "$LOG/chdb-top.1.out" "$LOG/chfile-top.1.out"; then
		say "check: nfreport --db and nfreport on the files print the same top 10"
	else
		say "check: nfreport --db top 10 DIFFERS from the files'"
	fi
}

