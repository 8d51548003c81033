#!/usr/bin/env bash
# Golden-file tests of the kpix command line.
#
#   tests/golden/run.sh KPIX_BINARY [CASE...]
#
# A case is a directory tests/golden/cases/NAME holding
#   cmd            one line: the arguments given to kpix. It is split like a
#                  shell line ('single' and "double" quotes, backslash), with
#                  no expansion except @ROOT@ (the repository root), @TMP@
#                  (an empty scratch directory, deleted after the case) and
#                  @OUT@ (@TMP@/out, which does not exist when kpix starts).
#   expected.out   what kpix must print on stdout, byte for byte
#   expected.code  the exit status kpix must return
#   expected.err   (optional) what kpix must print on stderr; written by an
#                  update only when kpix printed something there
#   env            (optional) NAME=VALUE lines added to kpix's environment
#   setup          (optional) a bash script run before kpix, in @TMP@, with
#                  ROOT and TMP in its environment: it makes inputs too big
#                  or too odd to keep in the repository (a 100 MB cell, a
#                  FIFO, an unreadable file). If it fails, the case fails.
#   runner         (optional) one line of words put before the kpix command,
#                  split and expanded as cmd is: a program that runs kpix
#                  under other conditions, such as setpriv without the
#                  capability to read every file.
#   out/           (only with @OUT@) the files kpix must write into @OUT@.
#                  When cmd names @OUT@, @OUT@ must end up holding exactly
#                  these files (none when out/ does not exist), each the
#                  same byte for byte; see compare_out.py, which shows a
#                  workbook that differs part by part, and which compares
#                  the library versions in manifest.json by shape only.
# kpix runs from the repository root (so relative paths in its output are
# stable) with stdin from /dev/null, LC_ALL=C, TZ=UTC,
# KPIX_SCHEMA_PATH=ROOT/schemas and no SOURCE_DATE_EPOCH unless env sets
# it. In its stdout and stderr the scratch directory is written back as
# @TMP@ and the repository root as @ROOT@ before comparing. stderr is
# compared only where expected.err exists; it is shown when a case fails.
# compare_out.py runs with $KPIX_PYTHON (default python3).
#
# Without CASE arguments every case runs. Prints "PASS NAME" or "FAIL NAME"
# (with a unified diff), then "N passed, M failed"; exits 1 if any failed.
#
# KPIX_GOLDEN_UPDATE=1 writes what kpix did into expected.out,
# expected.code, expected.err and out/ instead of comparing. Read those files
# (a workbook's parts unzipped) before committing them.

set -u
export LC_ALL=C TZ=UTC
unset SOURCE_DATE_EPOCH

