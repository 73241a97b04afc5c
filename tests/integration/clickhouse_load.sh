#!/bin/sh
# nfchload into two ClickHouse shards: two collectors' files (tests/bench/
# ftgen, 10 files each) loaded exactly once although the loader is killed
# with SIGKILL at random moments over twenty loads and one server is
# stopped and started while a loader waits for it.  count() and the sums
# over the Distributed table must equal nfreport's totals on the files, and
# no (file, record) pair may be stored twice.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../chlib.sh"
export TZ=UTC

T0=$(date +%s)
ch_setup clickhouse_load 40000 10 1 2 || exit $FAILED
if "$NFCHLOAD" -I -C nfkit -H "$CH_URL1" 2>"$TMP/init.err" &&
    "$NFCHLOAD" -I -C nfkit -H "$CH_URL2" 2>>"$TMP/init.err" &&
    [ "$(ch_sql 1 'EXISTS TABLE nfkit.flows')" = 1 ]; then pass schema_init
else fail schema_init "$(cat "$TMP/init.err")"; fi
# A markers table made by an older nfchload gains its new columns with -I.
ch_sql 1 "CREATE DATABASE old" && ch_sql 1 "CREATE TABLE old.loaded (file String, rows UInt64, damaged UInt8, loaded DateTime DEFAULT now()) ENGINE = MergeTree() ORDER BY file"
"$NFCHLOAD" -I -T old -H "$CH_URL1" 2>"$TMP/old.err"
cols=$(ch_sql 1 "SELECT count() FROM system.columns WHERE database = 'old' AND table = 'loaded' AND name IN ('file_ms', 'capture', 'cap_start_ms', 'cap_end_ms', 'span')")
if [ "$cols" = 5 ] && [ "$(ch_sql 1 'EXISTS TABLE nfkit.loaded_all')" = 1 ]; then pass schema_upgrade
else fail schema_upgrade "columns $cols: $(cat "$TMP/old.err")"; fi

rnd() { od -An -N2 -tu2 /dev/urandom | tr -d ' '; }

# Twenty loads, each killed after a random 0-250 ms; 1000-row INSERTs so
# that a kill can land between the blocks of one file (a partial load).
# Shard 2 is stopped before load 10 and started again after load 12.
kills=0 early=0
for i in $(seq 1 20); do
	n=$(( (i % 2) + 1 ))
	eval "url=\$CH_URL$n"
	[ $i = 10 ] && stop "$CH_PID2"
	"$NFCHLOAD" -o -b 1000 -w 30 -H "$url" "$D/c$n" 2>>"$TMP/load.log" &
	p=$!
	sleep "0.$(printf %03d $(( $(rnd) % 250 )))"
	if kill -9 $p 2>/dev/null; then kills=$((kills + 1)); else early=$((early + 1)); fi
	wait $p 2>/dev/null
	[ $i = 12 ] && ch_start 2
done
"$NFCHLOAD" -o -b 1000 -H "$CH_URL1" "$D/c1" 2>"$TMP/final1.log"; rc1=$?
"$NFCHLOAD" -o -b 1000 -H "$CH_URL2" "$D/c2" 2>"$TMP/final2.log"; rc2=$?
if [ $rc1 = 0 ] && [ $rc2 = 0 ]; then pass loads_finish
else fail loads_finish "rc $rc1 $rc2: $(tail -n 2 "$TMP/final1.log" "$TMP/final2.log")"; fi

# Totals: the Distributed table against nfreport on the same files.
sum=$("$NFREPORT" "$D" | tail -n 1 | sed -n 's/^Summary: flows \([0-9]*\), packets \([0-9]*\), bytes \([0-9]*\),.*/\1 \2 \3/p')
check() {	# name: totals, duplicates and markers
	echo "clickhouse_load: at $(($(date +%s) - T0)) s"
	db=$(ch_sql 1 "SELECT count(), sum(packets), sum(bytes) FROM nfkit.flows" | tr '\t' ' ')
	dups=$(ch_sql 1 "SELECT count() - uniqExact(file, seq) FROM nfkit.flows")
	marks=$(ch_sql 1 "SELECT count(), uniqExact(file) FROM nfkit.loaded" | tr '\t' ' ')/$(ch_sql 2 "SELECT count(), uniqExact(file) FROM nfkit.loaded" | tr '\t' ' ')
	echo "clickhouse_load: $1: files: $sum (flows packets bytes); Distributed: $db; duplicates $dups; markers $marks"
	if [ -n "$sum" ] && [ "$sum" = "$db" ] && [ "$dups" = 0 ] &&
	    [ "$marks" = "10 10/10 10" ]; then pass "$1"
	else fail "$1" "files '$sum' db '$db' dups '$dups' markers '$marks'"; fi
}
repaired=$(cat "$TMP"/load.log "$TMP"/final*.log | grep -c "removing a partial load")
echo "clickhouse_load: $kills of 20 loaders killed with SIGKILL ($early finished first); $repaired partial loads found and removed"
check totals_after_kills

