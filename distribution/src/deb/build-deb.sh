#!/usr/bin/env bash
# Builds the Debian package from the distribution tarball, so both ship the same files:
#   build-deb.sh TARBALL MAVEN_VERSION OUT_DIR   ->   OUT_DIR/twinblock_DEBVERSION_all.deb
# and leaves the tarball unpacked in OUT_DIR/twinblock, runnable in place from a checkout
# (distribution/target/twinblock/bin/twinblock: the README and examples/pair/run-pair.sh use it).
# Layout: /usr/share/twinblock/{bin,lib}, /usr/bin/twinblock, /etc/twinblock/node.conf (a
# conffile), /lib/systemd/system/twinblock@.service, data in /var/lib/twinblock (postinst).
set -euo pipefail

tarball="$1"
version="${2//-/\~}"          # 0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT (sorts before 0.1.0)
out="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

rm -rf "$out/twinblock"
mkdir -p "$out/twinblock"
tar -xzf "$tarball" -C "$out/twinblock" --strip-components=1

if ! command -v dpkg-deb >/dev/null 2>&1; then
    echo "build-deb: dpkg-deb not found; no .deb built (the tarball is)" >&2
    exit 0
fi

root="$out/deb-root"
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/usr/share/twinblock" "$root/usr/bin" \
    "$root/lib/systemd/system" "$root/usr/share/doc/twinblock"
dist="$out/twinblock"

cp -a "$dist/bin" "$dist/lib" "$root/usr/share/twinblock/"
ln -s ../share/twinblock/bin/twinblock "$root/usr/bin/twinblock"
cp -a "$dist/etc" "$root/"
cp "$dist/systemd/twinblock@.service" "$root/lib/systemd/system/"
cp "$here/copyright" "$root/usr/share/doc/twinblock/copyright"

installed_kib="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$installed_kib/" "$here/control" > "$root/DEBIAN/control"
echo /etc/twinblock/node.conf > "$root/DEBIAN/conffiles"
install -m 0755 "$here/postinst" "$here/postrm" "$root/DEBIAN/"

deb="$out/twinblock_${version}_all.deb"
# --root-owner-group: files owned by root in the package without needing fakeroot.
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "build-deb: $deb"