usage() {
	echo "usage: tests/golden/run.sh KPIX_BINARY [CASE...]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
kpix=$1
shift
case $kpix in
/*) ;;
*) kpix=$PWD/$kpix ;;
esac
if [ ! -f "$kpix" ] || [ ! -x "$kpix" ]; then
	echo "run.sh: $kpix is not an executable file" >&2
	exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P) || exit 2
root=$(cd "$here/../.." && pwd -P) || exit 2
cases_dir=$here/cases
update=0
[ "${KPIX_GOLDEN_UPDATE:-}" = 1 ] && update=1
timeout_s=${KPIX_GOLDEN_TIMEOUT:-60}
python=${KPIX_PYTHON:-python3}
kpix_version=$("$kpix" --version 2>/dev/null)
kpix_version=${kpix_version#kpix }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/kpix-golden.XXXXXX") || exit 2
trap 'rm -rf -- "$scratch"' EXIT

# split_args LINE: sets ARGS to the words of LINE; returns 1 on an
# unterminated quote. Nothing is expanded.
split_args() {
	local s=$1 n=${#1} i=0 c word="" inword=0 quote=""
	ARGS=()
	while [ "$i" -lt "$n" ]; do
		c=${s:i:1}
		if [ -n "$quote" ]; then
			if [ "$c" = "$quote" ]; then
				quote=""
			elif [ "$quote" = '"' ] && [ "$c" = "\\" ] && [ $((i + 1)) -lt "$n" ] &&
				{ [ "${s:i+1:1}" = '"' ] || [ "${s:i+1:1}" = "\\" ]; }; then
				i=$((i + 1))
				word+=${s:i:1}
			else
				word+=$c
			fi
		else
			case $c in
			' ' | $'\t')
				if [ "$inword" = 1 ]; then
					ARGS+=("$word")
					word=""
					inword=0
				fi
				;;
			"'" | '"')
				quote=$c
				inword=1
				;;
			"\\")
				if [ $((i + 1)) -lt "$n" ]; then
					i=$((i + 1))
					word+=${s:i:1}
				else
					word+=$c
				fi
				inword=1
				;;
			*)
				word+=$c
				inword=1
				;;
			esac
		fi
		i=$((i + 1))
	done
	[ -z "$quote" ] || return 1
	[ "$inword" = 0 ] || ARGS+=("$word")
	return 0
}

# unplace FILE: writes the scratch directory and the root back as @TMP@ and
# @ROOT@ in FILE (left alone if it holds NUL bytes, which bash cannot keep).
unplace() {
	local f=$1 text size
	IFS= read -r -d '' text <"$f"
	size=$(wc -c <"$f")
	[ "${#text}" -eq "$size" ] || return 0
	case $text in
	*"$case_tmp"* | *"$root"*)
		text=${text//"$case_tmp"/"@TMP@"}
		text=${text//"$root"/"@ROOT@"}
		printf '%s' "$text" >"$f"
		;;
	esac
}

passed=0
failed=0
updated=0

fail() {
	echo "FAIL $1"
	shift
	local line
	for line in "$@"; do
		echo "  $line"
	done
	failed=$((failed + 1))
}

run_case() {
	local name=$1 dir=$cases_dir/$1 line lines=0 cmdline="" i code want out err
	if [ ! -f "$dir/cmd" ]; then
		fail "$name" "no such case: $dir/cmd does not exist"
		return
	fi
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		[ -n "${line//[[:space:]]/}" ] || continue
		lines=$((lines + 1))
		cmdline=$line
	done <"$dir/cmd"
	if [ "$lines" != 1 ]; then
		fail "$name" "cmd must hold exactly one line of arguments (it has $lines)"
		return
	fi
	if ! split_args "$cmdline"; then
		fail "$name" "cmd has an unterminated quote: $cmdline"
		return
	fi

	local envs=()
	if [ -f "$dir/env" ]; then
		while IFS= read -r line || [ -n "$line" ]; do
			line=${line%$'\r'}
			[ -n "${line//[[:space:]]/}" ] || continue
			case $line in
			[A-Za-z_]*=*) envs+=("$line") ;;
			*)
				fail "$name" "env lines are NAME=VALUE, not: $line"
				return
				;;
			esac
		done <"$dir/env"
	fi
	local uses_out=0
	case $cmdline in *@OUT@*) uses_out=1 ;; esac
	if [ "$uses_out" = 0 ] && [ -d "$dir/out" ]; then
		fail "$name" "the case has out/ but its cmd does not name @OUT@"
		return
	fi

	case_tmp=$(mktemp -d "$scratch/case.XXXXXX") || exit 2
	case_tmp=$(cd "$case_tmp" && pwd -P)
	for i in "${!ARGS[@]}"; do
		ARGS[i]=${ARGS[i]//@ROOT@/"$root"}
		ARGS[i]=${ARGS[i]//@OUT@/"$case_tmp/out"}
		ARGS[i]=${ARGS[i]//@TMP@/"$case_tmp"}
	done
	local runner=()
	if [ -f "$dir/runner" ]; then
		local kpix_args=("${ARGS[@]}")
		if ! split_args "$(tr -d '\r' <"$dir/runner" | sed '/^[[:space:]]*$/d')"; then
			fail "$name" "runner has an unterminated quote"
			rm -rf -- "$case_tmp"
			return
		fi
		for i in "${!ARGS[@]}"; do
			ARGS[i]=${ARGS[i]//@ROOT@/"$root"}
			ARGS[i]=${ARGS[i]//@TMP@/"$case_tmp"}
		done
		runner=("${ARGS[@]}")
		ARGS=("${kpix_args[@]}")
	fi
	if [ -f "$dir/setup" ] &&
		! (cd "$case_tmp" && ROOT=$root TMP=$case_tmp bash "$dir/setup" >"$scratch/$name.setup" 2>&1); then
		fail "$name" "its setup script failed:" "$(cat "$scratch/$name.setup")"
		rm -rf -- "$case_tmp"
		return
	fi
	out=$scratch/$name.out
	err=$scratch/$name.err
	(cd "$root" && env ${envs[@]+"${envs[@]}"} KPIX_SCHEMA_PATH=$root/schemas \
		timeout "$timeout_s" ${runner[@]+"${runner[@]}"} "$kpix" "${ARGS[@]}" </dev/null >"$out" 2>"$err")
	code=$?
	unplace "$out"
	unplace "$err"
	local files_report="" files_rc=0
	if [ "$uses_out" = 1 ]; then
		if [ "$update" = 1 ]; then
			files_report=$("$python" "$here/compare_out.py" --kpix-version "$kpix_version" \
				"$dir/out" "$case_tmp/out" 2>&1) || files_rc=$?
			if [ "$files_rc" != 0 ]; then
				"$python" "$here/compare_out.py" --update "$dir/out" "$case_tmp/out" || exit 2
			fi
		else
			files_report=$("$python" "$here/compare_out.py" --kpix-version "$kpix_version" \
				"$dir/out" "$case_tmp/out" 2>&1) || files_rc=$?
		fi
	fi
	rm -rf -- "$case_tmp"

	if [ "$update" = 1 ]; then
		if [ "$files_rc" = 0 ] && cmp -s "$out" "$dir/expected.out" 2>/dev/null &&
			[ "$(cat "$dir/expected.code" 2>/dev/null)" = "$code" ] &&
			{ cmp -s "$err" "$dir/expected.err" 2>/dev/null ||
				{ [ ! -s "$err" ] && [ ! -e "$dir/expected.err" ]; }; }; then
			echo "SAME $name"
		else
			cp "$out" "$dir/expected.out" && echo "$code" >"$dir/expected.code" || exit 2
			if [ -s "$err" ]; then
				cp "$err" "$dir/expected.err" || exit 2
			else
				rm -f "$dir/expected.err"
			fi
			echo "UPDATED $name (exit $code)"
			updated=$((updated + 1))
		fi
		return
	fi

	local problems=()
	if [ ! -f "$dir/expected.code" ]; then
		problems+=("expected.code is missing")
	else
		want=$(tr -d '[:space:]' <"$dir/expected.code")
		if [ "$want" != "$code" ]; then
			if [ "$code" = 124 ]; then
				problems+=("exit status 124 (timed out after ${timeout_s}s), expected $want")
			else
				problems+=("exit status $code, expected $want")
			fi
		fi
	fi
	local diffout="" differr=""
	if [ ! -f "$dir/expected.out" ]; then
		problems+=("expected.out is missing")
	elif ! diffout=$(diff -u --label "$name/expected.out" --label "$name/actual.out" \
		"$dir/expected.out" "$out"); then
		problems+=("stdout differs:")
	fi
	if [ -f "$dir/expected.err" ] && ! differr=$(diff -u --label "$name/expected.err" \
		--label "$name/actual.err" "$dir/expected.err" "$err"); then
		problems+=("stderr differs:")
		diffout+=$'\n'$differr
	fi
	if [ "$files_rc" != 0 ]; then
		problems+=("the files written into @OUT@ differ from out/:")
		diffout=$files_report${diffout:+$'\n'$diffout}
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		echo "PASS $name"
		passed=$((passed + 1))
		return
	fi
	fail "$name" "command (run in $root): kpix$(printf ' %q' "${ARGS[@]}")" "${problems[@]}"
	[ -z "$diffout" ] || printf '%s\n' "$diffout"
	if [ -s "$err" ]; then
		echo "  stderr:"
		head -n 20 "$err" | while IFS= read -r line || [ -n "$line" ]; do
			echo "    $line"
		done
	fi
}

names=()
if [ $# -gt 0 ]; then
	for arg in "$@"; do
		arg=${arg%/}
		names+=("${arg##*/}")
	done
else
	for d in "$cases_dir"/*/; do
		[ -d "$d" ] || continue
		d=${d%/}
		names+=("${d##*/}")
	done
	if [ ${#names[@]} -eq 0 ]; then
		echo "run.sh: no cases under $cases_dir" >&2
		exit 1
	fi
fi

for name in "${names[@]}"; do
	run_case "$name"
done

if [ "$update" = 1 ]; then
	echo "$updated updated, $((${#names[@]} - updated - failed)) unchanged, $failed failed"
	[ "$updated" = 0 ] || echo "Read the updated expected.out and expected.code files before committing them."
	[ "$failed" = 0 ]
	exit
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
