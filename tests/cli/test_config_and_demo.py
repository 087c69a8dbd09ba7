"""Settings errors, ``cashier config show`` / ``set-key``, and demo mode across processes."""

from __future__ import annotations

import io
import json

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyrings.alt.file import PlaintextKeyring

from cashier.simulator import DEMO_SIGN_KEY
from tests.cli.conftest import WECHAT, Cli


@pytest.mark.parametrize(("text", "key"), [
    ('[payments]\npoll_interval_seconds = "fast"\n', "poll_interval_seconds"),
    ("[payments]\npol_interval_seconds = 1\n", "pol_interval_seconds"),
    ('[ottpay]\nmerchant_id = "Q123"\nsign_key = "0123456789ABCDEF"\n', "merchant_id"),
    ('[ottpay]\nmerchant_id = "QC00005496"\nsign_key = "xyz"\n', "sign_key"),
    ("[ottpay\n", "line 1"),
])
def test_broken_settings_file_exits_2_naming_file_and_key(make_cli, tmp_path, text, key):
    cashier = make_cli(None)
    cashier.config.write_text(text, encoding="utf-8")
    result = cashier("pay", "10", "--code", WECHAT + "0000")
    assert result.code == 2
    [line] = result.err.strip().splitlines()
    assert str(cashier.config) in line and key in line
    assert "xyz" not in line or key != "sign_key"
    as_json = cashier("history", "--json")
    assert as_json.code == 2
    assert as_json.json() == {"error": line.removeprefix("cashier: "), "exit_code": 2}


def test_missing_settings_file_exits_2(make_cli, tmp_path, capsys):
    cashier = Cli(tmp_path / "nope.toml", tmp_path, capsys)
    result = cashier("rate")
    assert result.code == 2 and "nope.toml" in result.err


