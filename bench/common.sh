# bench/common.sh - shell helpers the benchmark scripts share (run.sh,
# export.sh). Sourced, not run.

die() {
	echo "bench: $*" >&2
	exit 2
}

number() { # name value
	[[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive whole number, not '$2'"
}

# Installs Debian packages a benchmark needs, as root; says what it does.
apt_updated=0
apt_install() {
	[ "$(id -u)" = 0 ] || die "missing $*: install it (apt-get install $*) or run as root"
	command -v apt-get >/dev/null || die "missing $* and no apt-get to install it"
	echo "bench: installing $* with apt-get" >&2
	if [ "$apt_updated" = 0 ]; then
		apt-get update -qq >&2 || die "apt-get update failed"
		apt_updated=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 ||
		die "apt-get install $* failed"
}

# Builds a C helper when it is missing or older than its source.
build() { # output source [libs...]
	local out=$1 src=$2
	shift 2
	if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
		gcc -O2 -std=c11 -Wall -Wextra -o "$out" "$src" "$@" || die "cannot build $out"
	fi
}
