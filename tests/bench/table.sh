# tests/bench/table.sh: sourced by tests/bench/run.sh (not run on its own).
# shellcheck shell=sh

# ---- table --------------------------------------------------------------

print_table() {
	echo
	echo "nfkit bench ($BENCH, $RUNS runs each, medians; ratios from this run): $(machine)"
	echo "sensor: $SENSOR_PKTS packets; collector: rate x $COLLECT_SECS s of flows per run ($COLLECT_FLOWS unpaced); reporter: $REPORT_FLOWS flows"
	awk -F'\t' 'BEGIN {
	    printf "%-18s %-22s %9s %8s %10s %8s %8s %8s  %s\n", "job", "program", "median s",
		"cpu s", "rate /s", "RSS MiB", "vs peer", "vs floor", "note" }
	    { t = $3; if (t ~ /^[0-9.]+$/) t = sprintf("%.3f", t)
	      c = $5; if (c ~ /^[0-9.]+$/) c = sprintf("%.3f", c); if (c == "") c = "-"
	      rss = $6; if (rss ~ /^[0-9]+$/) rss = sprintf("%.1f", rss / 1024)
	      rate = $4; if (rate ~ /^[0-9]+$/) rate = sprintf("%.3fM", rate / 1e6)
	      printf "%-18s %-22s %9s %8s %10s %8s %8s %8s  %s\n", $1, $2, t, c, rate, rss, $7, $8, $9 }' \
	    "$TABLE"
	if [ -s "$W/deflate.txt" ] && [ "${JOBS#*deflate}" != "$JOBS" ]; then
		echo
		echo "deflate candidates for the flow-tools record stream (one thread):"
		cat "$W/deflate.txt"
	fi
	if [ -s "$W/live.tsv" ] && [ "${JOBS#*live}" != "$JOBS" ]; then
		echo
		echo "live capture runs (load average at the end: ${LIVE_LOAD:-?}; cpu = capturer's user+sys per 1M packets):"
		awk -F'\t' 'BEGIN { printf "%-10s %7s %3s %8s %10s %8s %8s %7s %7s %8s\n", "program", "rate",
		    "run", "cpu s/1M", "replay/s", "sent", "captured", "kdrop", "ifdrop", "records" }
		    { printf "%-10s %7s %3s %8s %10.0f %8s %8s %7s %7s %8s\n", $1, $2, $3, $4, $5, $6, $7,
		      $8, $9, $10 }' "$W/live.tsv"
	fi
	if [ -s "$COLL" ]; then
		echo
		echo "collector runs (offered = achieved by nfv5blast; lost = sent - stored):"
		awk -F'\t' 'BEGIN { printf "%-11s %8s %3s %10s %9s %9s %8s %8s %6s %8s %8s\n", "program",
		    "rate", "run", "offered/s", "sent", "stored", "lost", "rcvbuf", "cpu s", "RSS MiB", "MiB/1M" }
		    { printf "%-11s %8s %3s %10s %9s %9s %8s %8s %6s %8.1f %8.1f\n", $1, $2, $3, $4, $5,
		      $6, $7, $8, $9, $10 / 1024, ($6 > 0 ? $11 / $6 * 1e6 / 1048576 : 0) }' "$COLL"
	fi
}

