#!/usr/bin/env bash
# deps-criu.sh [PREFIX] - a CRIU that works on this kernel, with crit.
#
# Uses the system's criu when `criu check` passes (Fedora, Debian 13, Ubuntu 24.04+).
# Otherwise (Debian 12's criu 3.17 fails on kernels >= 6.13: "Unexpected rt vDSO area
# bounds") unpacks Debian 13 (trixie)'s CRIU 4.x with its own glibc into PREFIX (argument
# 1, else $CRIU_PREFIX, else /opt/mwb/criu) without installing or upgrading any system
# package: PREFIX/sbin/criu, PREFIX/lib, PREFIX/python (pycriu), PREFIX/bin/crit.
# See scripts/README.md and /work/shared/notes/criu-on-debian12.md.
#
# Environment: CRIU_PREFIX    install prefix (default /opt/mwb/criu)
#              CRIU_MIRROR    Debian mirror URL (default: read from the apt sources)
#              CRIU_KEYRING   keyring that verifies trixie's Release file
#              CRIU_FORCE_PREFIX=1  build the prefix even when the system criu works
set -Eeuo pipefail

SUITE=trixie
DEFAULT_PREFIX=/opt/mwb/criu
KEYRING=${CRIU_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
# criu's Depends and their own library dependencies; python3-pycriu is crit.
PACKAGES=(
	criu libcompel1 libc6 libgnutls30t64 libnftables1 libnl-3-200 libprotobuf-c1 libbsd0
	libnet1 libuuid1 libmd0 libp11-kit0 libidn2-0 libunistring5 libtasn1-6 libnettle8t64
	libhogweed6t64 libgmp10 libmnl0 libnftnl11 libxtables12 libjansson4 libffi8
	python3-pycriu
)

STEP=start
say() { echo "deps-criu: $*"; }
die() { echo "deps-criu: error: $STEP: $*" >&2; exit 1; }
trap 'echo "deps-criu: error: $STEP: command failed (line $LINENO): $BASH_COMMAND" >&2' ERR

PREFIX=${1:-${CRIU_PREFIX:-$DEFAULT_PREFIX}}
case $PREFIX in /*) ;; *) PREFIX=$PWD/$PREFIX ;; esac
while [ "${#PREFIX}" -gt 1 ] && [ "${PREFIX%/}" != "$PREFIX" ]; do PREFIX=${PREFIX%/}; done
[ "$PREFIX" != / ] || { STEP=arguments; die "PREFIX must not be /"; }

# criu_ok BIN: "4.1.1" when BIN is CRIU >= 4 and `criu check` passes.
criu_ok() {
	local out v
	[ -x "$1" ] || return 1
	out=$(timeout 30 "$1" --version 2>/dev/null) || return 1
	[[ $out =~ Version:\ ([0-9]+\.[0-9]+(\.[0-9]+)?) ]] || return 1
	v=${BASH_REMATCH[1]}
	[ "${v%%.*}" -ge 4 ] || return 1
	timeout 60 "$1" check >/dev/null 2>&1 || return 1
	echo "$v"
}
crit_ok() { timeout 30 "$1" --help >/dev/null 2>&1; }

if v=$(criu_ok "$PREFIX/sbin/criu") && crit_ok "$PREFIX/bin/crit"; then
	say "CRIU $v already in $PREFIX"
	exit 0
fi
if [ "${CRIU_FORCE_PREFIX:-}" != 1 ] && sys=$(PATH=$PATH:/usr/sbin:/sbin command -v criu) &&
	v=$(criu_ok "$sys"); then
	say "the system's $sys (CRIU $v) passes criu check; no private prefix needed"
	command -v crit >/dev/null || say "note: no crit in PATH (package crit or python3-pycriu)"
	exit 0
fi

# ---------------------------------------------------------------------------------------
STEP="checking tools"
[ "$(uname -m)" = x86_64 ] || die "this unpacks an x86_64 CRIU; machine is $(uname -m)"
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || die "needs apt-get and dpkg-deb (a Debian system)"
[ "$(dpkg --print-architecture)" = amd64 ] || die "dpkg architecture is not amd64"
command -v patchelf >/dev/null || die "patchelf missing (make deps installs it)"
/usr/bin/python3 -c 'import google.protobuf' 2>/dev/null || die "python3-protobuf missing (make deps installs it); crit needs it"
[ -r "$KEYRING" ] || die "keyring $KEYRING missing (package debian-archive-keyring)"

STEP="preparing $PREFIX"
PARENT=$(dirname "$PREFIX")
mkdir -p "$PARENT" || die "cannot create $PARENT"
exec 9<"$PARENT"
flock -w 900 9 || die "another deps run holds $PARENT for too long"
if v=$(criu_ok "$PREFIX/sbin/criu") && crit_ok "$PREFIX/bin/crit"; then
	say "CRIU $v already in $PREFIX"
	exit 0
fi
if [ -e "$PREFIX" ] && [ ! -e "$PREFIX/sbin/criu" ] && [ -n "$(ls -A "$PREFIX" 2>/dev/null)" ]; then
	die "$PREFIX exists and is not a criu prefix; remove it or choose another PREFIX"
fi

STAGE=$PREFIX.tmp.$$
OLD=$PREFIX.old.$$
T=$(mktemp -d "${TMPDIR:-/tmp}/deps-criu.XXXXXX")
FRESH=
cleanup() { rm -rf -- "$T" "$STAGE" "$OLD" ${FRESH:+"$FRESH"}; }
trap cleanup EXIT
trap 'echo "deps-criu: interrupted during: $STEP" >&2; exit 130' INT TERM HUP

MIRROR=${CRIU_MIRROR:-}
# shellcheck source=scripts/trixie-debs.sh
. "$(dirname "$0")/trixie-debs.sh"
trixie_fetch
CDEB=$(compgen -G "$T/debs/criu_*.deb" | head -n1) || die "criu .deb missing"
CVER=$(dpkg-deb -f "$CDEB" Version)

# ---------------------------------------------------------------------------------------
STEP="assembling $STAGE"
R=$T/root
mkdir -p "$STAGE/sbin" "$STAGE/bin" "$STAGE/lib" "$STAGE/python"
cp "$R/usr/sbin/criu" "$STAGE/sbin/"
for d in "$R/usr/lib/x86_64-linux-gnu" "$R/lib/x86_64-linux-gnu"; do
	[ -d "$d" ] || continue
	find "$d" -maxdepth 1 -name '*.so*' \( -type f -o -type l \) -exec cp -a -t "$STAGE/lib/" {} +
done
[ -e "$STAGE/lib/ld-linux-x86-64.so.2" ] || die "libc6 gave no ld-linux-x86-64.so.2"
PY=$(find "$R/usr/lib/python3/dist-packages" -maxdepth 1 -mindepth 1 \( -name 'pycriu' -o -name 'crit' \) | head -n5)
[ -n "$PY" ] || die "python3-pycriu has no pycriu/crit package under usr/lib/python3/dist-packages"
cp -a $PY "$STAGE/python/"
{
	echo "criu $CVER from $MIRROR $SUITE main, assembled by scripts/deps-criu.sh"
	echo "packages: ${PACKAGES[*]}"
} >"$STAGE/SOURCE"

# relocate DIR: make DIR/sbin/criu load DIR/lib/ld-linux-x86-64.so.2 and DIR/lib/*, and
# DIR/bin/crit run pycriu from DIR/python. Never LD_LIBRARY_PATH: it would leak into the
# tools criu runs (ip, iptables-restore, tar).
relocate() {
	patchelf --set-interpreter "$1/lib/ld-linux-x86-64.so.2" --force-rpath --set-rpath "$1/lib" \
		"$STAGE/sbin/criu"
	cat >"$STAGE/bin/crit" <<CRIT
#!/bin/sh
# crit from Debian 13's python3-pycriu, run by the system's /usr/bin/python3 (not a pyenv shim) (scripts/deps-criu.sh).
PYTHONPATH="$1/python\${PYTHONPATH:+:\$PYTHONPATH}" exec /usr/bin/python3 -m crit "\$@"
CRIT
	chmod 755 "$STAGE/bin/crit"
}

verify() {
	local d=$1 out
	STEP="verify: ldd"
	out=$(timeout 30 "$d/lib/ld-linux-x86-64.so.2" --list "$d/sbin/criu" 2>&1) || die "loader failed: $out"
	out=$(echo "$out" | awk -v lib="$d/lib/" '/=>/ && (index($3, lib) != 1) { print }')
	[ -z "$out" ] || die "libraries not resolved inside $d/lib: $out"
	STEP="verify: criu check"
	out=$(timeout 60 "$d/sbin/criu" check 2>&1) || die "$d/sbin/criu check failed: $(tail -n3 <<<"$out")"
	CRIU_VERSION=$(criu_ok "$d/sbin/criu") || die "$d/sbin/criu is not CRIU 4.x"
	STEP="verify: crit"
	out=$(timeout 30 "$d/bin/crit" --help 2>&1) || die "crit does not run: $(tail -n3 <<<"$out")"
}

STEP="patchelf"
relocate "$STAGE"
verify "$STAGE"

STEP="installing into $PREFIX"
relocate "$PREFIX"
if [ -e "$PREFIX" ]; then mv -T "$PREFIX" "$OLD"; fi
mv -T "$STAGE" "$PREFIX"
FRESH=$PREFIX
rm -rf -- "$OLD"
verify "$PREFIX"
FRESH=
say "CRIU $CRIU_VERSION in $PREFIX (crit: $PREFIX/bin/crit)"
