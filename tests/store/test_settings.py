"""``[store]`` settings: typed, checked with one sentence, the password never shown."""

from __future__ import annotations

import pytest

from cashier.config import (
    Config,
    ConfigError,
    config_from_dict,
    load_config,
    redacted_dict,
    save_config,
)

URL = "postgresql://cashier:Pa55-w0rd@db.shop.lan:5432/store"


def store(**table: object) -> Config:
    return config_from_dict({"store": table})


def test_no_store_section_is_a_lane_on_its_own():
    assert not Config().store.enabled


def test_a_lane_of_a_store_has_an_address_an_id_and_a_name():
    config = store(database_url=URL, terminal_id="lane-1", terminal_name="Front counter")
    assert config.store.enabled
    assert (config.store.terminal_id, config.store.terminal_name) == ("lane-1", "Front counter")


@pytest.mark.parametrize("table, says", [
    ({"database_url": URL}, r"\[store\] terminal_id is missing"),
    ({"terminal_id": "lane-1"}, r"\[store\] terminal_id is set but database_url is missing"),
    ({"database_url": "mysql://db/store", "terminal_id": "a"}, "must be a PostgreSQL address"),
    ({"database_url": "postgresql://db:port/store", "terminal_id": "a"}, "not a valid address"),
    ({"database_url": "postgresql://db/store?password=x", "terminal_id": "a"},
     "password in its query"),
    ({"database_url": URL, "terminal_id": "lane 1"}, "1 to 32 letters"),
    ({"database_url": 5, "terminal_id": "a"}, "must be a string"),
])
def test_bad_store_settings_get_one_sentence(table, says):
    with pytest.raises(ConfigError, match=says) as caught:
        store(**table)
    assert "Pa55-w0rd" not in str(caught.value)
    assert str(caught.value).endswith(".")


def test_the_password_is_never_shown(tmp_path):
    config = store(database_url=URL, terminal_id="lane-1")
    shown = redacted_dict(config)
    assert shown["store"]["database_url"] == \
        "postgresql://cashier:********@db.shop.lan:5432/store"
    assert "Pa55-w0rd" not in repr(shown) and "Pa55-w0rd" not in repr(config)


def test_store_settings_survive_saving(tmp_path):
    config = store(database_url=URL, terminal_id="lane-1", terminal_name="Front")
    again = load_config(save_config(config, tmp_path / "c.toml"), env={})
    assert again.store == config.store


def test_the_password_is_masked_in_the_log(tmp_path, monkeypatch):
    import logging

    from cashier.logsetup import LOG_DIR_ENV, start_logging, stop_logging

    monkeypatch.setenv(LOG_DIR_ENV, str(tmp_path))
    path = start_logging(store(database_url=URL, terminal_id="lane-1"))
    try:
        logging.getLogger("cashier.store").warning("the server said: bad password Pa55-w0rd")
    finally:
        stop_logging()
    text = path.read_text(encoding="utf-8")
    assert "the server said: bad password ********" in text
    assert "Pa55-w0rd" not in text


def test_a_password_in_the_keyring_is_put_into_the_address_and_never_saved(tmp_path):
    from cashier.secrets import MemorySecretStore

    keeper = MemorySecretStore()
    keeper.set_store_password("cashier@db.shop.lan", "p@ss/word")
    table = {"store": {"database_url": "postgresql://cashier@db.shop.lan:5432/store",
                       "terminal_id": "lane-1", "password_source": "keyring"}}
    config = config_from_dict(table, secret_store=keeper)
    assert config.store.database_url == "postgresql://cashier:p%40ss%2Fword@db.shop.lan:5432/store"
    assert config.store.password == "p@ss/word"
    saved = save_config(config, tmp_path / "c.toml").read_text(encoding="utf-8")
    assert "p%40ss" not in saved and "postgresql://cashier@db.shop.lan:5432/store" in saved
    assert load_config(tmp_path / "c.toml", env={}, secret_store=keeper).store == config.store
    with pytest.raises(ConfigError, match="has no password for cashier@db.shop.lan; store it"):
        config_from_dict(table, secret_store=MemorySecretStore())
    table["store"]["database_url"] = URL
    with pytest.raises(ConfigError, match="holds a password although password_source"):
        config_from_dict(table, secret_store=keeper)


#: Passwords libpq cannot parse in an address, and quotes back in its error: a bad percent
#: escape, a space, mixed good and bad escapes.
UNPARSEABLE_PASSWORDS = ["Take50%off!", "s3 cret", "a%20b%zz"]


@pytest.mark.parametrize("password", UNPARSEABLE_PASSWORDS)
def test_an_address_libpq_cannot_parse_is_refused_without_quoting_it(password):
    url = f"postgresql://lane:{password}@db.shop.lan:5432/store"
    from urllib.parse import quote

    refusal = "is not a valid PostgreSQL address .*percent-encoded"
    with pytest.raises(ConfigError, match=refusal) as caught:
        store(database_url=url, terminal_id="lane-1")
    assert password not in str(caught.value) and "db.shop.lan" not in str(caught.value)
    encoded = store(database_url=url.replace(password, quote(password, safe="")),
                    terminal_id="lane-1")
    assert encoded.store.password == password  # percent-encoded, the same password works


@pytest.mark.parametrize("password", UNPARSEABLE_PASSWORDS)
def test_no_store_sentence_carries_the_password_whatever_the_driver_says(password):
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    from cashier.store import central

    url = f"postgresql://lane:{password}@127.0.0.1:1/store"
    problem = central.connection_problem(url)
    assert problem is not None and "is not a valid PostgreSQL address" in problem
    assert password not in problem
    with pytest.raises(psycopg.Error) as driver:  # libpq's own sentence quotes the address
        conninfo_to_dict(url)
    said = central.reason(driver.value, url)
    assert password not in said and url not in said
    assert "lane" not in central.reason(psycopg.Error(f"missing something in {url}"), url)


@pytest.mark.parametrize("password", UNPARSEABLE_PASSWORDS)
def test_every_form_of_the_password_is_masked_in_the_log(tmp_path, monkeypatch, password):
    import logging
    from urllib.parse import quote, quote_plus, unquote

    from cashier.config import StoreSection
    from cashier.logsetup import LOG_DIR_ENV, start_logging, stop_logging

    monkeypatch.setenv(LOG_DIR_ENV, str(tmp_path))
    # Not through the settings' parser, which refuses such an address: the log masks it anyway.
    section = StoreSection(database_url=f"postgresql://lane:{password}@db/store",
                           terminal_id="lane-1")
    forms = {password, unquote(password), quote(unquote(password), safe=""),
             quote_plus(unquote(password))}
    path = start_logging(Config(store=section))
    try:
        for form in forms:
            logging.getLogger("cashier.store").warning('the driver said: "%s"', form)
    finally:
        stop_logging()
    text = path.read_text(encoding="utf-8")
    assert text.count('the driver said: "********"') == len(forms)
    assert all(form not in text for form in forms)
