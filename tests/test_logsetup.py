"""Log files: rotation, no duplicate handlers, sign keys and payment codes never written."""

from __future__ import annotations

import logging
import logging.handlers
import sys

import pytest

from cashier.config import load_config
from cashier.logsetup import (
    LOG_DIR_ENV,
    LOG_FILE_NAME,
    redact,
    register_secret,
    setup_logging,
    start_logging,
    stop_logging,
)

SIGN_KEY = "6698851A525C9433"
CODE = "134567890123451111"  # an 18-digit WeChat Pay code
MASKED = "1345**********1111"


@pytest.fixture
def log_dir(tmp_path):
    yield tmp_path / "logs"
    stop_logging()


def read_logs(folder) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob(LOG_FILE_NAME + "*")))


def test_secret_and_code_never_reach_the_file(log_dir):
    path = setup_logging(log_dir, secrets=[SIGN_KEY])
    assert path == log_dir / LOG_FILE_NAME
    log = logging.getLogger("cashier.test")
    log.info("plain %s and args %s / %r", f"key={SIGN_KEY}", CODE, {"auth_code": CODE})
    mixed_case = SIGN_KEY[:8].lower() + SIGN_KEY[8:]
    log.warning(f"f-string key {SIGN_KEY.lower()} code {CODE} mixed {mixed_case}")
    try:
        raise RuntimeError(f"gateway said no to {CODE} signed with {SIGN_KEY}")
    except RuntimeError:
        log.exception("payment failed")
    text = read_logs(log_dir)
    assert SIGN_KEY not in text.upper()
    assert CODE not in text
    assert text.count(MASKED) == 4
    assert "key=******** and args" in text and "mixed ********\n" in text
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: gateway said no to 1345**********1111 signed with ********" in text


def test_secret_registered_later_and_by_start_logging(log_dir, tmp_path, monkeypatch):
    """Loading the settings registers nothing; starting the log with them masks their keys."""
    setup_logging(log_dir)
    late_key = "FEDCBA9876543210"
    register_secret(late_key)
    config_file = tmp_path / "cashier.toml"
    config_file.write_text('[ottpay]\nmerchant_id = "QC00005496"\noperator_id = "0000020156"\n'
                           'sign_key = "a1b2c3d4e5f6a7b8"\n')
    config = load_config(config_file, env={})
    monkeypatch.setenv(LOG_DIR_ENV, str(log_dir))
    start_logging(config)
    log = logging.getLogger("cashier")
    log.error("keys %s %s %s", late_key, "A1B2C3D4E5F6A7B8", "a1b2c3d4e5f6a7b8")
    text = read_logs(log_dir)
    assert late_key not in text and "A1B2C3D4E5F6A7B8" not in text
    assert "a1b2c3d4e5f6a7b8" not in text
    assert "keys ******** ******** ********" in text


def test_codes_of_every_length_masked_other_numbers_kept(log_dir):
    setup_logging(log_dir)
    alipay = "2812345678901234"  # 16 digits
    long_alipay = "281234567890123456789012"  # 24 digits
    logging.getLogger("cashier").info(
        "codes %s %s unionpay=6212345678901234567 time 20261123145700 amount 100 "
        "bizpay AL5599135482523381 too long 1234567890123456789012345",
        alipay,
        long_alipay,
    )
    text = read_logs(log_dir)
    assert "2812********1234" in text and "2812****************9012" in text
    assert "unionpay=6212***********4567" in text
    assert "time 20261123145700 amount 100" in text  # 14 digits is not a code
    assert "bizpay AL5599********3381" in text  # a run of 16 digits is masked even after letters
    assert "1234567890123456789012345" in text  # 25 digits is not a code


def test_setup_twice_adds_no_duplicate_handler(log_dir):
    setup_logging(log_dir)
    setup_logging(log_dir, level="DEBUG")
    handlers = logging.getLogger().handlers
    ours = [h for h in handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert len(ours) == 1
    assert logging.getLogger().level == logging.DEBUG
    logging.getLogger("cashier").debug("only once")
    assert read_logs(log_dir).count("only once") == 1


def test_rotation_at_size_limit(log_dir):
    setup_logging(log_dir, max_bytes=2_000, backup_count=2)
    log = logging.getLogger("cashier.rotation")
    for i in range(200):
        log.info("line %03d %s", i, "x" * 40)
    names = sorted(p.name for p in log_dir.iterdir())
    assert names == [LOG_FILE_NAME, LOG_FILE_NAME + ".1", LOG_FILE_NAME + ".2"]
    for p in log_dir.iterdir():
        assert p.stat().st_size <= 2_000
    assert "line 199" in (log_dir / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "line 000" not in read_logs(log_dir)  # oldest rotated away


def test_stop_restores_root_level(tmp_path):
    root = logging.getLogger()
    before = root.level
    setup_logging(tmp_path, level="DEBUG")
    setup_logging(tmp_path, level="ERROR")
    stop_logging()
    assert root.level == before
    assert not [h for h in root.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]


def test_default_dir_is_platform_log_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    try:
        path = setup_logging()
        assert str(path).startswith(str(tmp_path)) and path.name == LOG_FILE_NAME
    finally:
        stop_logging()


def test_console_handlers_are_set_aside_while_logging_to_the_file(log_dir, capsys):
    """python-escpos calls logging.basicConfig() on import: without this, every INFO record
    also reached stderr as a raw 'INFO:cashier.runtime:...' line."""
    root = logging.getLogger()
    console = logging.StreamHandler(sys.stderr)  # what basicConfig() adds
    root.addHandler(console)
    try:
        path = setup_logging(log_dir)
        logging.getLogger("cashier.runtime").info("runtime open: demo")
        stop_logging()
        assert capsys.readouterr().err == ""
        assert "runtime open: demo" in path.read_text(encoding="utf-8")
        assert console in root.handlers  # given back afterwards
    finally:
        root.removeHandler(console)


def test_redact_hides_the_password_of_an_address():
    text = redact("runtime open: https://shop:Hunter2pw@frontapi.ottpay.com/processV2")
    assert "Hunter2pw" not in text and "shop" not in text
    assert "https://********@frontapi.ottpay.com/processV2" in text
