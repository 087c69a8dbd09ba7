"""Reading the settings file: defaults, typed values, every kind of bad file in one sentence."""


from __future__ import annotations

import dataclasses
import tomllib

import pytest

from cashier.config import (
    DEFAULT_ENDPOINT,
    Config,
    ConfigError,
    Language,
    LatePaymentPolicy,
    PrinterKind,
    ScannerKind,
    ScanSuffix,
    SignKeySource,
    config_from_dict,
    default_config_path,
    load_config,
)
from cashier.simulator.tls import TestAuthority
from tests.config.helpers import (
    KEY,
    MERCHANT,
    PAYMENT_KEY,
    SAMPLE,
    credentials,
    error_for,
    write,
)


def test_defaults_for_every_key(tmp_path):
    config = load_config(write(tmp_path, ""), env={})
    assert config.demo is True
    assert config.ottpay.endpoint == DEFAULT_ENDPOINT
    assert config.ottpay.timeout_seconds == 15.0
    assert config.ottpay.connect_timeout_seconds == 3.05
    assert config.ottpay.callback_listen is None and config.ottpay.callback_listen_address is None
    assert config.ottpay.sign_key_source is SignKeySource.FILE
    assert config.journal.path.name == "journal.sqlite3"
    assert config.payments.poll_interval_seconds == 3.0
    assert config.payments.passive_timeout_seconds == 60.0
    assert config.payments.active_timeout_seconds == 120.0
    assert config.payments.late_payment is LatePaymentPolicy.ASK
    assert isinstance(config.payments.max_amount_cents, int)
    assert config.scanner.kind is ScannerKind.NONE and config.scanner.suffix is ScanSuffix.CR
    assert config.printer.kind is PrinterKind.NONE
    assert (config.printer.width, config.printer.encoding, config.printer.auto_print) == (
        80, "gb18030", True
    )
    assert config.display.customer_display is False
    assert config.ottpay.unionpay_qr is False
    assert config.ui.language is Language.EN
    assert config == Config()


def test_full_file_is_typed(tmp_path):
    path = write(
        tmp_path,
        credentials(
            'callback_url = "https://shop.example.com/ottpay/callback"\n'
            'callback_listen = "0.0.0.0:8080"\ntimeout_seconds = 20\nterminal_no = "T1"\n'
            "unionpay_qr = true\n"
        )
        + '[journal]\npath = "data/j.sqlite3"\n'
        '[payments]\npoll_interval_seconds = 0.05\nlate_payment = "refund"\n'
        'max_amount = "5000.00"\nconfirm_above = "0"\n'
        '[shop]\nname = "Tea House"\ncurrency = "usd"\n'
        '[scanner]\nkind = "serial"\nport = "/dev/ttyACM0"\nbaudrate = 115200\nsuffix = "CRLF"\n'
        '[printer]\nkind = "network"\naddress = "192.168.1.50:9100"\nwidth = 58\n'
        '[display]\ncustomer_display = true\nscreen = 1\n'
        '[ui]\nlanguage = "zh_CN"\n',
    )
    config = load_config(path, env={})
    assert config.demo is False and config.path == path
    assert config.ottpay.merchant_id == MERCHANT and config.ottpay.sign_key == KEY
    assert config.ottpay.callback_listen_address == ("0.0.0.0", 8080)
    assert config.ottpay.timeout_seconds == 20.0
    assert config.ottpay.unionpay_qr is True
    assert isinstance(config.ottpay.timeout_seconds, float)
    assert config.journal.path == tmp_path / "data" / "j.sqlite3"
    assert config.payments.max_amount_cents == 500_000
    assert config.payments.confirm_above_cents is None  # "0": never ask
    assert config.shop.currency == "USD"
    assert config.payments.late_payment is LatePaymentPolicy.REFUND
    assert config.printer.width == 58 and config.display.screen == 1
    assert config.ui.language is Language.ZH_CN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[ottpay]\nmerchant_id = "Q123"\n', "[ottpay] merchant_id 'Q123' is not a merchant id"),
        ('[ottpay]\noperator_id = "123"\n', "[ottpay] operator_id '123' is not an operator id"),
        ("[ottpay]\noperator_id = 20156\n", '[ottpay] operator_id 20156 must be a string'),
        ('[ottpay]\nendpoint = "http://gateway.example.com/x"\n', "must use https"),
        ('[ottpay]\nendpoint = "ftp://x"\n', "is not a web address"),
        ('[ottpay]\ncallback_url = "not a url"\n', "[ottpay] callback_url"),
        ('[ottpay]\ncallback_listen = "8080"\n', "callback_listen '8080' is not host:port"),
        ('[ottpay]\ntimeout_seconds = "15"\n', "[ottpay] timeout_seconds '15' must be a number"),
        ("[ottpay]\ntimeout_seconds = -1\n", "must be more than 0"),
        ('[payments]\nmax_amount = "12.345"\n', "[payments] max_amount '12.345' is not an amount"),
        ('[payments]\nmax_amount = "-5"\n', "[payments] max_amount '-5' is not an amount"),
        ("[payments]\nmax_amount = 5000\n", 'like "5000.00"'),
        ('[payments]\nlate_payment = "never"\n', '\'never\' is not one of "ask", "refund"'),
        ('[scanner]\nkind = "bluetooth"\n', "[scanner] kind 'bluetooth' is not one of"),
        ('[scanner]\nkind = "serial"\n', "[scanner] port is missing"),
        ('[printer]\nkind = "usb"\n', "[printer] address is missing"),
        ("[printer]\nwidth = 76\n", "[printer] width 76 must be 58 or 80"),
        ('[printer]\nwidth = "80"\n', "[printer] width must be a number without quotes, like 80"),
        ('[printer]\nencoding = "klingon"\n', "[printer] encoding 'klingon'"),
        ('[printer]\nauto_print = "yes"\n', "[printer] auto_print 'yes' must be true or false"),
        ('[ottpay]\nunionpay_qr = "on"\n', "[ottpay] unionpay_qr 'on' must be true or false"),
        ('[ui]\nlanguage = "fr"\n', "[ui] language 'fr' is not one of"),
        ("ottpay = 3\n", "[ottpay] must be a table"),
        ('[ottpay]\nwappay_url = "http://mppay.example.com/wapPay"\n', "must use https"),
        ('[ottpay]\nlink_return_url = "http://shop.example.com/x"\n', "must use https"),
        ("[payments]\nlink_valid_seconds = 5\n", "between 60 seconds and 7 days"),
        ('[payments]\nlink_valid_seconds = "900"\n', "must be a number of seconds"),
        ("[payments]\nrecheck_hours = 12\n", "between 48 hours and 30 days"),
        ('[payments]\nconfirm_above = "lots"\n', "[payments] confirm_above 'lots' is not an"),
        ('[shop]\ncurrency = "dollars"\n', "[shop] currency 'DOLLARS' is not a currency code"),
    ],
)
def test_bad_values_name_file_and_key(tmp_path, text, expected):
    assert expected in error_for(tmp_path, text)


