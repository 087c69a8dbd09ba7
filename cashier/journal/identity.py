"""The journal knows itself: a file deleted, replaced or emptied is noticed, never written blind.

Each journal carries a random id (``journal_meta``), and a small marker file beside it
(``<journal>.id``) remembers that id. With them:

- opening refuses a journal file of 0 bytes (truncated, or emptied by a failed copy), and a
  missing journal whose marker says one was there: neither starts blank silently;
- while a journal is open, every write first compares the file at its path with the one opened
  (device and inode): deleted, replaced or emptied means new sales and refunds are refused
  (``JournalGoneError``) instead of being written into a file nobody will read again.

Starting a new journal on purpose is ``cashier journal new``: ``set_aside`` keeps the old files
beside it under a dated name, then a fresh ``Journal`` is created.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from cashier.private_files import create_private_file

MARKER_SUFFIX = ".id"
#: SQLite's files for one WAL database: the database, its write-ahead log and shared memory.
_SIDECARS = ("", "-wal", "-shm", MARKER_SUFFIX)

NEW_JOURNAL_HINT = ("restore it from a backup, or start a new journal on purpose with "
                    "'cashier journal new'")


def marker_path(path: Path) -> Path:
    return path.with_name(path.name + MARKER_SUFFIX)


def refuse_lost(path: Path) -> str | None:
    """Why the journal at ``path`` must not be opened (it was lost), or ``None``."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        marker = marker_path(path)
        # Look again once the marker is seen: another opener may have created the journal since
        # the look above, and it writes the marker only after the journal is in place.
        if marker.exists() and not path.exists():
            known = marker.read_text(encoding="utf-8").strip()
            return (f"The journal {path} is missing, but journal {known} was there; "
                    f"{NEW_JOURNAL_HINT}")
        return None
    if size == 0:
        return f"The journal {path} is empty (0 bytes); {NEW_JOURNAL_HINT}"
    return None


def create_whole(path: Path, build: Callable[[Path], None]) -> None:
    """Create the journal at ``path`` whole: ``build`` it under a temporary name beside it, then
    link it into place only if no journal appeared there meanwhile. So a journal file is never
    seen half-made (0 bytes) by another process opening it at the same moment, and a 0-byte
    journal always means one was emptied. The file is private (0600) from the start."""
    temporary = path.with_name(f".{path.name}.new-{secrets.token_hex(4)}")
    create_private_file(temporary)  # SQLite gives -wal and -shm the same mode
    try:
        build(temporary)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process created it first: that one is the journal
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(temporary, path)
    finally:
        for suffix in _SIDECARS[:3]:
            temporary.with_name(temporary.name + suffix).unlink(missing_ok=True)


def remember(path: Path, journal_id: str) -> None:
    """Write the marker beside the journal (once per journal)."""
    marker = marker_path(path)
    try:
        if marker.read_text(encoding="utf-8").strip() == journal_id:
            return
    except FileNotFoundError:
        create_private_file(marker)
    marker.write_text(journal_id + "\n", encoding="utf-8")


def file_id(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_dev, stat.st_ino


def file_problem(path: Path, opened: tuple[int, int]) -> str | None:
    """What happened to the journal file since it was opened as ``opened``, or ``None``."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return f"The journal {path} was deleted while it was open"
    if (stat.st_dev, stat.st_ino) != opened:
        return f"The journal {path} was replaced by another file while it was open"
    if stat.st_size == 0:
        return f"The journal {path} was emptied (0 bytes) while it was open"
    return None


def set_aside(path: Path, *, now: float | None = None) -> Path | None:
    """Rename the journal and its side files to ``<name>.replaced-<date-time>``; returns the
    journal's new name (``None`` when there was nothing to set aside)."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    moved = None
    for suffix in _SIDECARS:
        source = path.with_name(path.name + suffix)
        if not source.exists():
            continue
        target = path.with_name(f"{path.name}.replaced-{stamp}{suffix}")
        os.replace(source, target)
        if suffix == "":
            moved = target
    return moved
