# tests/bench/web.sh: sourced by tests/bench/run.sh (not run on its own).
# shellcheck shell=sh

# ---- web report ---------------------------------------------------------

# A day of five-minute files: the page (-o html, with --local so the
# in/out split is paid for) against one top-10 table over the same files.
job_web() {
	N=$WEB_FLOWS
	DAY=$W/ft-$N-$WEB_FILES
	if [ ! -f "$DAY.done" ]; then
		say "generating $DAY ($N flows in $WEB_FILES five-minute files)"
		rm -rf "$DAY"
		"$BIN/ftgen" -n "$N" -f "$WEB_FILES" -o "$DAY" >"$LOG/ftgen-web.out" 2>&1 &&
		    touch "$DAY.done" || { say "ftgen failed: $(cat "$LOG/ftgen-web.out")"; return; }
	fi
	if ! nfkit_ok "$NFREPORT"; then
		row web "nfreport html" "n/a" "n/a" "" "n/a" "-" "-" "not built"
		return
	fi
	say "web: $N flows in $WEB_FILES files, $RUNS runs of each job"
	r=1
	while [ $r -le "$RUNS" ]; do
		timed "web-top.$r" "$NFREPORT" -q -s srcip/bytes -n 10 "$DAY"
		record web "nfreport top10 day" $r "$(wc -l <"$LOG/web-top.$r.out")"
		timed "web-html.$r" sh -c '"$0" -U -o html --local 10.0.0.0/16 "$1" >"$2"' \
		    "$NFREPORT" "$DAY" "$LOG/web.html"
		record web "nfreport html" $r "$(wc -c <"$LOG/web.html")"
		# Site mode: hour, day and week pages, the windows ending
		# where the day's last file does (one pass over the files).
		rm -rf "$W/web-site" && mkdir -p "$W/web-site"
		timed "web-site.$r" "$NFREPORT" -U --html-dir "$W/web-site" \
		    -t "@0,@$(web_end "$DAY")" --local 10.0.0.0/16 "$DAY"
		record web "nfreport site" $r "$(cat "$W/web-site/"*.html | wc -c)"
		r=$((r + 1))
	done
	summarize web "nfreport top10 day" "$N" "" "" "$WEB_FILES files"
	top=$(median web "nfreport top10 day" 4) html=$(median web "nfreport html" 4)
	topc=$(median web "nfreport top10 day" cpu) htmlc=$(median web "nfreport html" cpu)
	summarize web "nfreport html" "$N" "" "" "$(awk -v h="${html:-}" -v t="${top:-}" \
	    -v hc="${htmlc:-}" -v tc="${topc:-}" '
	    BEGIN { if (h == "" || t == "" || t + 0 == 0 || tc + 0 == 0) print "no good run";
	    else printf "%.2fx the top-10 time, cpu %.2fx (target <= 1.50x)", h / t, hc / tc }')"
	site=$(median web "nfreport site" cpu)
	summarize web "nfreport site" "$N" "" "" "$(awk -v s="${site:-}" -v h="${htmlc:-}" '
	    BEGIN { if (s == "" || h + 0 == 0) print "no good run";
	    else printf "hour+day+week pages, cpu %.2fx the one page", s / h }')"
}

# The end of the day in DAY (unix seconds): its last five-minute file's.
web_end() {
	for f in "$1"/ft-v0*; do last=${f##*/}; done # sorted: the last is latest
	last=$(echo "$last" | sed -n 's/^ft-v0[0-9]\.\([0-9-]*\)\.\([0-9][0-9]\)\([0-9][0-9]\)\([0-9][0-9]\)+0000$/\1 \2:\3:\4/p')
	echo $(($(date -u -d "$last UTC" +%s) + 300))
}
