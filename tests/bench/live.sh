# tests/bench/live.sh: sourced by tests/bench/run.sh (not run on its own).
# shellcheck shell=sh

# ---- live capture (issue 12) -----------------------------------------------
#
# A veth pair in the benchmark's network namespace; tcpreplay -K sends the
# sensor capture into one end (--topspeed, then each of LIVE_RATES packets/s)
# while one program captures on the other end:
#   tcpdump -w /dev/null        the floor: libpcap and nothing else
#   softflowd -i                peer sensor, NetFlow v5 to a UDP sink
#   pmacctd + nfprobe           peer sensor (two processes), v5 to a sink
#   nfsensord -i                v5 to a sink
# Measured per run: the capturer's CPU (user + system time of the process
# and its children, /proc/PID/task/*/schedstat, read just before and just after the replay, so
# start-up and the final export are not in it), scaled to 1M packets; the
# replayer's own rate (packets/s, as tcpreplay reports it); packets sent
# (tcpreplay), captured, dropped by the kernel and by the interface (the
# program's own statistics: nfctl, softflowctl, tcpdump's summary,
# pmacctd's exit notice; for the peers captured = libpcap's received -
# dropped); flow records that reached the sink (v5 records: the sensors
# are told to export every flow before they stop: nfctl and softflowctl
# shutdown, SIGTERM for pmacctd).
# Each program is started and the replay waits until its packet socket is
# bound to the interface (/proc/net/packet), so no packet is sent before
# it listens.  IPv6 is off on the pair: nothing but the replay crosses it.
# LIVE_RATES (default "top 50000 150000"), LIVE_PKTS (packets per fixed-rate run,
# default 300000: tcpreplay --limit; the top-speed run sends the whole
# capture).

live_ifindex() { cat "/sys/class/net/$1/ifindex"; }

# live_sockets IFINDEX: packet sockets bound to that interface.
live_sockets() {
	awk -v i="$1" 'NR > 1 && $5 == i { n++ } END { print n + 0 }' /proc/net/packet
}

# live_cpu PID: nanoseconds on a CPU (user + system) of PID's threads and
# its children's, from /proc/*/task/*/schedstat (utime + stime in
# /proc/PID/stat count 10 ms ticks: too coarse for a 0.1 s run).
live_cpu() {
	local p
	for p in $1 $(pgrep -P "$1"); do
		cat "/proc/$p/task/"*/schedstat 2>/dev/null
	done | awk '{ t += $1 } END { printf "%.0f\n", t }'
}

# live_start PROG IFACE PORT TAG: start PROG capturing on IFACE, exporting
# to 127.0.0.1:PORT; sets LP (its PID); returns when its packet socket is
# bound, or non-zero after 10 s.
live_start() {
	local prog ifc port tag ifx n0 i
	prog=$1 ifc=$2 port=$3 tag=$4
	ifx=$(live_ifindex "$ifc")
	n0=$(live_sockets "$ifx")
	case $prog in
	tcpdump)
		tcpdump -i "$ifc" -n -q -w /dev/null >"$LOG/$tag.out" 2>"$LOG/$tag.err" &
		LP=$! ;;
	softflowd)
		rm -f "$W/live-sf.ctl"
		softflowd -d -i "$ifc" -c "$W/live-sf.ctl" -m "$LIVE_M" -n "127.0.0.1:$port" \
		    >"$LOG/$tag.out" 2>"$LOG/$tag.err" &
		LP=$! ;;
	pmacctd)
		cat >"$W/live-pmacctd.conf" <<-EOF
		daemonize: false
		pcap_interface: $ifc
		plugins: nfprobe
		nfprobe_receiver: 127.0.0.1:$port
		nfprobe_version: 5
		nfprobe_maxflows: $LIVE_M
		EOF
		pmacctd -f "$W/live-pmacctd.conf" >"$LOG/$tag.out" 2>"$LOG/$tag.err" &
		LP=$! ;;
	nfsensord)
		rm -f "$W/live.ctl"
		"$NFSENSORD" -d -i "$ifc" -m "$LIVE_M" -n "127.0.0.1:$port" \
		    -c "$W/live.ctl" -p "$W/live.pid" >"$LOG/$tag.out" 2>"$LOG/$tag.err" &
		LP=$! ;;
	esac
	PIDS="$PIDS $LP"
	i=0
	while [ "$(live_sockets "$ifx")" -le "$n0" ]; do
		[ $i -ge 200 ] && return 1
		kill -0 "$LP" 2>/dev/null || return 1
		sleep 0.05; i=$((i + 1))
	done
	# pmacctd's plugin is a second process: give it its socket too.
	[ "$prog" = pmacctd ] && sleep 1
	return 0
}

