"""Typed settings from one TOML file, loaded once, validated with clear errors, then passed in.

    config = load_config()              # $CASHIER_CONFIG, else <config dir>/cashier.toml
    config.ottpay.merchant_id           # every value typed: cents are int, seconds float
    config.demo                         # True when no merchant credentials are configured

Every problem in the file raises ``ConfigError`` with one sentence that names the file and the key.
The sign key's value never appears in a message or a repr; use ``redacted_dict`` to show settings.
Loading registers nothing anywhere: the log's masking of the keys is ``logsetup.start_logging``.

The parts: ``paths`` (the platform's folders), ``model`` (one ``*Section`` per table of the file,
and ``Config``), ``values`` (each key's parser), ``loading`` (the file read and checked),
``credentials`` (the keyring, no half-configured account), ``saving`` (written back, or shown
redacted). Import from ``cashier.config``.
"""

from cashier.config.loading import config_from_dict, load_config
from cashier.config.model import (
    DEFAULT_CONFIRM_ABOVE_CENTS,
    DEFAULT_ENDPOINT,
    DEFAULT_LINK_VALID_SECONDS,
    DEFAULT_WAPPAY_URL,
    Config,
    ConfigError,
    DisplaySection,
    JournalSection,
    Language,
    LatePaymentPolicy,
    OttPaySection,
    PaymentsSection,
    PrinterKind,
    PrinterSection,
    ScannerKind,
    ScannerSection,
    ScanSuffix,
    ShopSection,
    SignKeySource,
    StoreSection,
    UiSection,
)
from cashier.config.paths import (
    APP_NAME,
    CONFIG_ENV,
    CONFIG_FILE_NAME,
    JOURNAL_FILE_NAME,
    default_config_dir,
    default_config_path,
    default_data_dir,
    default_journal_path,
    default_log_dir,
)
from cashier.config.saving import (
    REDACTED,
    config_to_dict,
    database_password_forms,
    database_url_with_password,
    database_url_without_password,
    redacted_dict,
    save_config,
    shown_database_url,
)

__all__ = [
    "APP_NAME", "CONFIG_ENV", "CONFIG_FILE_NAME", "DEFAULT_CONFIRM_ABOVE_CENTS",
    "DEFAULT_ENDPOINT", "DEFAULT_LINK_VALID_SECONDS", "DEFAULT_WAPPAY_URL", "JOURNAL_FILE_NAME",
    "REDACTED", "Config", "ConfigError", "DisplaySection", "JournalSection", "Language",
    "LatePaymentPolicy", "OttPaySection", "PaymentsSection", "PrinterKind", "PrinterSection",
    "ScanSuffix", "ScannerKind", "ScannerSection", "ShopSection", "SignKeySource", "StoreSection",
    "UiSection",
    "config_from_dict", "config_to_dict", "default_config_dir", "default_config_path",
    "default_data_dir", "default_journal_path", "default_log_dir", "load_config",
    "redacted_dict", "save_config", "shown_database_url",
    "database_password_forms", "database_url_with_password", "database_url_without_password",
]
