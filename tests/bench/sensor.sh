# tests/bench/sensor.sh: sourced by tests/bench/run.sh (not run on its own).
# shellcheck shell=sh

# ---- sensor -------------------------------------------------------------

sink_start() {	# sets SINK_PID SINK_PORT
	rm -f "$W/sink.port"
	"$BIN/udpsink" -f "$W/sink.port" >"$W/sink.out" 2>&1 &
	SINK_PID=$!; PIDS="$PIDS $SINK_PID"
	i=0
	while [ ! -s "$W/sink.port" ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done
	SINK_PORT=$(cat "$W/sink.port")
}
sink_stop() {	# sets SINK_GOT: the records the sink received
	sleep 0.2
	stop "$SINK_PID"
	SINK_GOT=$(sed -n 's/.*records=\([0-9]*\).*/\1/p' "$W/sink.out")
}

job_sensor() {
	sensor_capture || return
	pkts=$SENSOR_PKTS
	have_sf=0; peer softflowd softflowd && have_sf=1
	have_nf=0; nfkit_ok "$NFSENSORD" && have_nf=1
	for m in $SENSOR_M; do
		j="sensor -m $m"
		say "$j: $RUNS runs of pcount, softflowd, nfsensord"
		r=1
		while [ $r -le "$RUNS" ]; do
			timed "pcount.$r" "$BIN/pcount" "$CAP"
			record "$j" pcount $r "$(sed -n 's/packets=\([0-9]*\).*/\1/p' "$LOG/pcount.$r.out")"
			if [ $have_sf = 1 ]; then
				sink_start
				tag="softflowd-m$m.$r"
				timed "$tag" softflowd -d -r "$CAP" -c none -a -m "$m" \
				    -n "127.0.0.1:$SINK_PORT"
				sink_stop; got=$SINK_GOT
				exp=$(sed -n 's/.*Flows exported: \([0-9]*\).*/\1/p' "$LOG/$tag.out" "$LOG/$tag.err" | head -1)
				[ -n "$got" ] && [ "$got" -gt 0 ] || T_RC=99
				record "$j" softflowd $r "$got/${exp:-?}"
			fi
			if [ $have_nf = 1 ]; then
				sink_start
				tag="nfsensord-m$m.$r"
				timed "$tag" "$NFSENSORD" -d -r "$CAP" -m "$m" \
				    -n "127.0.0.1:$SINK_PORT" -c "$W/nfsensord.ctl" \
				    -p "$W/nfsensord.pid"
				sink_stop; got=$SINK_GOT
				[ -n "$got" ] && [ "$got" -gt 0 ] || T_RC=99
				record "$j" nfsensord $r "$got"
				# Both -m count conversations (one entry, both
				# directions), so the same -m holds the same traffic.
			fi
			r=$((r + 1))
		done
		summarize "$j" pcount "$pkts" "" "" "floor"
		if [ $have_sf = 1 ]; then
			flows=$(awk -F'\t' -v j="$j" '$1 == j && $2 == "softflowd" { split($9, a, "/"); print a[1]; exit }' "$RAW")
			summarize "$j" softflowd "$pkts" "" pcount "$flows flows exported$(bpf "$j" softflowd "$flows")"
		else
			row "$j" softflowd "-" "-" "" "-" "-" "-" "peer missing"
		fi
		if [ $have_nf = 1 ]; then
			flows=$(awk -F'\t' -v j="$j" '$1 == j && $2 == "nfsensord" { print $9; exit }' "$RAW")
			# The table grows with the live flows: memory in use at the end.
			tb=$(sed -n 's/^Flow table memory (bytes) *\([0-9]*\).*/\1/p' \
			    "$LOG/nfsensord-m$m.1.out" "$LOG/nfsensord-m$m.1.err" | head -1)
			summarize "$j" nfsensord "$pkts" "$([ $have_sf = 1 ] && echo softflowd)" pcount \
			    "$flows flows exported${tb:+, table $((tb / 1024)) KiB in use}"
		else
			row "$j" nfsensord "n/a" "n/a" "" "n/a" "-" "-" "not built"
		fi
	done
	[ "${SENSOR_V10:-1}" = 1 ] && sensor_v10
	[ "${SENSOR_MEM:-1}" = 1 ] && sensor_mem
}

# sensor_v10: IPFIX export, nfsensord -v 10 against softflowd -v 10, on the
# IPv4 capture and on an IPv6-only capture of the same shape (pcapgen -6 1),
# both at -m SENSOR_V10_M (default 8192).  The sink counts datagrams (IPFIX
# has no record count); each program's own statistics give the flows.
sensor_v10() {
	local cap6 cap m j r tag dg exp k fam tb
	cap6=$W/sensor-v6-$SENSOR_PKTS.pcap
	if [ ! -s "$cap6" ]; then
		say "generating $cap6 ($SENSOR_PKTS IPv6 packets)"
		"$BIN/pcapgen" -o "$cap6.tmp" -n "$SENSOR_PKTS" -s 1 -d "$SENSOR_DUR" -S 128 -6 1 \
		    >"$LOG/pcapgen-v6.out" 2>&1 && mv "$cap6.tmp" "$cap6" ||
		    { say "pcapgen -6 failed"; return; }
	fi
	m=${SENSOR_V10_M:-8192}
	for fam in v4 v6; do
		cap=$CAP; [ $fam = v6 ] && cap=$cap6
		j="sensor $fam -v 10"
		say "$j: $RUNS runs of softflowd and nfsensord, -v 10 -m $m"
		r=1
		while [ $r -le "$RUNS" ]; do
			if [ $have_sf = 1 ]; then
				sink_start
				tag="softflowd-$fam-v10.$r"
				timed "$tag" softflowd -d -r "$cap" -c none -a -m "$m" -v 10 \
				    -n "127.0.0.1:$SINK_PORT"
				sink_stop
				dg=$(sed -n 's/.*datagrams=\([0-9]*\).*/\1/p' "$W/sink.out")
				[ "${dg:-0}" -gt 0 ] || T_RC=99
				exp=$(sed -n 's/.*Flows exported: [0-9]* (\([0-9]*\) records).*/\1/p' \
				    "$LOG/$tag.out" "$LOG/$tag.err" | head -1)
				record "$j" softflowd $r "${exp:-?}"
			fi
			if [ $have_nf = 1 ]; then
				sink_start
				tag="nfsensord-$fam-v10.$r"
				timed "$tag" "$NFSENSORD" -d -r "$cap" -m "$m" -v 10 \
				    -n "127.0.0.1:$SINK_PORT" -c "$W/nfsensord.ctl" \
				    -p "$W/nfsensord.pid"
				sink_stop
				dg=$(sed -n 's/.*datagrams=\([0-9]*\).*/\1/p' "$W/sink.out")
				[ "${dg:-0}" -gt 0 ] || T_RC=99
				exp=$(sed -n 's/^Flows exported  *\([0-9]*\)$/\1/p' \
				    "$LOG/$tag.out" | head -1)
				record "$j" nfsensord $r "${exp:-?}"
			fi
			r=$((r + 1))
		done
		if [ $have_sf = 1 ]; then
			k=$(awk -F'\t' -v j="$j" '$1 == j && $2 == "softflowd" { print $9; exit }' "$RAW")
			summarize "$j" softflowd "$SENSOR_PKTS" "" "" "$k records exported"
		else
			row "$j" softflowd "-" "-" "" "-" "-" "-" "peer missing"
		fi
		if [ $have_nf = 1 ]; then
			k=$(awk -F'\t' -v j="$j" '$1 == j && $2 == "nfsensord" { print $9; exit }' "$RAW")
			# One table for both families: the same bytes per flow.
			tb=$(sed -n 's/^Flow table memory (bytes) *\([0-9]*\).*/\1/p' \
			    "$LOG/nfsensord-$fam-v10.1.out" | head -1)
			summarize "$j" nfsensord "$SENSOR_PKTS" "$([ $have_sf = 1 ] && echo softflowd)" "" \
			    "$k records exported${tb:+, table $((tb / 1024)) KiB in use}"
		else
			row "$j" nfsensord "n/a" "n/a" "" "n/a" "-" "-" "not built"
		fi
	done
}

# sensor_mem: resident memory per tracked flow with a full table.  A capture
# of ~800k connections in 60 s (no timeout fires) fills -m 1000000; one run
# each (memory does not vary), RSS / flows held.
sensor_mem() {
	local cap j got f sfx
	cap=$W/sensor-mem.pcap
	if [ ! -s "$cap" ]; then
		"$BIN/pcapgen" -o "$cap.tmp" -n 4000000 -f 3000000 -s 2 -d 60 -S 96 \
		    >"$LOG/pcapgen-mem.out" 2>&1 && mv "$cap.tmp" "$cap" || return
	fi
	j="sensor 1M flows"
	if [ $have_sf = 1 ]; then
		sink_start
		timed softflowd-mem softflowd -d -r "$cap" -c none -a -m 1000000 -n "127.0.0.1:$SINK_PORT"
		sink_stop; got=$SINK_GOT
		record "$j" softflowd 1 "$got"
		# No forced expiry: it held every flow at the end.
		f=$(sed -n 's/.*Flows expired: \([0-9]*\).*/\1/p' "$LOG/softflowd-mem.out" "$LOG/softflowd-mem.err" | head -1)
		row "$j" softflowd "$T_WALL" "$(awk -v t="$T_WALL" 'BEGIN { printf "%.0f", 4000000 / t }')" \
		    "$(awk -v a="$T_USER" -v b="$T_SYS" 'BEGIN { print a + b }')" "$T_RSS" "-" "-" \
		    "$(awk -v r="$T_RSS" -v n="$got" -v c="$f" 'BEGIN { printf "%.0f B RSS per one-way flow held (%d records, %d conversations)", r * 1024 / n, n, c }')"
	fi
	if [ $have_nf = 1 ]; then
		sink_start
		# -m counts conversations: 500000 holds 1,000,000 one-way flows.
		timed nfsensord-mem "$NFSENSORD" -d -r "$cap" -m 500000 -n "127.0.0.1:$SINK_PORT" \
		    -c "$W/nfsensord.ctl" -p "$W/nfsensord.pid"
		sink_stop; got=$SINK_GOT
		record "$j" nfsensord 1 "$got"
		f=$(sed -n 's/^Flows expired (forced, table full) *\([0-9]*\).*/\1/p' "$LOG/nfsensord-mem.out" "$LOG/nfsensord-mem.err" | head -1)
		sfx="table never full"
		[ "${f:-0}" -gt 0 ] && sfx=$(awk -v r="$T_RSS" 'BEGIN { printf "%.0f B RSS per flow with 1,000,000 held (table full)", r * 1024 / 1e6 }')
		row "$j" nfsensord "$T_WALL" "$(awk -v t="$T_WALL" 'BEGIN { printf "%.0f", 4000000 / t }')" \
		    "$(awk -v a="$T_USER" -v b="$T_SYS" 'BEGIN { print a + b }')" "$T_RSS" \
		    "$(ratio "$(awk -F'\t' '$1 == "sensor 1M flows" && $2 == "softflowd" { print $3 }' "$TABLE")" "$T_WALL")" "-" \
		    "$sfx; ${f:-?} forced"
	fi
}

# bpf JOB PROG FLOWS: ", N B RSS/flow" = peak RSS / flows exported, printed
# only when -m is at least that many flows.  softflowd -r applies no
# timeouts, so its table holds every flow at the end; nfsensord expires by
# packet time, so fewer flows may be live at once and its figure is per flow
# exported, not per live flow.
bpf() {
	local rss m
	rss=$(median "$1" "$2" 7)
	m=${1##* }
	[ -n "$3" ] && [ "$m" -ge "$3" ] 2>/dev/null && [ -n "$rss" ] && [ -n "$3" ] && [ "$3" -gt 0 ] 2>/dev/null &&
	    awk -v r="$rss" -v f="$3" 'BEGIN { printf ", %.0f B RSS/flow", r * 1024 / f }'
}