# live_run PROG RATE RUN: one replay; appends a line to $LIVE.
live_run() {
	local prog rate r tag c0 c1 sent pps cap kdrop idrop flows lim
	prog=$1 rate=$2 r=$3
	tag="live-$prog-$rate.$r"
	sink_start
	if ! live_start "$prog" "$LIVE_B" "$SINK_PORT" "$tag"; then
		say "$tag: $prog did not start capturing: $(tail -2 "$LOG/$tag.err")"
		stop "$LP"; stop "$SINK_PID"
		return
	fi
	lim=""
	[ "$rate" != top ] && lim="--limit=$LIVE_PKTS"
	c0=$(live_cpu "$LP")
	if [ "$rate" = top ]; then
		tcpreplay -K --topspeed -i "$LIVE_A" "$CAP" >"$LOG/$tag.replay" 2>&1
	else
		tcpreplay -K --pps="$rate" ${lim:+"$lim"} -i "$LIVE_A" "$CAP" >"$LOG/$tag.replay" 2>&1
	fi
	sleep 0.3	# the last ring block (100 ms timeout) and the last read
	c1=$(live_cpu "$LP")
	sent=$(sed -n 's/.*Successful packets: *\([0-9]*\).*/\1/p' "$LOG/$tag.replay")
	pps=$(sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p' "$LOG/$tag.replay" | head -1)
	cap="" kdrop="" idrop=""
	if [ "$prog" = nfsensord ]; then
		"$NFCTL" -c "$W/live.ctl" -j statistics >"$LOG/$tag.stats" 2>&1
		st() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		    "$LOG/$tag.stats" "$1" 2>/dev/null; }
		# Captured = handed to the meter, whatever it made of them.
		cap=$(st packets) kdrop=$(st pcap_dropped) idrop=$(st pcap_ifdropped)
		"$NFCTL" -c "$W/live.ctl" shutdown >/dev/null 2>&1
	elif [ "$prog" = softflowd ] && have softflowctl; then
		softflowctl -c "$W/live-sf.ctl" statistics >"$LOG/$tag.stats" 2>&1
		cap=$(sed -n 's/^Packets received by libpcap: \([0-9]*\).*/\1/p' "$LOG/$tag.stats")
		kdrop=$(sed -n 's/^Packets dropped by libpcap: \([0-9]*\).*/\1/p' "$LOG/$tag.stats")
		idrop=$(sed -n 's/^Packets dropped by interface: \([0-9]*\).*/\1/p' "$LOG/$tag.stats")
		[ -n "$cap" ] && [ -n "$kdrop" ] && cap=$((cap - kdrop))
		# Export what its table holds, as nfctl shutdown does.
		softflowctl -c "$W/live-sf.ctl" shutdown >/dev/null 2>&1
		sleep 0.5
	fi
	stop "$LP"
	case $prog in
	tcpdump)
		# As for the peers: received by filter - dropped ("captured"
		# leaves out what was still in the ring at SIGTERM).
		cap=$(sed -n 's/^\([0-9]*\) packets received by filter.*/\1/p' "$LOG/$tag.err")
		kdrop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$LOG/$tag.err")
		idrop=$(sed -n 's/^\([0-9]*\) packets dropped by interface.*/\1/p' "$LOG/$tag.err")
		[ -n "$cap" ] && [ -n "$kdrop" ] && cap=$((cap - kdrop)) ;;
	pmacctd)
		# "[iface,0] received_packets=N dropped_packets=N" (pcap_stats).
		cap=$(sed -n 's/.*received_packets=\([0-9]*\).*/\1/p' "$LOG/$tag.out" "$LOG/$tag.err" | tail -1)
		kdrop=$(sed -n 's/.*dropped_packets=\([0-9]*\).*/\1/p' "$LOG/$tag.out" "$LOG/$tag.err" | tail -1)
		[ -n "$cap" ] && [ -n "$kdrop" ] && cap=$((cap - kdrop)) ;;
	esac
	sink_stop
	flows=$SINK_GOT
	[ "$prog" = tcpdump ] && flows="-"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$prog" "$rate" "$r" \
	    "$(awk -v a="$c0" -v b="$c1" -v n="${sent:-0}" \
		'BEGIN { if (n > 0) printf "%.3f", (b - a) / 1e9 * 1e6 / n; else print "-" }')" \
	    "${pps:-}" "${sent:-}" "${cap:--}" "${kdrop:--}" "${idrop:--}" "${flows:--}" >>"$LIVE"
}