def test_settings_file_from_the_environment(cashier, sim, monkeypatch, capsys):
    from cashier import cli

    monkeypatch.setenv("CASHIER_CONFIG", str(cashier.config))
    capsys.readouterr()
    assert cli.main(["rate", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["currency"] == "CAD"
    assert len(sim.requests(action="EX_RATE_QUERY")) == 1


def test_config_show_hides_the_sign_key(cashier):
    shown = cashier("config", "show")
    assert shown.code == 0
    assert DEMO_SIGN_KEY not in shown.out and "********" in shown.out
    assert "merchant_id = \"QC00005496\"" in shown.out
    data = cashier("config", "show", "--json").json()
    assert data["ottpay"]["sign_key"] == "********" and data["demo"] is False


class DictKeyring(KeyringBackend):
    """An in-memory keyring backend standing in for the OS keyring (Secret Service, Windows
    Credential Manager...), which a test machine may not have."""

    priority = 1  # type: ignore[assignment]
    name = "test keyring"

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def os_keyring():
    backend = DictKeyring()
    before = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def plaintext_keyring(tmp_path):
    """What the keyring library falls back to on a machine without a keyring service when
    keyrings.alt is installed: a plain-text file."""
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring.cfg")
    before = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def test_config_set_key_stores_the_key_in_the_keyring(make_cli, tmp_path, monkeypatch,
                                                     os_keyring):
    cashier = make_cli(None)
    cashier.config.write_text('[ottpay]\nmerchant_id = "QC00001234"\n'
                              'operator_id = "0000020156"\nsign_key_source = "keyring"\n',
                              encoding="utf-8")
    assert cashier("config", "show").code == 2  # no key in the keyring yet
    monkeypatch.setattr("sys.stdin", io.StringIO("89abcdef01234567\n"))
    result = cashier("config", "set-key", "--json")
    assert result.code == 0, result.err
    assert result.json() == {"merchant_id": "QC00001234", "store": "keyring",
                             "keyring": "test keyring", "stored": True, "exit_code": 0}
    assert "89ABCDEF01234567" not in result.out + result.err
    assert os_keyring.get_password("cashier", "QC00001234") == "89ABCDEF01234567"
    shown = cashier("config", "show", "--json").json()  # the file loads now
    assert shown["ottpay"]["merchant_id"] == "QC00001234" and shown["demo"] is False


def test_a_plain_text_keyring_is_never_called_the_os_keyring(make_cli, tmp_path, monkeypatch,
                                                            plaintext_keyring):
    cashier = make_cli(None)
    cashier.config.write_text('[ottpay]\nmerchant_id = "QC00001234"\n'
                              'operator_id = "0000020156"\nsign_key_source = "keyring"\n',
                              encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("89abcdef01234567\n"))
    result = cashier("config", "set-key")
    assert result.code == 2 and result.out == ""  # a settings problem, per the exit-code table
    assert result.err.strip() == (
        "cashier: The sign key was not stored: no OS keyring is available on this computer "
        "(PlaintextKeyring, a plain-text file); keep it in the settings file instead (sign_key, "
        "saved readable only by you).")
    assert not (tmp_path / "keyring.cfg").exists()
    shown = cashier("config", "show")
    assert shown.code == 2 and "no OS keyring is available on this computer" in shown.err


def test_config_set_store_password_keeps_it_in_the_keyring(make_cli, monkeypatch, os_keyring):
    cashier = make_cli(None)
    cashier.config.write_text('[store]\ndatabase_url = "postgresql://cashier@db.lan/store"\n'
                              'terminal_id = "lane-1"\npassword_source = "keyring"\n',
                              encoding="utf-8")
    shown = cashier("config", "show")
    assert shown.code == 2 and "has no password for cashier@db.lan" in shown.err
    monkeypatch.setattr("sys.stdin", io.StringIO("Pa55 w0rd\n"))
    result = cashier("config", "set-store-password", "--json")
    assert result.code == 0, result.err
    assert result.json() == {"stored": True, "account": "cashier@db.lan",
                             "keyring": "test keyring", "exit_code": 0}
    assert os_keyring.get_password("cashier", "store:cashier@db.lan") == "Pa55 w0rd"
    shown = cashier("config", "show", "--json")
    assert shown.json()["store"]["database_url"] == "postgresql://cashier:********@db.lan/store"
    assert "Pa55" not in shown.out + result.out + result.err


@pytest.mark.parametrize(("command", "says"), [
    ("set-store-password", "cashier: The password was not stored: no OS keyring is available "
     "on this computer (Keyring); keep it in database_url instead (the settings file is "
     "readable only by you)."),
    ("set-key", "cashier: The sign key was not stored: no OS keyring is available on this "
     "computer (Keyring); keep it in the settings file instead (sign_key, saved readable only "
     "by you)."),
])
def test_without_a_keyring_nothing_is_asked_and_the_exit_code_is_a_settings_one(
        make_cli, command, says):
    """A real process whose keyring library has no keyring, stdin at end of file: the missing
    keyring is named before any secret is read (there is none to read), with exit code 2."""
    cashier = make_cli(None)
    cashier.config.write_text('[ottpay]\nmerchant_id = "QC00001234"\n'
                              '[store]\ndatabase_url = "postgresql://cashier@db.lan/store"\n'
                              'terminal_id = "lane-1"\n', encoding="utf-8")
    result = cashier.run("config", command, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    assert (result.code, result.out, result.err.strip()) == (2, "", says)


def test_config_set_key_refuses_a_bad_key(make_cli, monkeypatch, os_keyring):
    cashier = make_cli(None)
    monkeypatch.setattr("sys.stdin", io.StringIO("not-a-key\n"))
    result = cashier("config", "set-key", "--merchant-id", "QC00001234")
    assert result.code == 2 and "not-a-key" not in result.err
    assert os_keyring.get_password("cashier", "QC00001234") is None


def test_demo_mode_across_processes(make_cli, tmp_path):
    """No credentials: each command embeds the simulator, whose order book persists."""
    # A fresh process with a journal that syncs each write: on a loaded machine the test
    # settings' 1 s for the whole payment is not a deadline it can be sure to meet.
    cashier = make_cli(None, credentials=False, passive_timeout_seconds=30)
    paid = cashier.run("pay", "6.66", "--code", WECHAT + "1111", "--json")
    assert paid.code == 0, paid.err
    assert "demo mode" in paid.err
    order_id = paid.json()["sale"]["order_id"]  # stdout is just the JSON object
    assert (tmp_path / "demo" / "journal.sqlite3").exists()
    assert not (tmp_path / "journal.sqlite3").exists()  # the real journal is untouched
    status = cashier.run("status", order_id, "--json")
    assert status.code == 0, status.err
    assert status.json()["gateway"]["order_status"] == "success"  # a later process knows it
    refund = cashier.run("refund", order_id, "1", "--json")
    assert refund.code == 0 and refund.json()["sale"]["state"] == "partially_refunded"
    human = cashier.run("history")
    assert human.code == 0 and "demo mode" in human.err and order_id in human.out


def test_a_broken_demo_simulator_state_exits_2_naming_the_file(make_cli, tmp_path):
    cashier = make_cli(None, credentials=False)
    state = tmp_path / "demo" / "simulator.json"
    state.parent.mkdir()
    state.write_text("{garbage", encoding="utf-8")
    result = cashier("rate", "--json")
    assert result.code == 2
    assert str(state) in result.json()["error"]


def test_config_show_refuses_an_endpoint_password_without_showing_it(make_cli, sim):
    cli = make_cli(sim)
    text = cli.config.read_text().replace(sim.url, sim.url.replace("//", "//shop:Hunter2pw@"))
    cli.config.write_text(text)
    for args in (("config", "show"), ("config", "show", "--json")):
        shown = cli(*args)
        assert shown.code == 2
        assert "user name or password" in shown.out + shown.err
        assert "Hunter2pw" not in shown.out + shown.err
