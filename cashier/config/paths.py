"""Where the settings, the journal and the logs live by default (the platform's folders)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "cashier"
CONFIG_FILE_NAME = "cashier.toml"
JOURNAL_FILE_NAME = "journal.sqlite3"
#: Environment variable naming the settings file (same as the command's ``--config``).
CONFIG_ENV = "CASHIER_CONFIG"


def default_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    return default_config_dir() / CONFIG_FILE_NAME


def default_journal_path() -> Path:
    return default_data_dir() / JOURNAL_FILE_NAME
