#!/bin/sh
# One formatting style for the whole tree (.clang-format at the top).
#
#   sh tests/format.sh          rewrite every C source in place (make format)
#   sh tests/format.sh --check  change nothing; list each file that differs
#                               from its formatted self and exit 1 if any
#                               does (part of make lint, so of make check)
#
# Both modes use the same list of files, so what `make format` formats is
# exactly what the check holds the tree to.
set -u
cd "$(dirname "$0")/.." || exit 2
files=$(ls common/*.[ch] sensor/*.[ch] collector/*.[ch] report/*.[ch] \
    tests/unit/*.[ch] tests/tools/*.c tests/fuzz/*.c tests/bench/*.c \
    2>/dev/null)
command -v clang-format >/dev/null 2>&1 ||
    { echo "SKIP: lint_format: clang-format not installed"; exit 0; }
if [ "${1:-}" != "--check" ]; then
	# shellcheck disable=SC2086
	exec clang-format -i $files
fi
# One clang-format for all files; only if it objects, one per file to
# name each file that differs.
bad=0
# shellcheck disable=SC2086
if ! clang-format --dry-run -Werror $files >/dev/null 2>&1; then
	for f in $files; do
		if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
			echo "UNFORMATTED: $f (make format rewrites it)"
			bad=$((bad + 1))
		fi
	done
	[ "$bad" -gt 0 ] || { echo "FAIL: lint_format: clang-format failed"; exit 1; }
fi
if [ "$bad" -gt 0 ]; then
	echo "FAIL: lint_format: $bad files differ from clang-format's output"
	exit 1
fi
echo "PASS: lint_format ($(echo "$files" | wc -w) files)"
