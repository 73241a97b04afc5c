#!/bin/sh
# Makes sure the build dependencies (and, for tests, the peers) are present.
# As root on a Debian-like system missing packages are installed with
# apt-get; otherwise one line names exactly what to install.
BUILD_PKGS="build-essential pkg-config libpcap-dev zlib1g-dev check libisal-dev"
PEER_PKGS="softflowd nfdump tshark tcpdump iproute2 iputils-ping python3 valgrind mandoc"
missing=""
command -v cc >/dev/null 2>&1 || missing="$missing build-essential"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
if command -v pkg-config >/dev/null 2>&1; then
	pkg-config --exists libpcap 2>/dev/null || [ -f /usr/include/pcap.h ] || missing="$missing libpcap-dev"
	pkg-config --exists zlib || missing="$missing zlib1g-dev"
	pkg-config --exists check || missing="$missing check"
else
	missing="$missing libpcap-dev zlib1g-dev check"
fi
if [ "${1:-}" != build ]; then
	for p in softflowd:softflowd nfcapd:nfdump tshark:tshark tcpdump:tcpdump \
	    ip:iproute2 ping:iputils-ping python3:python3 valgrind:valgrind \
	    mandoc:mandoc; do
		command -v "${p%%:*}" >/dev/null 2>&1 || missing="$missing ${p#*:}"
	done
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "nfkit: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq $missing >/dev/null || {
		echo "nfkit: apt-get install failed; install:$missing" >&2; exit 1; }
	exit 0
fi
echo "nfkit: missing packages; install them (as root): apt-get install$missing" >&2
exit 1
