#!/usr/bin/env bash
# deps-qemu-next.sh [PREFIX] - a second, newer QEMU for cross-version migration runs.
#
# Unpacks Debian 13 (trixie)'s qemu-system-x86 (QEMU 10.0) with its own glibc into PREFIX
# (argument 1, else $QEMU_NEXT_PREFIX, else /opt/mwb/qemu-next) without installing or
# upgrading any system package: private apt state in a scratch dir, `apt-get download`,
# `dpkg-deb -x`, patchelf. See scripts/README.md and /work/shared/notes/qemu-next.md.
#
# Environment: QEMU_NEXT_PREFIX    install prefix (default /opt/mwb/qemu-next)
#              QEMU_NEXT_MIRROR    Debian mirror URL (default: read from the apt sources)
#              QEMU_NEXT_KEYRING   keyring that verifies trixie's Release file
#                                  (default /usr/share/keyrings/debian-archive-keyring.gpg)
set -Eeuo pipefail

SUITE=trixie
DEFAULT_PREFIX=/opt/mwb/qemu-next
KEYRING=${QEMU_NEXT_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
# qemu-system-x86's Depends, their own library dependencies (no apt-cache --recurse: that
# pulls ~90 packages), then firmware/data. qemu-system-common is not needed; ipxe-qemu
# gives NIC option ROMs (efi-e1000.rom ...), which guests with a NIC need.
PACKAGES=(
	qemu-system-x86 libc6
	libaio1t64 libbpf1 libcapstone5 libfdt1 libfuse3-4 libglib2.0-0t64 libgmp10 libgnutls30t64
	libhogweed6t64 libibverbs1 libjpeg62-turbo libnettle8t64 libnuma1 libpixman-1-0 libpmem1
	libpng16-16t64 librdmacm1t64 libsasl2-2 libseccomp2 libslirp0 libudev1 liburing2
	libvdeplug2t64 libzstd1 zlib1g
	libatomic1 libcap2 libssl3t64 libdaxctl1 libelf1t64 libffi8 libidn2-0 libmount1 libndctl6
	libnl-3-200 libnl-route-3-200 libp11-kit0 libpcre2-8-0 libselinux1 libtasn1-6 libunistring5
	libblkid1 libkmod2 libuuid1
	seabios qemu-system-data ipxe-qemu
)

STEP=start
say() { echo "deps-qemu-next: $*"; }
die() { echo "deps-qemu-next: error: $STEP: $*" >&2; exit 1; }
trap 'echo "deps-qemu-next: error: $STEP: command failed (line $LINENO): $BASH_COMMAND" >&2' ERR

PREFIX=${1:-${QEMU_NEXT_PREFIX:-$DEFAULT_PREFIX}}
case $PREFIX in /*) ;; *) PREFIX=$PWD/$PREFIX ;; esac
while [ "${#PREFIX}" -gt 1 ] && [ "${PREFIX%/}" != "$PREFIX" ]; do PREFIX=${PREFIX%/}; done
[ "$PREFIX" != / ] || { STEP=arguments; die "PREFIX must not be /"; }

# "10.0.13" when DIR holds a QEMU 10.x that starts; fails otherwise.
qemu_version() {
	local out
	[ -x "$1/bin/qemu-system-x86_64" ] || return 1
	out=$(timeout 30 "$1/bin/qemu-system-x86_64" --version 2>/dev/null) || return 1
	[[ $out =~ version\ (10\.[0-9]+\.[0-9]+) ]] || return 1
	echo "${BASH_REMATCH[1]}"
}

if v=$(qemu_version "$PREFIX"); then
	say "QEMU $v already in $PREFIX"
	exit 0
fi

# ---------------------------------------------------------------------------------------
STEP="checking tools"
[ "$(uname -m)" = x86_64 ] || die "this builds an x86_64 QEMU; machine is $(uname -m)"
if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
	die "needs apt-get and dpkg-deb (a Debian system)"
fi
[ "$(dpkg --print-architecture)" = amd64 ] || die "dpkg architecture is not amd64"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
if ! command -v patchelf >/dev/null; then
	STEP="installing patchelf"
	say "installing patchelf (apt-get)"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get install -y -q --no-install-recommends patchelf >/dev/null 2>&1 || {
		$SUDO apt-get update -q >/dev/null &&
			$SUDO apt-get install -y -q --no-install-recommends patchelf >/dev/null
	} || die "apt-get install patchelf failed"
	command -v patchelf >/dev/null || die "patchelf still missing after apt-get install"
fi
[ -r "$KEYRING" ] || die "keyring $KEYRING missing (package debian-archive-keyring)"

# One run at a time per parent directory; re-check once we hold the lock.
STEP="preparing $PREFIX"
PARENT=$(dirname "$PREFIX")
mkdir -p "$PARENT" || die "cannot create $PARENT"
exec 9<"$PARENT"
flock -w 900 9 || die "another deps-qemu-next run holds $PARENT for too long"
if v=$(qemu_version "$PREFIX"); then
	say "QEMU $v already in $PREFIX"
	exit 0
fi
if [ -e "$PREFIX" ] && [ ! -e "$PREFIX/bin/qemu-system-x86_64" ] &&
	[ -n "$(ls -A "$PREFIX" 2>/dev/null)" ]; then
	die "$PREFIX exists and is not a qemu-next prefix; remove it or choose another PREFIX"
fi

STAGE=$PREFIX.tmp.$$
OLD=$PREFIX.old.$$
T=$(mktemp -d "${TMPDIR:-/tmp}/deps-qemu-next.XXXXXX")
FRESH=
cleanup() { rm -rf -- "$T" "$STAGE" "$OLD" ${FRESH:+"$FRESH"}; }
trap cleanup EXIT
trap 'echo "deps-qemu-next: interrupted during: $STEP" >&2; exit 130' INT TERM HUP

STEP="fetching ${#PACKAGES[@]} packages"
MIRROR=${QEMU_NEXT_MIRROR:-}
# shellcheck source=scripts/trixie-debs.sh
. "$(dirname "$0")/trixie-debs.sh"
trixie_fetch
QDEB=$(compgen -G "$T/debs/qemu-system-x86_*.deb" | head -n1) || die "qemu-system-x86 .deb missing"
QVER=$(dpkg-deb -f "$QDEB" Version)
[[ $QVER =~ ^1:10\.0\. ]] || die "$SUITE's qemu-system-x86 is $QVER, expected 1:10.0.x"

# ---------------------------------------------------------------------------------------
STEP="assembling $STAGE"
R=$T/root
mkdir -p "$STAGE/bin" "$STAGE/lib/qemu" "$STAGE/share/qemu"
cp "$R/usr/bin/qemu-system-x86_64" "$STAGE/bin/"
for d in "$R/usr/lib/x86_64-linux-gnu" "$R/lib/x86_64-linux-gnu"; do
	[ -d "$d" ] || continue
	find "$d" -maxdepth 1 -name '*.so*' \( -type f -o -type l \) -exec cp -a -t "$STAGE/lib/" {} +
done
[ -e "$STAGE/lib/ld-linux-x86-64.so.2" ] || die "libc6 gave no ld-linux-x86-64.so.2"
for d in "$R/usr/share/qemu" "$R/usr/share/seabios" "$R/usr/lib/ipxe/qemu"; do
	if [ -d "$d" ]; then cp -a "$d/." "$STAGE/share/qemu/"; fi
done
[ -e "$STAGE/share/qemu/bios-256k.bin" ] || die "no bios-256k.bin (seabios)"
# QEMU looks for <dir of the executable>/qemu-bundle/<configured path> before the
# configured path itself: firmware dirs -> share/qemu, module dir -> the empty lib/qemu.
# Without them it loads Debian 12's firmware and modules.
B=$STAGE/bin/qemu-bundle
mkdir -p "$B/usr/share" "$B/usr/lib/ipxe" "$B/usr/lib/x86_64-linux-gnu"
ln -sr "$STAGE/share/qemu" "$B/usr/share/qemu"
ln -sr "$STAGE/share/qemu" "$B/usr/share/seabios"
ln -sr "$STAGE/share/qemu" "$B/usr/lib/ipxe/qemu"
ln -sr "$STAGE/lib/qemu" "$B/usr/lib/x86_64-linux-gnu/qemu"
dangling=$(find "$STAGE" -xtype l | head -n5)
[ -z "$dangling" ] || die "dangling symlinks: $dangling"
{
	echo "qemu-system-x86 $QVER from $MIRROR $SUITE main, assembled by scripts/deps-qemu-next.sh"
	echo "packages: ${PACKAGES[*]}"
} >"$STAGE/SOURCE"

# The binary uses PREFIX's own loader and libraries. DT_RPATH (--force-rpath), not
# DT_RUNPATH: RUNPATH would not apply to the libraries' own dependencies.
# relocate BINARY DIR: make BINARY load DIR/lib/ld-linux-x86-64.so.2 and DIR/lib/*.
relocate() {
	patchelf --set-interpreter "$2/lib/ld-linux-x86-64.so.2" --force-rpath --set-rpath "$2/lib" "$1"
}

# verify DIR: the checks that make DIR count as done.
verify() {
	local d=$1 q=$1/bin/qemu-system-x86_64 out v dir
	STEP="verify: ldd"
	out=$(timeout 30 "$d/lib/ld-linux-x86-64.so.2" --list "$q" 2>&1) || die "loader failed: $out"
	# every library must come from $d/lib (none missing, none from the system)
	out=$(echo "$out" | awk -v lib="$d/lib/" '/=>/ && (index($3, lib) != 1) { print }')
	[ -z "$out" ] || die "libraries not resolved inside $d/lib: $out"
	STEP="verify: --version"
	v=$(qemu_version "$d") || die "$q --version does not report QEMU 10.x: $(timeout 30 "$q" --version 2>&1 | head -n2)"
	[[ $v =~ ^10\.0\. ]] || die "$q is QEMU $v, expected 10.0.x"
	STEP="verify: -machine help"
	out=$(timeout 30 "$q" -machine help 2>&1) || die "$out"
	for m in pc-i440fx-10.0 pc-i440fx-7.2 pc-q35-7.2; do
		grep -qE "^$m " <<<"$out" || die "machine type $m not listed"
	done
	STEP="verify: -device help"
	out=$(timeout 30 "$q" -device help 2>&1) || die "$(tail -n3 <<<"$out")"
	STEP="verify: firmware path"
	out=$(timeout 30 "$q" -L help 2>&1) || die "$out"
	while read -r dir; do
		[ -n "$dir" ] || continue
		case $(readlink -f "$dir") in "$d"/*) ;; *) die "firmware dir $dir is outside $d" ;; esac
	done <<<"$out"
	STEP="verify: QMP query-machines"
	out=$(printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"query-machines"}' \
		'{"execute":"quit"}' |
		timeout 30 "$q" -machine none -nodefaults -display none -qmp stdio 2>&1) ||
		die "QEMU exited with an error: $(tail -c 400 <<<"$out")"
	grep -q '"QMP": {"version": {"qemu": {"micro": [0-9]*, "minor": 0, "major": 10}' <<<"$out" ||
		die "no QMP greeting from QEMU 10.0: $(head -c 400 <<<"$out")"
	grep -q '"name": "pc-i440fx-10.0"' <<<"$out" || die "query-machines lacks pc-i440fx-10.0"
	grep -q '"name": "pc-i440fx-7.2"' <<<"$out" || die "query-machines lacks pc-i440fx-7.2"
	if grep -q '"error"' <<<"$out"; then die "QMP error: $(grep '"error"' <<<"$out" | head -n1)"; fi
	QEMU_VERSION=$v
}

STEP="patchelf"
relocate "$STAGE/bin/qemu-system-x86_64" "$STAGE"
verify "$STAGE"

# ---------------------------------------------------------------------------------------
# Point the binary at its final place, then rename: PREFIX is either the old state or
# complete, never half-built.
STEP="installing into $PREFIX"
relocate "$STAGE/bin/qemu-system-x86_64" "$PREFIX"
if [ -e "$PREFIX" ]; then mv -T "$PREFIX" "$OLD"; fi
mv -T "$STAGE" "$PREFIX"
FRESH=$PREFIX # removed on exit unless it verifies in place
rm -rf -- "$OLD"
verify "$PREFIX"
FRESH=
say "QEMU $QEMU_VERSION in $PREFIX (machine types up to pc-i440fx-10.0)"
