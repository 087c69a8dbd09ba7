"""Shop data is private to the account that runs the terminal: folders 0700, files 0600 (POSIX).

The journal holds every sale (amounts, masked codes), the logs every gateway exchange, the
settings and the operators file the merchant's ids and PIN hashes. On Debian a home folder is
0755, so whatever is created with the default umask (files 0644 in 0755 folders) can be read by
every local account. Every place that creates one of these folders or files goes through here,
and ``tighten`` takes group and other permissions off the ones an older version (or a copy)
left open.

On Windows the per-user AppData folder is already private and ``chmod`` only toggles the
read-only flag, so nothing here changes anything there.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
#: The permission bits of the group and of everyone else.
OPEN_BITS = 0o077
POSIX = os.name == "posix"


def make_private_dir(path: str | os.PathLike[str]) -> Path:
    """``path`` as a folder; created 0700 if it is missing (a missing parent gets the usual
    mode: it is not ours). An existing folder is left as it is: ``tighten`` fixes those."""
    folder = Path(path)
    if folder.is_dir():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=PRIVATE_DIR_MODE)
    except FileExistsError:
        return folder
    if POSIX:
        os.chmod(folder, PRIVATE_DIR_MODE)  # whatever the umask took away
    return folder


def create_private_file(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` empty with mode 0600 unless it exists, so what opens it next (SQLite,
    the log handler, a zip writer) writes into a private file. SQLite gives its ``-wal`` and
    ``-shm`` files the mode of the database file, so the journal's companions are private too."""
    target = Path(path)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return target
    os.close(fd)
    if POSIX:
        os.chmod(target, PRIVATE_FILE_MODE)
    return target


def write_private_file(path: str | os.PathLike[str], text: str) -> Path:
    """Replace ``path`` with ``text`` (UTF-8) atomically: written to a private temporary file
    beside it, flushed to disk, then renamed over it, so a crash leaves the old file or the new
    one, never half of either. Its folder is made private if it is missing."""
    target = Path(path)
    make_private_dir(target.parent)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            if POSIX:
                os.fchmod(handle.fileno(), PRIVATE_FILE_MODE)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return target


def tighten(folders: Iterable[Path] = (), files: Iterable[Path] = ()) -> list[Path]:
    """Take group and other permissions off ``folders`` (and everything in them) and ``files``.

    Only what this account owns is changed (a settings file an administrator keeps elsewhere
    is left alone); missing paths and symbolic links are skipped. Returns the paths changed.
    """
    if not POSIX:
        return []
    changed: list[Path] = []
    for folder in folders:
        for parent, dirs, names in os.walk(folder):
            here = Path(parent)
            changed += [p for p in [here, *(here / n for n in names)] if _close(p)]
            dirs[:] = [d for d in dirs if not (here / d).is_symlink()]
    changed += [p for p in files if _close(p)]
    return list(dict.fromkeys(changed))


def _close(path: Path) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    if (stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid()
            or not info.st_mode & OPEN_BITS):
        return False
    try:
        os.chmod(path, stat.S_IMODE(info.st_mode) & ~OPEN_BITS)
    except OSError:
        return False
    return True
