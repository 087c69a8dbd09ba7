#!/usr/bin/env bash
# Install the built program (dist/cashier from installer/build.sh) system-wide on Linux:
#
#   sudo installer/linux/install.sh            # /opt/cashier, /usr/local/bin/cashier, menu entry,
#                                              # icons and udev rules
#   sudo installer/linux/install.sh --uninstall
#
# PREFIX (default /usr/local) and DESTDIR (for packaging) are honoured. User data (settings,
# journal, logs in ~/.config/cashier, ~/.local/share/cashier, ~/.local/state/cashier) is never
# touched, so installing a new version keeps it and uninstalling leaves it.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DIST="${CASHIER_DIST:-$ROOT/dist}/cashier"
PREFIX="${PREFIX:-/usr/local}"
DESTDIR="${DESTDIR:-}"
APPDIR="$DESTDIR/opt/cashier"
BINDIR="$DESTDIR$PREFIX/bin"
SHARE="$DESTDIR$PREFIX/share"
RULES="$DESTDIR/etc/udev/rules.d/70-cashier-pos.rules"
ICONS="$ROOT/resources/icons"

reload_udev() {
    if [ -z "$DESTDIR" ] && command -v udevadm >/dev/null; then
        udevadm control --reload-rules && udevadm trigger || true
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$APPDIR"
    rm -f "$BINDIR/cashier" "$SHARE/applications/cashier.desktop" "$RULES"
    rm -f "$SHARE"/icons/hicolor/*/apps/cashier.png "$SHARE/icons/hicolor/scalable/apps/cashier.svg"
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
cp -a "$DIST" "$APPDIR.new"
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
if [ -z "$DESTDIR" ] && command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$SHARE/applications" || true
fi
echo "cashier installed in /opt/cashier; start it from the menu or run: cashier gui"
echo "Serial scanners: add the cashier's user to the dialout group (see installer/README.md)."
