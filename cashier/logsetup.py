"""Rotating log files that never hold the sign key or a whole payment code.

    log_file = setup_logging()             # <platform log dir>/cashier.log, 1 MB x 5
    register_secret(config.ottpay.sign_key)  # load_config does this for the sign key

A filter on the file handler rewrites every record before it is written: registered secrets become
``********`` and any run of 16-24 digits (what a wallet payment code looks like) is masked like
``cashier.wallets.mask_code`` does (``1345********6789``), in the message, its arguments, the
exception traceback and the stack.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from cashier.private_files import create_private_file, make_private_dir
from cashier.wallets import mask_code
from cashier.weburl import hide_user_info

if TYPE_CHECKING:
    from cashier.config import Config

#: Where the log file goes instead of the platform log folder (commands and terminal alike).
LOG_DIR_ENV = "CASHIER_LOG_DIR"
LOG_FILE_NAME = "cashier.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
MASK = "********"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

#: A run of 16-24 digits not part of a longer run of digits.
_PAYMENT_CODE_RE = re.compile(r"(?<!\d)\d{16,24}(?!\d)")

_lock = threading.Lock()
_secrets: set[str] = set()
_secrets_re: re.Pattern[str] | None = None
_handler: logging.Handler | None = None
_level_before: int | None = None
_detached: list[logging.Handler] = []  # console handlers set aside while logging to the file


def register_secret(value: str | None) -> None:
    """Mask ``value`` in every log line from now on (empty values are ignored)."""
    global _secrets_re
    if value and value.strip():
        with _lock:
            _secrets.add(value)
            # Matched ignoring case: keys are accepted in lower case and upper-cased.
            alternatives = sorted(_secrets, key=len, reverse=True)
            _secrets_re = re.compile("|".join(map(re.escape, alternatives)), re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with registered secrets replaced, payment codes masked and the
    ``user:password@`` of any address hidden."""
    secrets_re = _secrets_re
    if secrets_re is not None:
        text = secrets_re.sub(MASK, text)
    return _PAYMENT_CODE_RE.sub(lambda m: mask_code(m.group(0)), hide_user_info(text))


class RedactingFilter(logging.Filter):
    """Rewrites a record in place so no handler after it sees a secret or a whole code."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the raw parts, still redacted
            message = f"{record.msg} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Creates each log file (the first and every one after a rollover) readable only by the
    account that runs the terminal."""

    def _open(self):  # type: ignore[no-untyped-def] - the stdlib's own signature
        create_private_file(self.baseFilename)
        return super()._open()


def setup_logging(
    log_dir: str | os.PathLike[str] | None = None,
    level: int | str = "INFO",
    secrets: Iterable[str | None] = (),
    *,
    max_bytes: int = MAX_BYTES,
    backup_count: int = BACKUP_COUNT,
) -> Path:
    """Send every log record (root logger) at ``level`` and above to a rotating file.

    Calling it again replaces the handler it installed before (no duplicates). Returns the path
    of the log file. Until ``stop_logging``, console handlers on the root logger are detached:
    logs belong in the file and stderr to the person at the terminal (python-escpos calls
    ``logging.basicConfig()`` on import, which would print raw ``INFO:cashier...`` lines).
    """
    global _handler, _level_before
    if log_dir is None:
        from cashier.config import default_log_dir

        log_dir = default_log_dir()
    for secret in secrets:
        register_secret(secret)
    folder = make_private_dir(Path(log_dir).expanduser())
    path = folder / LOG_FILE_NAME
    handler = PrivateRotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter())
    handler.set_name("cashier-file")
    root = logging.getLogger()
    with _lock:
        previous, _handler = _handler, handler
        if previous is None:
            _level_before = root.level
    if previous is not None:
        root.removeHandler(previous)
        previous.close()
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for console in [h for h in root.handlers if _is_console(h)]:
        root.removeHandler(console)
        _detached.append(console)
    return path


def start_logging(config: Config, *, demo: bool | None = None) -> Path:
    """How the commands and the terminal log: to the rotating file (``$CASHIER_LOG_DIR`` or the
    platform log folder) with the sign key, the merchant payment key and the store database's
    password masked, also in the
    URL-encoded forms a request line carries; in demo mode (``None``: as ``config.demo`` says)
    the simulator's keys too."""
    from urllib.parse import quote, quote_plus

    from cashier.config import database_password_forms

    o = config.ottpay
    keys = [o.sign_key, o.merchant_payment_key]
    if config.demo if demo is None else demo:
        from cashier.simulator import DEMO_MERCHANT_PAYMENT_KEY, DEMO_SIGN_KEY

        keys += [DEMO_SIGN_KEY, DEMO_MERCHANT_PAYMENT_KEY]
    secrets = [form for key in keys if key for form in (key, quote_plus(key), quote(key, safe=""))]
    # The store database's password: as written in its address, decoded and encoded.
    secrets += database_password_forms(config.store.database_url or "")
    return setup_logging(os.environ.get(LOG_DIR_ENV) or None, secrets=secrets)


def _is_console(handler: logging.Handler) -> bool:
    return type(handler) is logging.StreamHandler and \
        handler.stream in (sys.stderr, sys.__stderr__, sys.stdout, sys.__stdout__)


def stop_logging() -> None:
    """Remove and close the handler ``setup_logging`` installed and restore the root level."""
    global _handler, _level_before
    with _lock:
        handler, _handler = _handler, None
        level, _level_before = _level_before, None
    if handler is not None:
        root = logging.getLogger()
        root.removeHandler(handler)
        handler.close()
        if level is not None:
            root.setLevel(level)
    while _detached:
        logging.getLogger().addHandler(_detached.pop())
