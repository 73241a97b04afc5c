#!/bin/sh
# Man pages: every page is valid mdoc (mandoc -Tlint, errors only), and every
# flag the program's usage() prints is in the SYNOPSIS of its page, and the
# other way round.
. "$(dirname "$0")/../lib.sh"
if command -v mandoc >/dev/null 2>&1; then
	for m in "$ROOT"/man/*.[158]; do
		if out=$(mandoc -Tlint -Werror "$m" 2>&1); then
			pass "mandoc lint $(basename "$m")"
		else
			fail "mandoc lint $(basename "$m"): $(echo "$out" | head -n 3)"
		fi
	done
else
	skip "mandoc lint: mandoc not installed"
fi

# flags_usage PROG: the single-letter flags in usage(), sorted.
flags_usage() {
	"$1" -h 2>&1 | tr ' []|' '\n\n\n\n' | grep -E '^-[A-Za-z0-9]+$' |
	    cut -c2- | fold -w1 | sort -u
}
# flags_man PAGE: the Fl letters in SYNOPSIS, sorted.
flags_man() {
	awk '/^\.Sh SYNOPSIS/ { s = 1; next } /^\.Sh / { s = 0 } s' "$1" |
	    grep -oE 'Fl [A-Za-z0-9]+' | awk '{ print $2 }' | fold -w1 | sort -u
}
for pair in "$NFSENSORD:nfsensord.8" "$NFCTL:nfctl.8" "$NFCOLLECTD:nfcollectd.8" \
    "$NFREPORT:nfreport.1" "$BIN/report/nfchload:nfchload.8"; do
	prog=${pair%%:*} page=$ROOT/man/${pair#*:}
	[ -x "$prog" ] && [ -f "$page" ] || { fail "synopsis ${pair#*:}: program or page missing"; continue; }
	u=$(flags_usage "$prog" | tr '\n' ' ') m=$(flags_man "$page" | tr '\n' ' ')
	[ "$u" = "$m" ] && pass "synopsis ${pair#*:} = usage(): $u" ||
	    fail "synopsis ${pair#*:}: usage() has '$u', man page has '$m'"
done
finish
