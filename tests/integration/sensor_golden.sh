#!/bin/sh
# Golden-file test of the sensor on every capture (see tests/golden.sh):
# the exported flows and the statistics must equal tests/golden/sensor/.
# After an intended change: make golden, then review the diff.
. "$(dirname "$0")/../lib.sh"
have_shared sensor_golden || finish
sh "$ROOT/tests/golden.sh" || FAILED=1
finish
