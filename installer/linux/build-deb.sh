#!/usr/bin/env bash
# Package the built program (dist/cashier from installer/build.sh) as a Debian package:
#
#   installer/linux/build-deb.sh             # -> dist/cashier_<version>_<arch>.deb
#   CASHIER_DIST=/tmp/d installer/linux/build-deb.sh   # the build in /tmp/d, the .deb there too
#
# Only dpkg-deb is needed (package dpkg). The files are the ones install.sh lays out, put where a
# package puts them: /opt/cashier, /usr/bin/cashier, the menu entry and icons under /usr/share,
# the udev rules in /usr/lib/udev/rules.d. In the package every file belongs to root, whoever
# builds it. debian/control declares what the bundle does not carry (OpenGL/EGL, the X11 and
# Wayland client libraries, a Chinese font); debian/postinst and postrm reload the udev rules and
# the menu and icon caches. Install it with:  sudo apt install ./cashier_<version>_<arch>.deb
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DIST="${CASHIER_DIST:-$ROOT/dist}"
VERSION="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/pyproject.toml")"
ARCH="$(dpkg --print-architecture)"
GLIBC="$(getconf GNU_LIBC_VERSION | cut -d' ' -f2)"  # the bundle needs the builder's or newer
OUTPUT="$DIST/cashier_${VERSION}_${ARCH}.deb"

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
chmod 755 "$STAGE"  # the root folder of the package
DESTDIR="$STAGE" PREFIX=/usr UDEV_RULES_DIR=/usr/lib/udev/rules.d CASHIER_DIST="$DIST" \
    bash "$HERE/install.sh" >/dev/null

install -d -m 755 "$STAGE/DEBIAN"
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@GLIBC@/$GLIBC/" \
    -e "s/@INSTALLED_SIZE@/$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)/" \
    "$HERE/debian/control" > "$STAGE/DEBIAN/control"
chmod 644 "$STAGE/DEBIAN/control"
install -m 755 "$HERE/debian/postinst" "$HERE/debian/postrm" "$STAGE/DEBIAN/"

# gzip: every dpkg reads it, and it is quick on a big folder.
dpkg-deb --root-owner-group -Zgzip --build "$STAGE" "$OUTPUT" >/dev/null
echo "$OUTPUT"
