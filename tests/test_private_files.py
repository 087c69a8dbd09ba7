"""Shop data is private: real journal, log, settings, operators and support-bundle files are
created 0600 in 0700 folders, and what an older version left open is closed at start-up."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from cashier.config import Config, JournalSection, save_config
from cashier.journal.store import Journal
from cashier.logsetup import setup_logging, stop_logging
from cashier.operators import OperatorStore
from cashier.private_files import make_private_dir, tighten, write_private_file
from cashier.runtime import Runtime
from cashier.support import build_support_bundle

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask():
    """Debian's default umask: without care, files would be 0644 and folders 0755."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_the_journal_and_its_wal_and_shm_files_are_private(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    path = home / "data" / "journal.sqlite3"
    with Journal(path):
        companions = [path.with_name(path.name + end) for end in ("-wal", "-shm")]
        assert all(p.is_file() for p in companions)  # WAL mode: both exist while open
        assert [mode(p) for p in [path, *companions]] == [0o600, 0o600, 0o600]
    assert mode(path.parent) == 0o700
    assert mode(home) == 0o755  # a folder that is not ours keeps its mode


def test_log_files_are_private_also_after_a_rollover(tmp_path: Path) -> None:
    folder = tmp_path / "state" / "log"
    path = setup_logging(folder, max_bytes=400, backup_count=2)
    try:
        for number in range(20):
            logging.getLogger("cashier.test").warning("line %d of the log", number)
    finally:
        stop_logging()
    files = sorted(folder.glob("cashier.log*"))
    assert path in files and len(files) == 3  # cashier.log, .1, .2: it rolled over
    assert {mode(p) for p in files} == {0o600}
    assert mode(folder) == 0o700


def test_settings_and_operators_are_private(tmp_path: Path) -> None:
    target = save_config(Config(), tmp_path / "config" / "cashier" / "cashier.toml")
    store = OperatorStore(target.parent / "operators.json")
    store.add("Ann", "0000000001", "manager", "4321")
    assert mode(target) == 0o600 and mode(target.parent / "operators.json") == 0o600
    assert mode(target.parent) == 0o700


def test_a_support_bundle_is_private(tmp_path: Path) -> None:
    output = tmp_path / "support.zip"
    output.with_name("support.zip.partial").write_bytes(b"left over")  # 0644, from a crash
    build_support_bundle(output, config=Config())
    assert mode(output) == 0o600


def test_make_private_dir_leaves_an_existing_folder_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    assert make_private_dir(shared) == shared and mode(shared) == 0o755


def test_tighten_closes_folders_and_files_and_skips_links_and_missing(tmp_path: Path) -> None:
    folder = tmp_path / "cashier"
    (folder / "demo").mkdir(parents=True)
    (folder / "demo" / "journal.sqlite3").write_text("x")
    (folder / "cashier.log").write_text("x")
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    (folder / "link").symlink_to(outside)
    changed = tighten([folder, tmp_path / "missing"], [tmp_path / "settings.toml"])
    assert set(changed) == {folder, folder / "demo", folder / "demo" / "journal.sqlite3",
                            folder / "cashier.log"}
    assert mode(folder) == mode(folder / "demo") == 0o700
    assert mode(folder / "cashier.log") == 0o600
    assert mode(outside) == 0o644  # not followed through the link
    assert tighten([folder]) == []  # nothing left to do


def test_start_up_closes_what_an_older_version_left_open(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    data = tmp_path / "data" / "cashier"
    logs = tmp_path / "state" / "cashier" / "log"
    config_dir = tmp_path / "config" / "cashier"
    for folder in (data, logs, config_dir):
        folder.mkdir(parents=True, mode=0o755)
    journal = data / "journal.sqlite3"
    sqlite3.connect(journal).close()  # an old journal, 0644
    (logs / "cashier.log").write_text("old log\n")
    settings = config_dir / "cashier.toml"
    settings.write_text("")
    config = Config(journal=JournalSection(path=journal), path=settings)
    with caplog.at_level(logging.WARNING, logger="cashier.runtime"), \
            Runtime.open(config, demo=True) as runtime:
        assert runtime.journal_path.parent == data / "demo"
        assert mode(runtime.journal_path) == 0o600
    assert {mode(p) for p in (data, logs, config_dir)} == {0o700}
    assert {mode(p) for p in (journal, logs / "cashier.log", settings)} == {0o600}
    message = next(r.getMessage() for r in caplog.records if "private" in r.getMessage())
    assert message.startswith("made ") and str(journal) in message


def test_a_rewritten_file_is_replaced_whole_and_stays_private(tmp_path: Path) -> None:
    target = tmp_path / "state" / "simulator.json"
    write_private_file(target, "old")
    os.chmod(target, 0o644)  # an older version's open file
    write_private_file(target, "新的 contents")
    assert target.read_text(encoding="utf-8") == "新的 contents"
    assert mode(target) == 0o600 and mode(target.parent) == 0o700
    assert [p.name for p in target.parent.iterdir()] == ["simulator.json"]  # no temporary left
