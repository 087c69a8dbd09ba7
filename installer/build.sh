#!/usr/bin/env bash
# Build the one-folder program dist/cashier/ with PyInstaller, then run its self-check.
#
#   installer/build.sh                 # uses (or creates) .venv, installs the build extra
#   VENV=/tmp/v installer/build.sh     # another virtual environment
#   CASHIER_DIST=/tmp/d CASHIER_WORK=/tmp/w installer/build.sh   # other output folders
#   installer/build.sh --no-check      # skip running the built program
#
# Run on the platform you build for (PyInstaller does not cross-compile). On Linux the result
# runs on distributions with the same or a newer glibc than the build machine.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
DIST="${CASHIER_DIST:-dist}"
WORK="${CASHIER_WORK:-build/pyinstaller}"
CHECK=1
for arg in "$@"; do
    case "$arg" in
        --no-check) CHECK=0 ;;
        *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done

if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating $VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
echo "== installing cashier with the build extra into $VENV"
"$VENV/bin/python" -m pip install --quiet -e ".[build]"

echo "== PyInstaller (installer/cashier.spec) -> $DIST/cashier"
start=$(date +%s)
"$VENV/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" installer/cashier.spec
echo "== built $DIST/cashier in $(( $(date +%s) - start )) s ($(du -sh "$DIST/cashier" | cut -f1))"

if [ "$CHECK" = 1 ]; then
    echo "== $DIST/cashier/cashier self-check"
    QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" "$DIST/cashier/cashier" self-check
fi