# Shard 2 afresh, down when a loader starts: the loader backs off, waits.
reset2() {
	ch_sql 2 "DROP TABLE nfkit.flows_local" && ch_sql 2 "DROP TABLE nfkit.loaded" &&
	    "$NFCHLOAD" -I -H "$CH_URL2"
}
reset2; stop "$CH_PID2"
"$NFCHLOAD" -o -w 60 -H "$CH_URL2" "$D/c2" 2>"$TMP/wait.log" &
lp=$!
sleep 2
ch_start 2
wait $lp; lrc=$?
retried=$(grep -c "retrying" "$TMP/wait.log")
echo "clickhouse_load: server down at start: $retried retries, exit $lrc"
[ "$retried" -ge 1 ] && [ $lrc = 0 ] && check totals_server_down_at_start ||
    fail totals_server_down_at_start "$(tail -n 3 "$TMP/wait.log")"

# Shard 2 afresh, killed (SIGKILL: a crash, not a clean stop, which would
# finish the running INSERT first) under a loader sending 500-row INSERTs,
# once the first file is in.
reset2
"$NFCHLOAD" -o -d 1 -b 500 -w 60 -H "$CH_URL2" "$D/c2" 2>"$TMP/mid.log" &
lp=$!
wait_for "grep -q 'flows loaded' '$TMP/mid.log'"
stop "$CH_PID2" KILL
ch_start 2
wait $lp; lrc=$?
midretry=$(grep -c "retrying" "$TMP/mid.log")
repaired=$(grep -c "removing a partial load" "$TMP/mid.log")
echo "clickhouse_load: server stopped mid-load: $midretry retries, $repaired partial loads removed, exit $lrc"
[ "$midretry" -ge 1 ] && [ $lrc = 0 ] && check totals_server_restarted ||
    fail totals_server_restarted "$(tail -n 3 "$TMP/mid.log")"

# Files are never touched.
if [ "$(find "$D" -type f | wc -l)" = 20 ]; then pass files_kept
else fail files_kept "$(find "$D" -type f | wc -l) files left"; fi

# Retention: drop the day partitions older than N days (all of 2023 here).
"$NFCHLOAD" -o -E 1 -H "$CH_URL1" "$D/c1" 2>"$TMP/expire.log"
left=$(ch_sql 1 "SELECT count() FROM nfkit.flows_local")
again=$(ch_sql 1 "SELECT count() FROM nfkit.loaded")
if [ "$left" = 0 ] && [ "$again" = 10 ] && grep -q "expired the flows of 2023-11-14" "$TMP/expire.log"; then
	pass retention_drops_days
else fail retention_drops_days "left $left markers $again: $(cat "$TMP/expire.log")"; fi

# Damaged input: a truncated file's good flows are loaded and marked
# damaged (exit 1, as nfreport exits 1 on it), and a file that is not a
# flow file is refused without a marker.
B=$TMP/bad; mkdir -p "$B"
f=$(ls "$D"/c1/ft-v05.* | head -n 1)
head -c $(( $(wc -c <"$f") / 2 )) "$f" >"$B/$(basename "$f")"
echo junk >"$B/ft-v05.2023-11-14.230000+0000"
"$NFCHLOAD" -I -T bad -H "$CH_URL1" 2>/dev/null
"$NFCHLOAD" -o -T bad -H "$CH_URL1" "$B" 2>"$TMP/bad.log"; rc=$?
good=$("$NFREPORT" "$B/$(basename "$f")" 2>/dev/null | tail -n 1 | sed -n 's/^Summary: flows \([0-9]*\),.*/\1/p')
got=$(ch_sql 1 "SELECT count() FROM bad.flows_local")
marks=$(ch_sql 1 "SELECT count(), sum(damaged) FROM bad.loaded" | tr '\t' ' ')
echo "clickhouse_load: damaged file: nfreport reads $good good flows, $got loaded; markers (count damaged) $marks; exit $rc"
if [ $rc = 1 ] && [ -n "$good" ] && [ "$good" -gt 0 ] && [ "$good" = "$got" ] &&
    [ "$marks" = "1 1" ]; then pass damaged_files
