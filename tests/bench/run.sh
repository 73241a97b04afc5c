#!/bin/sh
# make bench: nfkit side by side with the real peers, in one run.
#
#   sensor     nfsensord -r CAP   vs softflowd -r CAP   (both export to a UDP
#              discard sink on loopback; same -m), floor = pcount (bare libpcap);
#              then both with -v 10 (IPFIX) on CAP and on an IPv6-only capture
#   collector  nfv5blast at increasing offered rates into nfcollectd (default
#              compression) and into nfcapd (plain, -y LZ4, -z LZO); highest
#              offered rate with zero loss (sent vs stored), kernel
#              RcvbufErrors, bytes on disk per million flows
#   collector_ipfix  the same with IPFIX (tests/bench/ipfixblast: IPv4 and
#              IPv6 flows, templates every 16 messages) into nfcollectd
#              (IPFIX files) and nfcapd
#   deflate    zlib levels and ISA-L igzip (if libisal-dev is there) on the
#              same records: speed, size, inflate speed (tests/bench/zbench)
#   reporter   nfreport vs nfdump on the same flows (five-minute flow-tools
#              files written by tests/bench/ftgen; the same datagrams sent to
#              nfcapd for nfdump): top-10 srcip/bytes, a filter, print-all;
#              floor = pure inflate of the same files (tests/bench/ftinflate)
#              and the same top-10 over IPFIX files of the same flows
#              (nfreport -o ipfix), against ft-v05 (target >= 0.75x)
#   web        nfreport -o html vs nfreport -s srcip/bytes over a day of
#              five-minute files (288 by default); the target is a page in
#              at most 1.5x the time of the top-10 table
#   live       live capture on a veth pair: tcpreplay -K at --topspeed and at
#              LIVE_RATES into nfsensord -i, softflowd -i, pmacctd + nfprobe
#              and tcpdump -w /dev/null (the floor): capturer CPU per 1M
#              packets (/proc), the replayer's rate beside each, packets sent
#              vs captured vs dropped, flow records exported (needs root)
#   clickhouse nfchload rows/s into one ClickHouse server (RowBinary over
#              HTTP) and nfreport --db top-10 srcip/bytes over the loaded
#              flows, vs nfreport on the files and nfdump (REPORT_FLOWS)
#
# Variables: BENCH=quick (default, ~1M packets/flows, a few minutes) or full
# (the 10M sizes of issue 7); RUNS (default 3, alternating nfkit/peer);
# JOBS (default "sensor live collector collector_ipfix reporter deflate web
# clickhouse"); BENCH_DIR (default
# build/bench: inputs are generated there once and reused); SHARED (default
# ../shared, for pcapgen, nfv5blast and pcount).  Every size can be set:
# SENSOR_PKTS, SENSOR_DUR, SENSOR_M, SENSOR_V10 (0: no -v 10 rows),
# SENSOR_V10_M, LIVE_RATES, LIVE_PKTS, LIVE_M, RATES (offered flows/s; "max" =
# unpaced), COLLECT_SECS (each paced run offers RATE x COLLECT_SECS flows, so
# that buffers cannot hide a rate the collector does not sustain),
# COLLECT_FLOWS (flows of an unpaced run), REPORT_FLOWS, REPORT_FILES,
# WEB_FLOWS, WEB_FILES.
#
# Nothing is installed: a missing peer is named and its column skipped; a
# missing or failing nfkit program prints "n/a" -- never a made-up number.
# Everything runs on 127.0.0.1; every process started here is stopped by PID.
set -u
ROOT=${BENCH_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHARED=${SHARED:-$ROOT/../shared}
BENCH=${BENCH:-quick}
RUNS=${RUNS:-3}
JOBS=${JOBS:-sensor live collector collector_ipfix reporter deflate web clickhouse}
W=${BENCH_DIR:-$ROOT/build/bench}
BIN=$W/bin
LOG=$W/logs
NFSENSORD=${NFSENSORD:-$ROOT/sensor/nfsensord}
NFCOLLECTD=${NFCOLLECTD:-$ROOT/collector/nfcollectd}
NFREPORT=${NFREPORT:-$ROOT/report/nfreport}

case $BENCH in
quick)
	: "${SENSOR_PKTS:=1000000}" "${SENSOR_DUR:=60}"
	: "${SENSOR_M:=8192 1000000}"
	: "${COLLECT_SECS:=3}" "${COLLECT_FLOWS:=2000000}"
	: "${RATES:=100000 300000 1000000 2000000 max}"
	: "${REPORT_FLOWS:=1000000}" "${REPORT_FILES:=12}"
	: "${WEB_FLOWS:=1000000}" "${WEB_FILES:=288}" ;;
full)
	: "${SENSOR_PKTS:=10000000}" "${SENSOR_DUR:=600}"
	: "${SENSOR_M:=8192 1000000}"
	: "${COLLECT_SECS:=5}" "${COLLECT_FLOWS:=10000000}"
	: "${RATES:=100000 300000 800000 1600000 2400000 3200000 max}"
	: "${REPORT_FLOWS:=10000000}" "${REPORT_FILES:=24}"
	: "${WEB_FLOWS:=10000000}" "${WEB_FILES:=288}" ;;
*)
	echo "bench: BENCH must be quick or full" >&2; exit 2 ;;
esac

BENCH_SRC=$ROOT/tests/bench
. "$BENCH_SRC/lib.sh"

# As root, run everything in a network namespace of its own: its loopback
# carries only this benchmark's datagrams and /proc/net/snmp (RcvbufErrors)
# counts only its drops, whatever else runs on the machine.
bench_netns nfkit-bench-$$ "$0" "$@"
if [ -z "${BENCH_NETNS:-}" ]; then
	echo "bench: no network namespace (needs root and ip): RcvbufErrors are machine-wide" >&2
	BENCH_NETNS=none
fi

mkdir -p "$BIN" "$LOG"
RAW=$W/raw.tsv		# one line per run: job prog run wall user sys rss_kb rc count
TABLE=$W/table.tsv	# one line per result row, printed at the end
COLL=$W/collector.tsv	# one line per collector run
: >"$RAW"; : >"$TABLE"; : >"$COLL"
PIDS=""

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

say() { printf '%s\n' "bench: $*" >&2; }

# The jobs live in files of their own beside this one; each defines job_NAME.
for part in sensor live collector web reporter clickhouse deflate table; do
	. "$BENCH_SRC/$part.sh"
done

# ---- main ---------------------------------------------------------------

say "BENCH=$BENCH RUNS=$RUNS JOBS=$JOBS in $W, network namespace $BENCH_NETNS"
for p in "$NFSENSORD" "$NFCOLLECTD" "$NFREPORT"; do
	nfkit_ok "$p" || say "$p is not built: its column prints n/a"
done
build_tools
for j in $JOBS; do
	case $j in
	sensor) job_sensor ;;
	live) job_live ;;
	collector) job_collector ;;
	collector_ipfix) job_collector_ipfix ;;
	reporter) job_reporter ;;
	deflate) job_deflate ;;
	web) job_web ;;
	clickhouse) job_clickhouse ;;
	*) say "unknown job $j" ;;
	esac
done
print_table | tee "$W/results-$BENCH.txt"
say "raw runs in $RAW, logs in $LOG, table in $W/results-$BENCH.txt"
