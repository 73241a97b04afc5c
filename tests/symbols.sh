#!/bin/sh
# Checks the naming rule of docs/STYLE.md: every symbol a module exports
# carries its module's prefix.  For each object file of the given source
# directories (default: report), every defined global symbol must start
# with a word that begins the module's file name: aggregate.o may export
# agg_tab_new or aggregate_x, fields.o fields and field_text, outft.o
# outft_ft.  The word is the symbol up to its first underscore (or all of
# it); one- or two-letter words other than a whole module name do not
# count.  The programs' main objects are not modules and are skipped.
#
#   sh tests/symbols.sh [dir...]     B=build/asan to read another build
#
# Prints "bad: dir/module.o: symbol" per offender, then "PASS: symbols" or
# "FAIL: symbols: N unprefixed"; exits 1 on failure, 2 on a missing build.
cd "$(dirname "$0")/.." || exit 2
B=${B:-build}
[ $# -gt 0 ] || set -- report
bad=0
for d in "$@"; do
	set -- "$B/$d"/*.o
	if [ ! -f "$1" ]; then
		echo "FAIL: symbols: no objects in $B/$d (run make first)"
		exit 2
	fi
	for o in "$@"; do
		mod=$(basename "$o" .o)
		case "$mod" in main | nfctl | nfchload) continue ;; esac
		for s in $(nm -g --defined-only "$o" | awk 'NF == 3 { print $3 }'); do
			w=${s%%_*}
			case "$mod" in
			"$w") continue ;;
			"$w"?*) [ ${#w} -ge 3 ] && continue ;;
			esac
			echo "bad: $d/$mod.o: $s"
			bad=$((bad + 1))
		done
	done
done
if [ "$bad" -ne 0 ]; then
	echo "FAIL: symbols: $bad unprefixed"
	exit 1
fi
echo "PASS: symbols"
