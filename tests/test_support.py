"""cashier support-bundle: logs, settings without secrets and journal stats in one zip."""

from __future__ import annotations

import json
import logging
import re
import zipfile
from pathlib import Path

import pytest

from cashier.cli import main
from cashier.config import default_log_dir, load_config
from cashier.journal import SCHEMA_VERSION, Journal
from cashier.logsetup import LOG_FILE_NAME, setup_logging, stop_logging
from cashier.ottpay.client import OttPayClient
from cashier.payments.engine import PaymentEngine
from cashier.payments.settings import PaymentSettings
from cashier.simulator import Scenario, Simulator, demo_code
from cashier.support import build_support_bundle, journal_stats, log_files, log_folders
from cashier.wallets import Wallet

MERCHANT = "QC00005496"
SIGN_KEY = "6698851A525C9433"
PAYMENT_KEY = "Pk7/x+Y2zQ"  # the merCode of payment links: a secret too
PAID_CODE = demo_code(Scenario.INSTANT_SUCCESS)
DECLINED_CODE = demo_code(Scenario.DECLINED, Wallet.ALIPAY)
ANY_CODE = re.compile(r"(?<!\d)\d{16,24}(?!\d)")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Platform dirs (config, data, logs) inside tmp_path, so nothing of the machine leaks in."""
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    for var in ("CASHIER_CONFIG", "CASHIER_LOG_DIR"):
        monkeypatch.delenv(var, raising=False)
    assert str(default_log_dir()).startswith(str(tmp_path))
    yield tmp_path
    stop_logging()


@pytest.fixture
def config_file(home: Path) -> Path:
    path = home / "cashier.toml"
    path.write_text(
        f'[ottpay]\nmerchant_id = "{MERCHANT}"\nsign_key = "{SIGN_KEY.lower()}"\n'
        f'merchant_payment_key = "{PAYMENT_KEY}"\noperator_id = "0000020156"\n'
        f'[journal]\npath = "{home / "data" / "journal.sqlite3"}"\n', encoding="utf-8")
    return path


def take_two_payments(journal_path: Path) -> list[str]:
    """A paid and a declined sale, through the real engine and client against the simulator,
    with the log going to the platform log dir as in the app."""
    setup_logging()
    with Simulator(MERCHANT, SIGN_KEY) as sim, Journal(journal_path) as journal, \
            OttPayClient(sim.url, MERCHANT, SIGN_KEY, operator_id="0000020156") as client:
        engine = PaymentEngine(client, journal, PaymentSettings(poll_interval=0.05))
        try:
            paid = engine.pay_passive(1234, PAID_CODE)
            declined = engine.pay_passive(500, DECLINED_CODE)
        finally:
            engine.shutdown()
    assert (paid.state, declined.state) == ("paid", "declined")
    logging.getLogger("cashier.test").info("support test done")
    return [paid.order_id, declined.order_id]


def unzip(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def assert_no_secret(members: dict[str, str]) -> None:
    for name, text in members.items():
        for secret in (SIGN_KEY, PAYMENT_KEY, "Pk7%2Fx%2BY2zQ", PAID_CODE, DECLINED_CODE):
            assert secret.upper() not in text.upper(), f"{secret} in {name}"
        assert not ANY_CODE.search(text), f"a whole payment code in {name}"


def test_bundle_holds_logs_redacted_config_and_journal_stats_but_no_secret(
        config_file: Path, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(config_file)
    order_ids = take_two_payments(config.journal.path)
    log_dir = default_log_dir()
    # A raw line as an old version or a crash dump might have written it, bypassing the filter.
    (log_dir / f"{LOG_FILE_NAME}.1").write_text(
        f"raw: key {SIGN_KEY} payment key {PAYMENT_KEY} code {PAID_CODE}\n", encoding="utf-8")
    output = home / "out" / "bundle.zip"

    assert main(["--config", str(config_file), "support-bundle", "--output", str(output),
                 "--json"]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert reply["path"] == str(output) and reply["config_error"] is None

    members = unzip(output)
    assert set(members) == {"README.txt", "version.json", "config.json", "journal.json",
                            "logs/cashier.log", "logs/cashier.log.1"}
    assert_no_secret(members)
    assert "raw: key ******** payment key ******** code 1345**********0000" in \
        members["logs/cashier.log.1"]
    assert "support test done" in members["logs/cashier.log"]

    settings = json.loads(members["config.json"])
    assert settings["ottpay"]["sign_key"] == "********"
    assert settings["ottpay"]["merchant_payment_key"] == "********"
    assert settings["ottpay"]["merchant_id"] == MERCHANT and settings["demo"] is False

    stats = json.loads(members["journal.json"])["journals"][0]
    assert stats["path"] == str(config.journal.path)
    assert stats["schema_version"] == SCHEMA_VERSION
    assert stats["sales_by_state"] == {"declined": 1, "paid": 1}
    assert stats["sales_by_mode"] == {"passive": 2}
    assert stats["refunds_by_state"] == {} and stats["z_reports"] == 0
    assert stats["size_bytes"] > 0 and stats["first_sale_at"] <= stats["last_sale_at"]
    for order_id in order_ids:
        assert order_id not in members["journal.json"]

    versions = json.loads(members["version.json"])
    assert versions["packages"]["python-escpos"] and versions["python"].count(".") == 2


def test_a_broken_settings_file_still_gives_a_bundle_that_says_why(
        home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = home / "broken.toml"
    broken.write_text(f'[ottpay]\nsign_key = "{SIGN_KEY}"\nmerchant_id = 5\n', encoding="utf-8")
    output = home / "b.zip"
    assert main(["--config", str(broken), "support-bundle", "--output", str(output)]) == 0
    out = capsys.readouterr().out
    assert "could not be loaded" in out and SIGN_KEY not in out
    members = unzip(output)
    assert "merchant_id" in json.loads(members["config.json"])["error"]
    assert json.loads(members["journal.json"]) == {"journals": []}
    assert_no_secret(members)


def test_bad_output_is_refused_and_leaves_nothing(home: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["support-bundle", "--output", str(home / "bundle.txt")]) == 2
    assert ".zip" in capsys.readouterr().err
    blocker = home / "file"
    blocker.write_text("not a folder")
    assert main(["support-bundle", "--output", str(blocker / "b.zip"), "--json"]) == 2
    assert "cannot write the support bundle" in json.loads(capsys.readouterr().out)["error"]
    assert sorted(p.name for p in home.iterdir() if p.is_file()) == ["file"]


def test_journal_stats_of_a_missing_or_foreign_file(tmp_path: Path) -> None:
    assert journal_stats(tmp_path / "none.sqlite3") == {
        "path": str(tmp_path / "none.sqlite3"), "exists": False}
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    stats = journal_stats(junk)
    assert stats["exists"] and "error" in stats


def test_stats_read_a_journal_without_changing_it(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    Journal(path).close()
    before = path.read_bytes()
    stats = journal_stats(path)
    assert stats["sales_by_state"] == {} and stats["first_sale_at"] is None
    assert path.read_bytes() == before


def test_only_rotating_log_files_are_collected(tmp_path: Path) -> None:
    for name in (LOG_FILE_NAME, f"{LOG_FILE_NAME}.1", "other.txt"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in log_files([tmp_path, tmp_path / "missing"])] == [
        LOG_FILE_NAME, f"{LOG_FILE_NAME}.1"]


def test_log_folders_follow_the_commands_override(home: Path) -> None:
    other = home / "elsewhere"
    assert log_folders({"CASHIER_LOG_DIR": str(other)}) == [other, default_log_dir()]
    assert log_folders({}) == [default_log_dir()]
    setup_logging(other / "live")  # the running handler's folder is searched too
    assert log_folders({}) == [default_log_dir(), other / "live"]


def test_build_writes_exactly_the_files_given(tmp_path: Path) -> None:
    bundle = build_support_bundle(tmp_path / "b.zip", config=None, config_error="none here")
    assert bundle.members == ("README.txt", "version.json", "config.json", "journal.json")
    assert "config.json" in unzip(bundle.path)["README.txt"]


def test_an_endpoint_password_never_reaches_the_bundle(home: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    refused = home / "userinfo.toml"
    refused.write_text(f'[ottpay]\nmerchant_id = "{MERCHANT}"\nsign_key = "{SIGN_KEY}"\n'
                       'operator_id = "0000020156"\n'
                       'endpoint = "https://shop:Hunter2pw@frontapi.ottpay.com/processV2"\n',
                       encoding="utf-8")
    output = home / "b.zip"
    assert main(["--config", str(refused), "support-bundle", "--output", str(output)]) == 0
    assert "Hunter2pw" not in capsys.readouterr().out
    members = unzip(output)
    assert "user name or password" in json.loads(members["config.json"])["error"]
    assert all("Hunter2pw" not in text for text in members.values())


def test_the_store_database_password_never_reaches_the_bundle(
        config_file: Path, home: Path) -> None:
    password = "Store7pw-only-here"  # registered nowhere before this test
    with config_file.open("a", encoding="utf-8") as settings:
        settings.write(f'[store]\ndatabase_url = "postgresql://cashier:{password}@10.0.0.9/store"\n'
                       'terminal_id = "lane-1"\n')
    log_dir = default_log_dir()
    log_dir.mkdir(parents=True, exist_ok=True)
    # A raw line as a crash dump or an old version might have written it, bypassing the filter.
    (log_dir / LOG_FILE_NAME).write_text(f"store url postgresql://cashier:{password}@10.0.0.9\n",
                                         encoding="utf-8")
    output = home / "out" / "bundle.zip"
    assert main(["--config", str(config_file), "support-bundle", "--output", str(output)]) == 0
    members = unzip(output)
    assert "logs/cashier.log" in members and "10.0.0.9" in members["logs/cashier.log"]
    assert all(password not in text for text in members.values())


@pytest.mark.parametrize("password", ["Take50%off!", "s3 cret", "a%20b%zz"])
def test_a_store_password_libpq_cannot_parse_never_reaches_the_bundle(
        config_file: Path, home: Path, password: str) -> None:
    """libpq quotes such a password back in its error; the settings refuse the address without
    quoting it, and the bundle says why."""
    with config_file.open("a", encoding="utf-8") as settings:
        settings.write(f'[store]\ndatabase_url = "postgresql://cashier:{password}@10.0.0.9/store"\n'
                       'terminal_id = "lane-1"\n')
    output = home / "out" / "bundle.zip"
    assert main(["--config", str(config_file), "support-bundle", "--output", str(output)]) == 0
    members = unzip(output)
    assert "is not a valid PostgreSQL address" in json.loads(members["config.json"])["error"]
    assert all(password not in text for text in members.values())
