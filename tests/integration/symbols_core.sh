#!/bin/sh
# Every function or object that a module of common/, sensor/ or collector/
# exports carries its module's prefix: the symbol's first word (up to its
# first underscore, at least three letters) begins the module's file name,
# so buf.o exports buf_get_u16be, ftread.o ftr_open, exporter.o
# exp_addr_str.  The check reads the objects of the normal build with
# nm -g --defined-only; the programs' main objects are not modules.
# (report/ has its own check.)
. "$(dirname "$0")/../lib.sh"

command -v nm >/dev/null 2>&1 || { skip "symbols_core: nm not installed"; finish; }
for d in common sensor collector; do
	objs=$(ls "$ROOT/build/$d"/*.o 2>/dev/null)
	if [ -z "$objs" ]; then
		fail "symbols_core: $d: no objects in build/$d (run make first)"
		continue
	fi
	bad=$(for o in $objs; do
		m=$(basename "$o" .o)
		case "$m" in main | nfctl) continue ;; esac
		nm -g --defined-only "$o" | awk -v m="$m" 'NF == 3 {
			w = $3; sub(/_.*/, "", w)
			if (w == m || (length(w) >= 3 && index(m, w) == 1))
				next
			print m ".o: " $3
		}'
	done)
	if [ -z "$bad" ]; then
		pass "symbols_core: $d modules export only prefixed names"
	else
		echo "$bad" | sed "s|^|bad: $d/|"
		fail "symbols_core: $d: $(echo "$bad" | wc -l) unprefixed"
	fi
done
finish