def test_a_byte_order_mark_from_windows_notepad_is_accepted(tmp_path):
    path = tmp_path / "cashier.toml"
    path.write_text(credentials(), encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    config = load_config(path, env={})
    assert config.ottpay.merchant_id == MERCHANT and config.ottpay.sign_key == KEY


def test_exact_merchant_id_message(tmp_path):
    path = write(tmp_path, '[ottpay]\nmerchant_id = "Q123"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert str(info.value) == (
        f"{path}: [ottpay] merchant_id 'Q123' is not a merchant id "
        "(two letters and eight digits, like QC00005496)."
    )


def test_http_endpoint_allowed_on_loopback(tmp_path):
    for host in ("127.0.0.1:8123", "localhost", "[::1]:9000"):
        config = load_config(write(tmp_path, f'[ottpay]\nendpoint = "http://{host}/x"\n'), env={})
        assert config.ottpay.endpoint == f"http://{host}/x"


def test_unknown_key_suggests_closest(tmp_path):
    message = error_for(tmp_path, '[ottpay]\nmerchantid = "QC00005496"\n')
    assert "[ottpay] unknown key 'merchantid' (did you mean 'merchant_id'?)" in message


def test_unknown_section_suggests_closest(tmp_path):
    message = error_for(tmp_path, "[paymnets]\n")
    assert "unknown section [paymnets] (did you mean 'payments'?)" in message


def test_broken_toml_says_the_line(tmp_path):
    message = error_for(tmp_path, '[ottpay]\nmerchant_id = "QC00005496"\nsign_key = \n')
    assert "broken TOML at line 3" in message


def test_explicit_missing_file_is_an_error(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=r"nope\.toml: no such settings file\.$"):
        load_config(missing, env={})
    with pytest.raises(ConfigError, match="no such settings file"):
        load_config(env={"CASHIER_CONFIG": str(missing)})


def test_env_variable_names_the_file(tmp_path):
    path = write(tmp_path, credentials())
    assert load_config(env={"CASHIER_CONFIG": str(path)}).ottpay.merchant_id == MERCHANT


def test_missing_default_file_is_demo_with_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert not default_config_path().exists()
    config = load_config(env={})
    assert config.demo and config.path is None and config == Config()


def test_config_from_dict_for_setup_forms():
    config = config_from_dict(
        {"ottpay": {"merchant_id": MERCHANT, "sign_key": KEY, "operator_id": "0000020156"}}
    )
    assert config.path is None and not config.demo
    with pytest.raises(ConfigError, match=r"^settings: \[ottpay\] operator_id"):
        config_from_dict({"ottpay": {"operator_id": "12"}})


def test_sample_file_loads_as_demo_defaults():
    config = load_config(SAMPLE, env={})
    assert config.demo and config == Config()


def test_sample_file_documents_every_key(tmp_path):
    """Uncommenting every `# key = value` line gives a valid file naming every known key."""
    import re

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    uncommented = [re.sub(r"^# (\w+ = )", r"\1", line) for line in lines]
    path = write(tmp_path, "\n".join(uncommented))
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    expected = {
        name: {f.metadata.get("key", f.name) for f in dataclasses.fields(section)}
        for name, section in vars(Config()).items()
        if name != "path"
    }
    assert {name: set(table) for name, table in data.items()} == expected
    authority = TestAuthority.create(tmp_path / "ca")  # the sample's ca_bundle must hold a CA
    (tmp_path / data["ottpay"]["ca_bundle"]).write_bytes(authority.ca_file.read_bytes())
    config = load_config(path, env={})
    assert not config.demo and config.ottpay.merchant_id == "QC00005496"
    for number, line in enumerate(lines):  # every key line follows a comment (or a key line)
        if re.match(r"^(# )?\w+ = ", line):
            assert lines[number - 1].startswith("#") or re.match(r"^\w+ = ", lines[number - 1])


def test_payment_link_settings_are_typed(tmp_path):
    text = credentials(
        f'merchant_payment_key = "{PAYMENT_KEY}"\n'
        'wappay_url = "https://pay.example.com/wapPay"\n'
        'link_return_url = "https://shop.example.com/thanks"\n'
        "[payments]\nlink_valid_seconds = 600\n"
    )
    config = load_config(write(tmp_path, text), env={})
    assert config.ottpay.merchant_payment_key == PAYMENT_KEY
    assert config.ottpay.wappay_url == "https://pay.example.com/wapPay"
    assert config.ottpay.link_return_url == "https://shop.example.com/thanks"
    assert config.payments.link_valid_seconds == 600.0
    defaults = Config()
    assert defaults.ottpay.merchant_payment_key is None
    assert defaults.ottpay.wappay_url == "https://mppay.ottpay.com/wapPay"
    assert defaults.payments.link_valid_seconds == 900.0


def test_reconciliation_settings_reach_the_engine(tmp_path):
    from cashier.runtime import payment_settings

    text = credentials("[payments]\nrecheck_hours = 72\nreconcile_interval_seconds = 300\n")
    config = load_config(write(tmp_path, text), env={})
    settings = payment_settings(config)
    assert settings.recheck_seconds == 72 * 3600 and settings.reconcile_interval == 300.0
    assert payment_settings(Config()).recheck_seconds == 48 * 3600


def test_ca_bundle_is_a_path_relative_to_the_file_and_must_hold_certificates(tmp_path):
    authority = TestAuthority.create(tmp_path / "ca")
    text = credentials('ca_bundle = "ca/ca.pem"\nidle_timeout_seconds = 30\n'
                       "[payments]\nmax_queries_per_sale = 25\n")
    config = load_config(write(tmp_path, text), env={})
    assert config.ottpay.ca_bundle == authority.ca_file
    assert config.ottpay.idle_timeout_seconds == 30.0
    assert config.payments.max_queries_per_sale == 25
    defaults = Config()
    assert defaults.ottpay.ca_bundle is None and defaults.ottpay.idle_timeout_seconds == 60.0
    assert defaults.payments.max_queries_per_sale == 60


@pytest.mark.parametrize(("line", "sentence"), [
    ('ca_bundle = "missing.pem"', r"\[ottpay\] ca_bundle '.*missing\.pem' does not exist; give "
     r"the PEM file of the certificate authorities to trust, or remove the line\.$"),
    ('ca_bundle = "notes.txt"', r"\[ottpay\] ca_bundle '.*notes\.txt' holds no PEM "
     r"certificates \(a file starting with -----BEGIN CERTIFICATE-----\)\.$"),
    ("idle_timeout_seconds = 0", r"\[ottpay\] idle_timeout_seconds 0 must be more than 0"),
])
def test_bad_gateway_connection_settings_get_one_sentence(tmp_path, line, sentence):
    import re

    (tmp_path / "notes.txt").write_text("not a certificate\n", encoding="utf-8")
    assert re.search(sentence, error_for(tmp_path, credentials(line + "\n")))


@pytest.mark.parametrize("value", ["0", "1001", "2.5", '"10"', "true"])
def test_query_cap_must_be_a_whole_number_in_range(tmp_path, value):
    with pytest.raises(ConfigError, match=r"\[payments\] max_queries_per_sale .* must be a whole "
                       r"number from 1 to 1000\.$"):
        load_config(write(tmp_path, credentials(f"[payments]\nmax_queries_per_sale = {value}\n")),
                    env={})


@pytest.mark.parametrize("endpoint", [
    "https://shop:Hunter2pw@frontapi.ottpay.com/processV2",
    "https://Hunter2pw@frontapi.ottpay.com/processV2",
    "http://shop:Hunter2pw@127.0.0.1:8123/processV2",
])
def test_an_endpoint_with_a_user_name_or_password_is_refused_without_showing_it(
        tmp_path, endpoint):
    message = error_for(tmp_path, credentials(f'endpoint = "{endpoint}"\n'))
    assert "must not hold a user name or password" in message and "[ottpay] endpoint" in message
    assert "Hunter2pw" not in message and "********@" in message