else fail damaged_files "$(cat "$TMP/bad.log")"; fi

# The daemon: scans the directory, loads what is new, stops on SIGTERM
# and removes its pidfile.  With a scan interval of an hour, files that
# arrive later are loaded at once (inotify): one renamed in, as the
# collector's rotation does, and one renamed into a new subdirectory.
"$NFCHLOAD" -I -T daemon -H "$CH_URL1" 2>/dev/null
bg "$NFCHLOAD" -D -i 3600 -T daemon -p "$TMP/chload.pid" -H "$CH_URL1" "$D/c1" 2>"$TMP/daemon.log"
dp=$LASTPID
loaded() { [ "$(ch_sql 1 'SELECT count() FROM daemon.loaded')" = "$1" ]; }
if wait_for "loaded 10" &&
    [ "$(ch_sql 1 'SELECT count() FROM daemon.flows_local')" = 40000 ] &&
    [ "$(cat "$TMP/chload.pid")" = "$dp" ]; then
	pass daemon_mode
else fail daemon_mode "$(tail -n 3 "$TMP/daemon.log")"; fi
f=$(ls "$D"/c2/ft-v05.* | head -n 1)
cp "$f" "$D/c1/tmp-v05.2023-11-15.000000+0000"
mv "$D/c1/tmp-v05.2023-11-15.000000+0000" "$D/c1/ft-v05.2023-11-15.000000+0000"
t0=$(date +%s%N)
wait_for "loaded 11"; r1=$?
t1=$(date +%s%N)
mkdir -p "$D/c1/2023-11-15"
cp "$f" "$D/c1/2023-11-15/tmp-v05.2023-11-15.000500+0000"
mv "$D/c1/2023-11-15/tmp-v05.2023-11-15.000500+0000" "$D/c1/2023-11-15/ft-v05.2023-11-15.000500+0000"
wait_for "loaded 12"; r2=$?
t2=$(date +%s%N)
echo "clickhouse_load: daemon -i 3600: renamed-in file loaded after $(( (t1 - t0) / 1000000 )) ms, file in a new subdirectory after $(( (t2 - t1) / 1000000 )) ms"
if [ $r1 = 0 ] && [ $r2 = 0 ] && grep -q "as they arrive (inotify)" "$TMP/daemon.log"; then
	pass daemon_loads_arrivals
else fail daemon_loads_arrivals "$(tail -n 3 "$TMP/daemon.log")"; fi
stop "$dp"
if [ ! -e "$TMP/chload.pid" ]; then pass daemon_stops
else fail daemon_stops "pidfile left behind"; fi

# Once per file from nfcollectd's -R hook: flows sent to a collector (the
# same v5 datagrams ftgen writes), rotated by SIGHUP, loaded by the hook.
"$NFCHLOAD" -I -T hook -H "$CH_URL1" 2>/dev/null
cat >"$TMP/hook.sh" <<EOS
#!/bin/sh
exec "$NFCHLOAD" -o -T hook -H "$CH_URL1" "\$1" 2>>"$TMP/hook.log"
EOS
chmod +x "$TMP/hook.sh"
W=$TMP/collected; mkdir -p "$W"
port=$(free_udp_port)
bg "$NFCOLLECTD" -D -p - -R "$TMP/hook.sh" -w "$W" "127.0.0.1/0/$port" 2>"$TMP/collector.log"
cp=$LASTPID
wait_for "ss -Hlun 'sport = :$port' | grep -q ." || sleep 0.5
"$TMP/ftgen" -n 3000 -f 1 -s 5 -p "$port" -r 100000 >/dev/null
wait_for "ls $W/tmp-v05.* >/dev/null 2>&1"
sleep 0.5
stop "$cp" TERM
sum=$("$NFREPORT" "$W" | tail -n 1 | sed -n 's/^Summary: flows \([0-9]*\), packets \([0-9]*\), bytes \([0-9]*\),.*/\1 \2 \3/p')
wait_for "[ \"\$(ch_sql 1 'SELECT count() FROM hook.loaded')\" = 1 ]"
db=$(ch_sql 1 "SELECT count(), sum(packets), sum(bytes) FROM hook.flows_local" | tr '\t' ' ')
echo "clickhouse_load: -R hook: files $sum; loaded $db"
if [ -n "$sum" ] && [ "$sum" = "$db" ]; then pass collector_hook_loads
else fail collector_hook_loads "files '$sum' db '$db': $(cat "$TMP/hook.log")"; fi
exit $FAILED
