#!/bin/sh
# Makes sure the build dependencies (and, unless called with "build", the
# test peers) are present.  As root on a Debian-like system missing packages
# are installed with apt-get; otherwise one line names exactly what to
# install.  Intel ISA-L (libisal-dev) is optional: without it the build
# falls back to zlib for compression, so its absence alone stops nothing.
missing="" optional=""
command -v cc >/dev/null 2>&1 || missing="$missing build-essential"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
if command -v pkg-config >/dev/null 2>&1; then
	pkg-config --exists libpcap 2>/dev/null || [ -f /usr/include/pcap.h ] ||
	    missing="$missing libpcap-dev"
	pkg-config --exists zlib || missing="$missing zlib1g-dev"
	pkg-config --exists check || missing="$missing check"
else
	missing="$missing libpcap-dev zlib1g-dev check"
fi
[ -f /usr/include/isa-l/igzip_lib.h ] || optional="$optional libisal-dev"
if [ "${1:-}" != build ]; then
	for p in softflowd:softflowd nfcapd:nfdump tshark:tshark tcpdump:tcpdump \
	    ip:iproute2 ping:iputils-ping python3:python3 valgrind:valgrind \
	    mandoc:mandoc nfacctd:pmacct; do
		command -v "${p%%:*}" >/dev/null 2>&1 || missing="$missing ${p#*:}"
	done
fi
[ -z "$missing$optional" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "nfkit: installing:$missing$optional"
	export DEBIAN_FRONTEND=noninteractive
	if apt-get update -qq && apt-get install -y -qq $missing $optional >/dev/null; then
		exit 0
	fi
	# The optional package alone may be unavailable: retry without it.
	if [ -n "$missing" ] && ! apt-get install -y -qq $missing >/dev/null; then
		echo "nfkit: apt-get install failed; install:$missing" >&2
		exit 1
	fi
	exit 0
fi
if [ -n "$optional" ]; then
	echo "nfkit: optional:$optional (faster flow-file compression); building without it" >&2
fi
[ -z "$missing" ] && exit 0
echo "nfkit: missing packages; install them (as root): apt-get install$missing" >&2
exit 1
