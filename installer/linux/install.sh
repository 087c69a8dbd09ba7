#!/usr/bin/env bash
# Install the built program (dist/cashier from installer/build.sh) system-wide on Linux:
#
#   sudo installer/linux/install.sh            # /opt/cashier, /usr/local/bin/cashier, menu entry,
#                                              # icons and udev rules
#   sudo installer/linux/install.sh --uninstall
#
# PREFIX (default /usr/local), UDEV_RULES_DIR (default /etc/udev/rules.d) and DESTDIR (for
# packaging: installer/linux/build-deb.sh) are honoured. User data (settings,
# journal, logs in ~/.config/cashier, ~/.local/share/cashier, ~/.local/state/cashier) is never
# touched, so installing a new version keeps it and uninstalling leaves it.
set -euo pipefail
# Installed files belong to whoever runs this (root, under sudo), readable by all and writable by
# no one else, whatever the caller's umask or the build's permissions.
umask 022

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DIST="${CASHIER_DIST:-$ROOT/dist}/cashier"
PREFIX="${PREFIX:-/usr/local}"
DESTDIR="${DESTDIR:-}"
APPDIR="$DESTDIR/opt/cashier"
BINDIR="$DESTDIR$PREFIX/bin"
SHARE="$DESTDIR$PREFIX/share"
RULES="$DESTDIR${UDEV_RULES_DIR:-/etc/udev/rules.d}/70-cashier-pos.rules"
ICONS="$ROOT/resources/icons"

# Folders an install may have created that are empty once our files are gone.
prune_empty_folders() {
    for dir in "$SHARE"/icons/hicolor/*/apps "$SHARE"/icons/hicolor/* "$SHARE/icons/hicolor" \
               "$SHARE/icons" "$SHARE/applications"; do
        if [ -d "$dir" ] && [ -z "$(ls -A "$dir")" ]; then rmdir "$dir"; fi
    done
}

reload_udev() {
    if [ -z "$DESTDIR" ] && command -v udevadm >/dev/null; then
        udevadm control --reload-rules && udevadm trigger || true
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$APPDIR"
    rm -f "$BINDIR/cashier" "$SHARE/applications/cashier.desktop" "$RULES"
    rm -f "$SHARE"/icons/hicolor/*/apps/cashier.png "$SHARE/icons/hicolor/scalable/apps/cashier.svg"
    # Older versions ran update-desktop-database, which leaves a MIME cache without entries.
    cache="$SHARE/applications/mimeinfo.cache"
    if [ -f "$cache" ] && ! grep -qv -e '^\[MIME Cache\]$' -e '^$' "$cache"; then rm -f "$cache"; fi
    prune_empty_folders
    reload_udev
    echo "cashier removed (your settings, journal and logs are kept)."
    exit 0
fi

if [ ! -x "$DIST/cashier" ]; then
    echo "install.sh: $DIST/cashier not found; run installer/build.sh first" >&2
    exit 2
fi

rm -rf "$APPDIR.new"
mkdir -p "$(dirname "$APPDIR")"
# Not cp -a: that would keep the builder's ownership, and the builder could then replace the
# program every account runs.
cp -R "$DIST" "$APPDIR.new"
chmod -R u=rwX,go=rX "$APPDIR.new"
rm -rf "$APPDIR"
mv "$APPDIR.new" "$APPDIR"
install -d "$BINDIR"
ln -sfn /opt/cashier/cashier "$BINDIR/cashier"
install -D -m 644 "$HERE/cashier.desktop" "$SHARE/applications/cashier.desktop"
for size in 16 24 32 48 64 128 256 512; do
    install -D -m 644 "$ICONS/cashier-$size.png" "$SHARE/icons/hicolor/${size}x${size}/apps/cashier.png"
done
install -D -m 644 "$ICONS/cashier.svg" "$SHARE/icons/hicolor/scalable/apps/cashier.svg"
install -D -m 644 "$HERE/70-cashier-pos.rules" "$RULES"
reload_udev
# Menus find the entry by themselves; update-desktop-database is not run since the entry declares
# no MIME type (it would only write an empty mimeinfo.cache).
echo "cashier installed in /opt/cashier; start it from the menu or run: cashier gui"
echo "Serial scanners: add the cashier's user to the dialout group (see installer/README.md)."
