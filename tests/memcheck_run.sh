#!/usr/bin/env bash
# Runs one test under valgrind memcheck and fails it on anything valgrind
# reports (tools/memcheck.sh; tests/CMakeLists.txt adds it before each test
# when KPIX_TEST_WRAPPER is set).
#
#   tests/memcheck_run.sh LOGDIR COMMAND...
#
# Empties LOGDIR, runs COMMAND with KPIX_MEMCHECK_LOGS=LOGDIR in its
# environment, then reads the valgrind log that each program run under the
# wrapper wrote there (one per process, LOGDIR/NAME.PID.log). A log whose
# ERROR SUMMARY is not 0 errors (a memory error, or a leak of a kind counted
# as an error), or that has no ERROR SUMMARY (valgrind was stopped before the
# end), is printed in full and the test fails, whatever COMMAND returned.
# A program that a test ends with a signal (cli.faults interrupts exports)
# frees nothing by design, so its leaks are not errors there; any other
# error in its log still is. So
# does a run in which no program wrote a log: the test did not run under
# valgrind at all. Otherwise the exit status is COMMAND's. Blocks still
# reachable at exit are not errors; the last line counts the runs with some.

set -u
[ $# -ge 2 ] || { echo "usage: tests/memcheck_run.sh LOGDIR COMMAND..." >&2; exit 2; }
logdir=$1
shift
rm -rf -- "$logdir" && mkdir -p -- "$logdir" || exit 2
logdir=$(cd "$logdir" && pwd -P) || exit 2

KPIX_MEMCHECK_LOGS=$logdir "$@"
code=$?

runs=0 bad=0 reachable=0 killed=0
for log in "$logdir"/*.log; do
	[ -e "$log" ] || continue
	runs=$((runs + 1))
	if grep -q "ERROR SUMMARY: 0 errors" "$log"; then
		grep -q "still reachable: [1-9]" "$log" && reachable=$((reachable + 1))
		continue
	fi
	if grep -q "Process terminating with default action of signal" "$log" &&
		! grep -Eq "^==[0-9]+== (Invalid|Conditional jump|Use of uninitialised|Syscall param|Mismatched|Source and destination overlap|Argument .* of function)" "$log"; then
		killed=$((killed + 1))
		continue
	fi
	bad=$((bad + 1))
	echo
	if grep -q "ERROR SUMMARY" "$log"; then
		echo "memcheck: valgrind reported errors ($log):"
	else
		echo "memcheck: valgrind did not finish: no ERROR SUMMARY ($log):"
	fi
	cat -- "$log"
done
if [ "$runs" = 0 ]; then
	echo "memcheck: no program ran under valgrind (no log in $logdir): the test bypassed the wrapper"
	exit 1
fi
echo "memcheck: $runs runs under valgrind, $bad with errors, $reachable with blocks still reachable at exit, $killed ended by a signal with only leaks ($logdir)"
[ "$bad" = 0 ] || exit 1
exit "$code"
