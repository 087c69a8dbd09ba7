"""A support bundle: one zip a shop can send to support without leaking a secret.

    bundle = export_support_bundle(config, Path("cashier-support.zip"))   # logs, config, stats
    bundle.path, bundle.members

Inside: ``README.txt``, ``version.json`` (Python, platform, package versions), ``config.json``
(``cashier.config.redacted_dict``: no sign key, no merchant payment key), ``journal.json``
(counts per state, schema version, size, date range; read-only SQL, no payment codes, no
order ids) and ``logs/`` (the rotating log files).

Every text member goes through one gate, ``_scrub``: the log filter's ``redact`` (registered
secrets and 16-24 digit payment codes) plus the secrets of the config at hand. Nothing of Qt:
the terminal's "export support bundle" action calls ``export_support_bundle`` too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import platform
import re
import sqlite3
import sys
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import cashier
from cashier.config import Config, default_log_dir, redacted_dict
from cashier.logsetup import LOG_DIR_ENV, LOG_FILE_NAME, MASK, redact
from cashier.private_files import create_private_file

#: Packages whose versions support asks about first.
REPORTED_PACKAGES = (
    "PySide6-Essentials", "shiboken6", "python-escpos", "qrcode", "pyserial", "cryptography",
    "requests", "platformdirs", "keyring", "pillow",
)
#: Journal files sit beside their -wal and -shm companions.
JOURNAL_SUFFIXES = ("", "-wal", "-shm")
JOURNAL_EXTENSIONS = (".sqlite", ".sqlite3", ".db")


class SupportBundleError(Exception):
    """The bundle could not be written; the message says where and why."""


@dataclass(frozen=True)
class SupportBundle:
    path: Path
    members: tuple[str, ...]


# --- what goes in -----------------------------------------------------------------------------


def version_info() -> dict[str, Any]:
    """cashier, Python, the platform and the versions of the packages it runs on."""
    packages: dict[str, str | None] = {}
    for name in REPORTED_PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "cashier": cashier.__version__,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "executable": sys.executable,
        "packages": packages,
    }


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds")


def journal_stats(path: Path) -> dict[str, Any]:
    """What support needs to know about a journal, read without writing to it.

    Counts per state, schema version, size on disk and the date range; never a payment code, a
    masked code or an order id. A journal that cannot be read is reported, not raised.
    """
    stats: dict[str, Any] = {"path": str(path), "exists": path.is_file()}
    if not stats["exists"]:
        return stats
    stats["size_bytes"] = sum(
        p.stat().st_size for p in (Path(f"{path}{s}") for s in JOURNAL_SUFFIXES) if p.is_file()
    )
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        stats["error"] = f"cannot open: {exc}"
        return stats
    with contextlib.closing(conn):
        try:
            stats.update(_journal_figures(conn))
        except sqlite3.Error as exc:
            stats["error"] = f"cannot read: {exc}"
    return stats


def _journal_figures(conn: sqlite3.Connection) -> dict[str, Any]:
    def counts(sql: str) -> dict[str, int]:
        return {str(state): int(n) for state, n in conn.execute(sql)}

    first, last, first_day, last_day = conn.execute(
        "SELECT MIN(created_at), MAX(created_at), MIN(business_day), MAX(business_day) FROM sales"
    ).fetchone()
    z_count, last_z = conn.execute(
        "SELECT COUNT(*), MAX(business_day) FROM z_reports").fetchone()
    return {
        "schema_version": int(conn.execute("PRAGMA user_version").fetchone()[0]),
        "journal_mode": str(conn.execute("PRAGMA journal_mode").fetchone()[0]),
        "sales_by_state": counts("SELECT state, COUNT(*) FROM sales GROUP BY state ORDER BY 1"),
        "sales_by_mode": counts("SELECT mode, COUNT(*) FROM sales GROUP BY mode ORDER BY 1"),
        "refunds_by_state": counts(
            "SELECT state, COUNT(*) FROM refunds GROUP BY state ORDER BY 1"),
        "late_payments_unresolved": int(conn.execute(
            "SELECT COUNT(*) FROM sales WHERE late = 1 AND late_resolution IS NULL"
        ).fetchone()[0]),
        "first_sale_at": _iso(first),
        "last_sale_at": _iso(last),
        "first_business_day": first_day,
        "last_business_day": last_day,
        "z_reports": int(z_count),
        "last_z_report_day": last_z,
    }


def journal_files(config: Config) -> list[Path]:
    """The configured journal and any demo-mode journal kept in ``demo/`` beside it."""
    found = [config.journal.path]
    demo = config.journal.path.parent / "demo"
    if demo.is_dir():
        found += sorted(p for p in demo.iterdir()
                        if p.suffix in JOURNAL_EXTENSIONS and p.is_file())
    return found


def log_files(folders: Iterable[Path]) -> list[Path]:
    """The rotating log files (``cashier.log``, ``cashier.log.1`` ...) in ``folders``."""
    found: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            found += sorted(p for p in folder.glob(f"{LOG_FILE_NAME}*") if p.is_file())
    return list(dict.fromkeys(found))


def log_folders(env: Mapping[str, str] = os.environ) -> list[Path]:
    """Where log files may be: ``$CASHIER_LOG_DIR`` (the commands' override), the platform log
    dir, and the folder of the running log handler."""
    folders = [Path(env[LOG_DIR_ENV])] if env.get(LOG_DIR_ENV) else []
    folders.append(default_log_dir())
    for handler in logging.getLogger().handlers:
        name = getattr(handler, "baseFilename", None)
        if name and handler.get_name() == "cashier-file":
            folders.append(Path(name).parent)
    return list(dict.fromkeys(folders))


# --- writing ----------------------------------------------------------------------------------


def _secrets_of(config: Config | None) -> list[str]:
    if config is None:
        return []
    from urllib.parse import quote, quote_plus

    o = config.ottpay
    found: list[str] = []
    for secret in (o.sign_key, getattr(o, "merchant_payment_key", None)):
        if secret:  # as typed, and as it would appear inside a URL
            found += dict.fromkeys((secret, quote_plus(secret), quote(secret, safe="")))
    return found


def _scrub(text: str, secrets: Sequence[str]) -> str:
    """The one gate every member passes: no secret, no whole payment code."""
    text = redact(text)
    for secret in secrets:
        text = re.sub(re.escape(secret), MASK, text, flags=re.IGNORECASE)
    return text


def _readme(now: dt.datetime, members: Sequence[str]) -> str:
    return (
        "cashier support bundle\n"
        f"made {now.isoformat(timespec='seconds')}\n\n"
        "version.json  cashier, Python, platform and package versions\n"
        "config.json   the settings with the sign key and other secrets removed\n"
        "journal.json  journal statistics: counts per state, schema, size, dates (no sales)\n"
        "logs/         the log files (sign key never present, payment codes masked)\n\n"
        "files: " + ", ".join(members) + "\n"
    )


def build_support_bundle(
    output: Path,
    *,
    config: Config | None,
    config_error: str | None = None,
    log_paths: Sequence[Path] = (),
    journal_paths: Sequence[Path] = (),
    now: dt.datetime | None = None,
) -> SupportBundle:
    """Write the zip to ``output`` (replacing it) from exactly the files given.

    ``config`` None with ``config_error``: the settings could not be loaded; the bundle says why.
    """
    now = now or dt.datetime.now().astimezone()
    secrets = _secrets_of(config)
    texts: dict[str, str] = {
        "version.json": _json(version_info()),
        "config.json": _json(redacted_dict(config) if config is not None
                             else {"error": config_error or "no settings loaded"}),
        "journal.json": _json({"journals": [journal_stats(p) for p in journal_paths]}),
    }
    for log in log_paths:
        try:
            texts[f"logs/{log.name}"] = log.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            texts[f"logs/{log.name}.error.txt"] = f"cannot read {log}: {exc.strerror or exc}\n"
    texts = {"README.txt": _readme(now, list(texts)), **texts}
    output = Path(output).expanduser()
    partial = output.with_name(output.name + ".partial")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)  # a left-over of a crash may have another mode
        create_private_file(partial)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in texts.items():
                archive.writestr(name, _scrub(text, secrets))
        partial.replace(output)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise SupportBundleError(
            f"cannot write the support bundle {output} ({exc.strerror or exc})") from None
    return SupportBundle(output, tuple(texts))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"


def default_bundle_name(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now()
    return f"cashier-support-{now:%Y%m%d-%H%M%S}.zip"


def export_support_bundle(config: Config | None, output: Path, *,
                          config_error: str | None = None) -> SupportBundle:
    """The bundle of this machine: its log files and journals, found where the app keeps them."""
    journals = journal_files(config) if config is not None else []
    return build_support_bundle(output, config=config, config_error=config_error,
                                log_paths=log_files(log_folders()), journal_paths=journals)
