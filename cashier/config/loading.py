"""Reading the settings file: TOML parsed, every table and key checked, credentials
resolved, one ``Config`` back or one ``ConfigError`` sentence."""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cashier.config.credentials import resolve_credentials, resolve_store_password
from cashier.config.model import (
    SECTIONS,
    Config,
    ConfigError,
    PrinterKind,
    PrinterSection,
    ScannerKind,
    ScannerSection,
    StoreSection,
    toml_key,
)
from cashier.config.paths import CONFIG_ENV, default_config_path
from cashier.config.values import PARSERS
from cashier.secrets import SecretStore


def load_config(
    path: str | os.PathLike[str] | None = None,
    *,
    secret_store: SecretStore | None = None,
    env: Mapping[str, str] = os.environ,
) -> Config:
    """Read the settings file: ``path``, else ``$CASHIER_CONFIG``, else the platform default.

    A file named explicitly (argument or environment) must exist; a missing default file means
    demo mode with defaults. ``secret_store`` is asked for the sign key when
    ``sign_key_source = "keyring"`` (default: the OS keyring).
    """
    chosen = path if path is not None else (env.get(CONFIG_ENV) or None)
    if chosen is None:
        file = default_config_path()
        if not file.exists():
            return Config()
    else:
        file = Path(chosen).expanduser()
    try:
        # utf-8-sig: Windows Notepad may start the file with a byte-order mark.
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{file}: no such settings file.") from None
    except IsADirectoryError:
        raise ConfigError(f"{file}: is a folder, not a settings file.") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{file}: is not a UTF-8 text file.") from None
    except OSError as exc:
        raise ConfigError(f"{file}: cannot be read ({exc.strerror}).") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: broken TOML {_decode_error_place(exc)}.") from None
    return config_from_dict(data, source=file, secret_store=secret_store)


def config_from_dict(
    data: Mapping[str, Any],
    *,
    source: str | os.PathLike[str] | None = None,
    secret_store: SecretStore | None = None,
) -> Config:
    """Validate settings shaped like the TOML file (e.g. from a first-run setup form).

    ``source`` names the origin in error messages and becomes ``Config.path`` when it is a file.
    """
    where = str(source) if source is not None else "settings"
    base = Path(source).parent if source is not None else None
    for name in data:
        if name not in SECTIONS:
            raise ConfigError(f"{where}: unknown section [{name}]{_suggest(name, SECTIONS)}.")
    sections: dict[str, Any] = {}
    for name, cls in SECTIONS.items():
        table = data.get(name, {})
        if not isinstance(table, Mapping):
            raise ConfigError(f"{where}: [{name}] must be a table of settings, not a single value.")
        sections[name] = _parse_section(where, name, cls, table, base)
    _check_devices(where, sections["scanner"], sections["printer"])
    _check_store(where, sections["store"])
    sections["store"] = resolve_store_password(where, sections["store"], secret_store)
    ottpay = resolve_credentials(where, sections["ottpay"], secret_store)
    sections["ottpay"] = ottpay
    return Config(**sections, path=Path(source) if source is not None else None)


def _decode_error_place(exc: tomllib.TOMLDecodeError) -> str:
    message = str(exc)
    found = re.search(r"\(at line (\d+), column (\d+)\)", message)
    reason = re.sub(r"\s*\(at .*?\)$", "", message).strip().rstrip(".").lower() or "error"
    if found:
        return f"at line {found.group(1)}, column {found.group(2)}: {reason}"
    return f"({reason})"


def _suggest(word: str, known: Mapping[str, Any] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (known: {', '.join(known)})"


def _parse_section(
    where: str, section: str, cls: type, table: Mapping[str, Any], base: Path | None
) -> Any:
    fields = {toml_key(f): f for f in dataclasses.fields(cls)}
    for key in table:
        if key not in fields:
            raise ConfigError(
                f"{where}: [{section}] unknown key '{key}'{_suggest(key, list(fields))}."
            )
    values: dict[str, Any] = {}
    for key, f in fields.items():
        if key in table:
            label = f"{where}: [{section}] {key}"
            values[f.name] = PARSERS[(section, key)](label, table[key], base)
    return cls(**values)


# --- value parsers: (label, raw value, folder of the file) -> typed value --------------------


_PRINTER_ADDRESS_EXAMPLES = {
    PrinterKind.USB: '"0416:5011" (USB vendor:product id)',
    PrinterKind.SERIAL: '"/dev/ttyUSB0" or "COM3"',
    PrinterKind.NETWORK: '"192.168.1.50" or "192.168.1.50:9100"',
    PrinterKind.FILE: '"/dev/usb/lp0"',
}


def _check_store(where: str, store: StoreSection) -> None:
    if store.enabled and store.terminal_id is None:
        raise ConfigError(f"{where}: [store] terminal_id is missing; each lane sharing the store "
                          'database needs its own, like "lane-1".')
    if not store.enabled and store.terminal_id is not None:
        raise ConfigError(f"{where}: [store] terminal_id is set but database_url is missing; add "
                          "the store database's address (or remove the [store] section).")


def _check_devices(where: str, scanner: ScannerSection, printer: PrinterSection) -> None:
    if scanner.kind is ScannerKind.SERIAL and scanner.port is None:
        raise ConfigError(
            f'{where}: [scanner] port is missing; kind "serial" needs a port, like "/dev/ttyACM0", '
            '"COM3" or "1EAB:0D10".'
        )
    example = _PRINTER_ADDRESS_EXAMPLES.get(printer.kind)
    if example is not None and printer.address is None:
        raise ConfigError(
            f'{where}: [printer] address is missing; kind "{printer.kind}" needs one, like '
            f"{example}."
        )
