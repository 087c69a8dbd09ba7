"""What the settings tests share: the credentials they write and how a refusal reads."""


from __future__ import annotations

from pathlib import Path

import pytest

from cashier.config import (
    ConfigError,
    load_config,
)

KEY = "6698851A525C9433"
MERCHANT = "QC00005496"
PAYMENT_KEY = "Zq9+Pay/Key=42"  # a merCode with characters URL encoding changes
SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "cashier.sample.toml"
KEYRING_SETTINGS = (f'[ottpay]\nmerchant_id = "{MERCHANT}"\noperator_id = "0000020156"\n'
                    'sign_key_source = "keyring"\n')


def write(tmp_path: Path, text: str, name: str = "cashier.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def credentials(extra: str = "") -> str:
    return (
        f'[ottpay]\nmerchant_id = "{MERCHANT}"\noperator_id = "0000020156"\n'
        f'sign_key = "{KEY}"\n{extra}'
    )


def error_for(tmp_path: Path, text: str, **kwargs) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, env={}, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    assert message.count(". ") == 0 and message.endswith("."), f"not one sentence: {message}"
    return message
