# tests/bench/deflate.sh: sourced by tests/bench/run.sh (not run on its own).
# shellcheck shell=sh

# ---- deflate: the collector's and reporter's ceiling ---------------------

job_deflate() {
	f=$(ls "$W"/ft-"$REPORT_FLOWS"-1/ft-* 2>/dev/null | head -1)
	if [ -z "$f" ]; then
		mkdir -p "$W/ft-$REPORT_FLOWS-1"
		"$BIN/ftgen" -n "$REPORT_FLOWS" -f 1 -o "$W/ft-$REPORT_FLOWS-1" >/dev/null &&
		    touch "$W/ft-$REPORT_FLOWS-1.done"
		f=$(ls "$W"/ft-"$REPORT_FLOWS"-1/ft-* | head -1)
	fi
	[ -f /usr/include/isa-l/igzip_lib.h ] ||
	    say "ISA-L is missing (apt-get install libisal-dev): deflate job without its rows"
	"$BIN/zbench" "$f" >"$W/deflate.txt" 2>&1
}

