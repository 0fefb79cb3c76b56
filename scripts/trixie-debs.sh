# trixie-debs.sh - sourced by the deps-*.sh scripts: fetch Debian 13 (trixie) packages
# into a scratch dir without installing anything, with apt state of its own.
#
# trixie_fetch: needs T (scratch dir), SUITE, KEYRING, MIRROR (empty: read the apt sources),
# PACKAGES (array), and the caller's say/die and STEP. Leaves the .debs in $T/debs and
# their contents unpacked into $T/root; sets MIRROR.
# Nothing under /var/lib/apt, /var/cache/apt or /etc/apt is read or written except
# apt.conf.d (proxy settings stay in effect), and nothing is ever marked [trusted=yes].

# URIs of enabled `deb` entries, one-line (.list) and deb822 (.sources) formats.
source_uris() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -e 's/#.*//' "$f" | awk '$1 == "deb" {
			sub(/^[ \t]*deb[ \t]+/, ""); if ($0 ~ /^\[/) sub(/^\[[^]]*\][ \t]*/, "")
			split($0, a, /[ \t]+/); print a[1] }'
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'function flush(   n, i, u) {
				if (types ~ /(^|[ \t])deb([ \t]|$)/ && tolower(enabled) != "no") {
					n = split(uris, u, /[ \t]+/); for (i = 1; i <= n; i++) if (u[i] != "") print u[i] }
				types = uris = enabled = cur = "" }
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^[A-Za-z0-9-]+:/ { cur = tolower($0); sub(/:.*/, "", cur); v = $0; sub(/^[^:]*:[ \t]*/, "", v)
				if (cur == "types") types = v; else if (cur == "uris") uris = v
				else if (cur == "enabled") enabled = v; next }
			/^[ \t]/ { if (cur == "uris") uris = uris " " $0 }
			END { flush() }' "$f"
	done
}
# apt_update KEYRING SUITE...: true when every suite's Release file verified with KEYRING
# (apt keeps a Release file in the lists dir only after its signature checked out).
apt_update() {
	local keyring=$1 s ok=0; shift
	: >"$T/apt/sources.list"
	for s in "$@"; do echo "deb [signed-by=$keyring] $MIRROR $s main" >>"$T/apt/sources.list"; done
	rm -rf "$T/apt/lists"; mkdir -p "$T/apt/lists/partial"
	apt-get "${APT_OPTS[@]}" update >"$T/apt-update.log" 2>&1 || true
	for s in "$@"; do
		if compgen -G "$T/apt/lists/*_dists_${s}_*Release" >/dev/null; then ok=$((ok + 1)); fi
	done
	[ "$ok" -gt 0 ]
}

trixie_fetch() {
	STEP="finding the Debian mirror"
	if [ -z "$MIRROR" ]; then
		# The main archive: http(s)://host/.../debian (not debian-security, not a dated snapshot).
		MIRROR=$(source_uris | sed -e 's:/*$::' | grep -E '^https?://[^/]+(/.*)?/debian$' | head -n1 || true)
		if [ -z "$MIRROR" ]; then
			MIRROR=http://deb.debian.org/debian
			say "no Debian mirror found in /etc/apt/sources*, using $MIRROR"
		fi
	fi
	MIRROR=${MIRROR%/}

	# ---------------------------------------------------------------------------------------
	# Private apt state: nothing under /var/lib/apt, /var/cache/apt or /etc/apt is read or
	# written except apt.conf.d (proxy settings stay in effect).
	mkdir -p "$T/apt/lists/partial" "$T/apt/cache/archives/partial" "$T/debs" "$T/root"
	APT_OPTS=(-q
		-o Dir::Etc::SourceList="$T/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
		-o Dir::State::Lists="$T/apt/lists" -o Dir::State::status=/dev/null
		-o Dir::Cache="$T/apt/cache" -o Dir::Log="$T/apt"
		-o APT::Architecture=amd64 -o APT::Architectures=amd64 -o Acquire::Languages=none)
	[ "$(id -u)" != 0 ] || APT_OPTS+=(-o APT::Sandbox::User=root)

	STEP="apt-get update ($SUITE main from $MIRROR)"
	TRUST="$KEYRING"
	if ! apt_update "$KEYRING" "$SUITE"; then
		if ! grep -qE 'NO_PUBKEY|EXPKEYSIG|KEYEXPIRED|BADSIG|REVKEYSIG|signatures (were invalid|couldn.t be verified)' "$T/apt-update.log"; then
			cat "$T/apt-update.log" >&2
			die "could not fetch $SUITE's index from $MIRROR (log above)"
		fi
		# The system keyring cannot verify trixie (an old debian-archive-keyring). Keep the
		# chain verified: fetch the newest debian-archive-keyring of the host's own release,
		# whose Release file the system keyring does verify, and use the trixie keys in it.
		STEP="getting trixie's archive keys"
		say "$KEYRING does not verify $SUITE; fetching the current debian-archive-keyring"
		# shellcheck source=/dev/null
		HOST_SUITE=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
		HOST_SUITE=${HOST_SUITE:-bookworm}
		apt_update "$KEYRING" "$HOST_SUITE" "$HOST_SUITE-updates" || {
			cat "$T/apt-update.log" >&2
			die "$KEYRING verifies neither $SUITE nor $HOST_SUITE at $MIRROR (log above)"
		}
		(cd "$T/debs" && apt-get "${APT_OPTS[@]}" download debian-archive-keyring) >"$T/apt-download.log" 2>&1 || {
			cat "$T/apt-download.log" >&2; die "apt-get download debian-archive-keyring failed"; }
		mkdir -p "$T/keyring"
		dpkg-deb -x "$T"/debs/debian-archive-keyring_*.deb "$T/keyring"
		rm -f "$T"/debs/*.deb
		TRUST=$T/keyring/usr/share/keyrings/debian-archive-keyring.gpg
		[ -r "$TRUST" ] || die "debian-archive-keyring has no usr/share/keyrings/debian-archive-keyring.gpg"
		STEP="apt-get update ($SUITE main from $MIRROR)"
		apt_update "$TRUST" "$SUITE" || {
			cat "$T/apt-update.log" >&2
			die "even the current debian-archive-keyring does not verify $SUITE (log above)"
		}
	fi

	STEP="apt-get download (${#PACKAGES[@]} packages)"
	(cd "$T/debs" && apt-get "${APT_OPTS[@]}" download "${PACKAGES[@]}") >"$T/apt-download.log" 2>&1 || {
		cat "$T/apt-download.log" >&2; die "see the apt output above"; }
	STEP="dpkg-deb -x"
	for deb in "$T"/debs/*.deb; do
		dpkg-deb -x "$deb" "$T/root" || die "cannot extract $(basename "$deb")"
	done
}