job_live() {
	local progs p rate r ifc
	LIVE=$W/live.tsv
	: >"$LIVE"
	if [ "$BENCH_NETNS" = none ] || [ "$(id -u)" != 0 ]; then
		say "live: needs root and the benchmark's network namespace: skipped"
		row live - "-" "-" "" "-" "-" "-" "skipped: no network namespace"
		return
	fi
	peer tcpreplay tcpreplay || { row live - "-" "-" "" "-" "-" "-" "skipped: no tcpreplay"; return; }
	sensor_capture || return
	: "${LIVE_RATES:=top 50000 150000}" "${LIVE_PKTS:=300000}" "${LIVE_M:=8192}"
	NFCTL=${NFCTL:-$ROOT/sensor/nfctl}
	LIVE_A=lvA$$ LIVE_B=lvB$$
	ip link add "$LIVE_A" type veth peer name "$LIVE_B" || { say "live: no veth"; return; }
	for ifc in "$LIVE_A" "$LIVE_B"; do
		sysctl -qw "net.ipv6.conf.$ifc.disable_ipv6=1"
		ip link set "$ifc" up
	done
	progs="tcpdump"
	peer softflowd softflowd && progs="$progs softflowd"
	peer pmacctd pmacct && progs="$progs pmacctd"
	nfkit_ok "$NFSENSORD" && progs="$progs nfsensord"
	say "live: $RUNS runs of $progs at $LIVE_RATES on a veth pair (load $(cut -d' ' -f1-3 /proc/loadavg))"
	r=1
	while [ $r -le "$RUNS" ]; do
		for rate in $LIVE_RATES; do
			for p in $progs; do
				live_run "$p" "$rate" "$r"
			done
		done
		r=$((r + 1))
	done
	ip link del "$LIVE_A"
	LIVE_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
	for rate in $LIVE_RATES; do
		for p in $progs; do
			live_row "$p" "$rate"
		done
	done
}

# live_med PROG RATE FIELD: median of a live.tsv column (4 cpu per 1M,
# 5 replayer pps) over the runs.
live_med() {
	awk -F'\t' -v p="$1" -v r="$2" -v f="$3" '$1 == p && $2 == r && $f ~ /^[0-9.]+$/ { print $f }' \
	    "$LIVE" | sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# live_row PROG RATE: the table row: cpu s per 1M packets, the replayer's
# rate; vs peer = CPU against softflowd's, vs floor = CPU against
# tcpdump's; the note sums up loss over all runs and the replayer's rate
# against its rate beside tcpdump.
live_row() {
	local p rate cpu pps vp vf loss note
	p=$1 rate=$2
	cpu=$(live_med "$p" "$rate" 4)
	pps=$(live_med "$p" "$rate" 5)
	vp="-" vf="-"
	[ "$p" != softflowd ] && [ "$p" != tcpdump ] && vp=$(ratio "$cpu" "$(live_med softflowd "$rate" 4)")
	[ "$p" != tcpdump ] && vf=$(ratio "$cpu" "$(live_med tcpdump "$rate" 4)")
	loss=$(awk -F'\t' -v p="$p" -v r="$rate" '$1 == p && $2 == r {
	    n++; s += $6; if ($7 ~ /^[0-9]+$/) { c += $7; k += $8 + $9; m++ } }
	    END { if (m) printf "sent %d, captured %d, kernel+if drops %d, unaccounted %d",
		s, c, k, s - c - k; else printf "%d runs, capture counts not reported", n }' "$LIVE")
	note="cpu s per 1M packets; $loss"
	[ "$p" != tcpdump ] && note="$note; replayer $(ratio "$pps" "$(live_med tcpdump "$rate" 5)") its rate beside tcpdump"
	[ "$p" != tcpdump ] && note="$note; $(awk -F'\t' -v p="$p" -v r="$rate" '$1 == p && $2 == r && $3 == 1 { print $10 }' "$LIVE") v5 records exported (run 1)"
	row "live $rate" "$p" "-" "${pps%.*}" "$cpu" "" "$vp" "$vf" "$note"
}
