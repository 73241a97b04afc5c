# ClickHouse helpers for tests/integration/clickhouse_*.sh (sourced after
# lib.sh).  ch_start N starts server N (1 or 2) on free 127.0.0.1 ports with
# its data in $TMP/chN and a cluster "nfkit" listing every started shard;
# its HTTP URL is in CH_URLn and its PID in CH_PIDn.  Servers are stopped
# by PID (lib.sh's cleanup).  As root the server runs as user clickhouse
# (setpriv), as PEERS.md describes; the data directory is handed to it.

free_tcp_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ch_ports: choose the ports of both servers once, so each config can list
# both shards of the cluster.
ch_ports() {
	CH_HTTP1=$(free_tcp_port); CH_TCP1=$(free_tcp_port)
	CH_IS1=$(free_tcp_port); CH_HTTP2=$(free_tcp_port)
	CH_TCP2=$(free_tcp_port); CH_IS2=$(free_tcp_port)
	CH_URL1=http://127.0.0.1:$CH_HTTP1/ CH_URL2=http://127.0.0.1:$CH_HTTP2/
}

ch_config() {
	d=$TMP/ch$1
	eval "http=\$CH_HTTP$1 tcp=\$CH_TCP$1 is=\$CH_IS$1"
	mkdir -p "$d/data" "$d/tmp" "$d/files"
	cat >"$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/server.log</log>
    <errorlog>$d/error.log</errorlog><console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http</http_port><tcp_port>$tcp</tcp_port>
  <interserver_http_port>$is</interserver_http_port>
  <path>$d/data/</path><tmp_path>$d/tmp/</tmp_path>
  <user_files_path>$d/files/</user_files_path>
  <format_schema_path>$d/files/</format_schema_path>
  <users_config>$d/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <remote_servers><nfkit>
    <shard><replica><host>127.0.0.1</host><port>$CH_TCP1</port></replica></shard>
    <shard><replica><host>127.0.0.1</host><port>$CH_TCP2</port></replica></shard>
  </nfkit></remote_servers>
</yandex>
XML
	cat >"$d/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>1000000000</max_memory_usage></default></profiles>
  <users><default><password></password>
    <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries>
    <errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows>
    <execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
	# The server's user must reach its directory through $TMP (0700).
	if [ "$(id -u)" = 0 ]; then chmod 711 "$TMP"; chown -R clickhouse: "$d"; fi
}

# ch_start N: start server N and wait for GET /ping (10 s at most).
ch_start() {
	[ -f "$TMP/ch$1/config.xml" ] || ch_config "$1"
	if [ "$(id -u)" = 0 ]; then
		bg setpriv --reuid=clickhouse --regid=clickhouse --clear-groups \
		    clickhouse-server --config-file="$TMP/ch$1/config.xml"
	else
		bg clickhouse-server --config-file="$TMP/ch$1/config.xml"
	fi
	eval "CH_PID$1=\$LASTPID"
	eval "url=\$CH_URL$1"
	wait_for "curl -sf ${url}ping"
}

# ch_sql N SQL: run a query on server N, print the result.
ch_sql() {
	eval "url=\$CH_URL$1"
	curl -sS --fail-with-body "$url" --data-binary "$2"
}

# ch_setup TEST FLOWS FILES SEED1 SEED2: what every clickhouse_* test needs
# first: the peers, ftgen built into $TMP, two collectors' files in $D/c1
# and $D/c2 (one directory over both, so that nfreport reads them in
# file-time order), both servers started.  False after a skip/fail line.
ch_setup() {
	NFCHLOAD=$BIN/report/nfchload
	need "$1" clickhouse-server curl python3 cc || return 1
	[ -f "$ROOT/build/libnfkit.a" ] ||
	    { skip "$1: build/libnfkit.a missing (make all)"; return 1; }
	cc -O2 -D_GNU_SOURCE -I"$ROOT/common" -o "$TMP/ftgen" \
	    "$ROOT/tests/bench/ftgen.c" "$ROOT/build/libnfkit.a" \
	    $(test -f /usr/include/isa-l/igzip_lib.h && echo -lisal) -lz ||
	    { fail "$1" "cannot build ftgen"; return 1; }
	D=$TMP/flows; mkdir -p "$D"
	"$TMP/ftgen" -n "$2" -f "$3" -s "$4" -o "$D/c1" >/dev/null &&
	    "$TMP/ftgen" -n "$2" -f "$3" -s "$5" -o "$D/c2" >/dev/null ||
	    { fail "$1" "ftgen"; return 1; }
	ch_ports
	ch_start 1 && ch_start 2 || { fail "$1" "servers did not start:" \
	    "$(cat "$TMP"/ch*/error.log 2>/dev/null | tail -n 3)"; return 1; }
}
