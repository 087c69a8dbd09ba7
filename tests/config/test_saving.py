"""Settings written back and shown redacted; the keys masked in the log once logging starts."""


from __future__ import annotations

import os
import stat
import tomllib

from cashier.config import (
    Config,
    load_config,
    redacted_dict,
    save_config,
)
from cashier.secrets import MemorySecretStore
from tests.config.helpers import (
    KEY,
    KEYRING_SETTINGS,
    MERCHANT,
    PAYMENT_KEY,
    credentials,
    write,
)


def test_save_then_load_round_trip(tmp_path):
    original = load_config(
        write(
            tmp_path,
            credentials('callback_listen = "127.0.0.1:0"\n')
            + '[payments]\nmax_amount = "5000.00"\npoll_interval_seconds = 0.05\n'
            '[scanner]\nkind = "wedge"\nwedge_prefix = "\\u0002"\nwedge_suffix = "\\r"\n'
            '[printer]\nkind = "file"\naddress = "/dev/usb/lp0"\nlogo = "logo.png"\n'
            '[display]\nscreen = "HDMI-1"\n[shop]\nname = "茶馆"\n',
        ),
        env={},
    )
    target = tmp_path / "out" / "saved.toml"
    assert save_config(original, target) == target
    again = load_config(target, env={})
    assert again == original
    assert again.scanner.wedge_prefix == "\x02" and again.shop.name == "茶馆"
    assert tomllib.loads(target.read_text(encoding="utf-8"))["ottpay"]["sign_key"] == KEY
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["saved.toml"]  # no temp file left


def test_save_defaults_round_trip(tmp_path):
    target = save_config(Config(), tmp_path / "c.toml")
    assert load_config(target, env={}) == Config()


def test_keyring_sign_key_is_not_written(tmp_path):
    store = MemorySecretStore({MERCHANT: KEY})
    text = KEYRING_SETTINGS
    config = load_config(write(tmp_path, text), env={}, secret_store=store)
    target = save_config(config, tmp_path / "saved.toml")
    assert KEY not in target.read_text(encoding="utf-8")
    assert load_config(target, env={}, secret_store=store) == config


def test_save_replaces_existing_file_atomically(tmp_path):
    target = write(tmp_path, "old = garbage")
    save_config(Config(), target)
    assert load_config(target, env={}) == Config()


def test_redacted_dict_hides_sign_key(tmp_path):
    config = load_config(write(tmp_path, credentials()), env={})
    data = redacted_dict(config)
    assert data["ottpay"]["sign_key"] == "********"
    assert data["ottpay"]["merchant_id"] == MERCHANT
    assert data["ottpay"]["sign_key_source"] == "file"
    assert data["demo"] is False and data["path"] == str(config.path)
    assert KEY not in repr(data)


def test_redacted_dict_hides_keyring_key_too(tmp_path):
    store = MemorySecretStore({MERCHANT: KEY})
    text = KEYRING_SETTINGS
    data = redacted_dict(load_config(write(tmp_path, text), env={}, secret_store=store))
    assert data["ottpay"]["sign_key"] == "********" and KEY not in repr(data)


def test_payment_key_saved_unless_secrets_left_out(tmp_path):
    from cashier.config import config_to_dict

    config = load_config(write(tmp_path, credentials(f'merchant_payment_key = "{PAYMENT_KEY}"\n')),
                         env={})
    target = save_config(config, tmp_path / "saved.toml")
    assert load_config(target, env={}) == config
    assert "merchant_payment_key" not in config_to_dict(config, include_sign_key=False)["ottpay"]


def test_payment_key_is_masked_in_logs_also_url_encoded(tmp_path, monkeypatch):
    import logging
    from urllib.parse import quote_plus

    from cashier.logsetup import LOG_DIR_ENV, LOG_FILE_NAME, start_logging, stop_logging

    logs = tmp_path / "logs"
    monkeypatch.setenv(LOG_DIR_ENV, str(logs))
    config = load_config(write(tmp_path, credentials(f'merchant_payment_key = "{PAYMENT_KEY}"\n')),
                         env={})
    start_logging(config)
    try:
        logging.getLogger("cashier.test").warning(
            "link ?merCode=%s raw %s", quote_plus(PAYMENT_KEY), PAYMENT_KEY
        )
    finally:
        stop_logging()
    text = (logs / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "link ?merCode=******** raw ********" in text
    assert PAYMENT_KEY not in text and quote_plus(PAYMENT_KEY) not in text
