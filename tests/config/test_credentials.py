"""The gateway credentials: keys never shown, keyring keys, no half-configured account."""


from __future__ import annotations

from cashier.config import (
    load_config,
    redacted_dict,
)
from cashier.secrets import MemorySecretStore
from tests.config.helpers import (
    KEY,
    KEYRING_SETTINGS,
    MERCHANT,
    PAYMENT_KEY,
    credentials,
    error_for,
    write,
)


def test_sign_key_never_in_repr_or_str(tmp_path):
    config = load_config(write(tmp_path, credentials()), env={})
    assert KEY not in repr(config) and KEY not in str(config.ottpay)


def test_lower_case_sign_key_is_upper_cased(tmp_path):
    config = load_config(write(tmp_path, credentials().replace(KEY, KEY.lower())), env={})
    assert config.ottpay.sign_key == KEY


def test_real_credentials_without_an_operator_id_are_refused_at_load(tmp_path):
    text = credentials().replace('operator_id = "0000020156"\n', "")
    message = error_for(tmp_path, text)
    assert message.endswith('[ottpay] merchant_id is set but operator_id is missing; add the '
                            'operator id OTT Pay gave you (ten digits in quotes, like '
                            '"0000020156").')
    assert load_config(write(tmp_path, ""), env={}).demo  # demo mode needs none


def test_bad_sign_key_message_hides_the_value(tmp_path):
    bad = "6698851A525C943Z"
    message = error_for(tmp_path, credentials().replace(KEY, bad))
    assert "[ottpay] sign_key is not a sign key" in message
    assert bad not in message and bad.lower() not in message
    message = error_for(tmp_path, f"[ottpay]\nsign_key = {int(KEY[:10], 16)}\n")
    assert "sign_key must be a string" in message and str(int(KEY[:10], 16)) not in message


def test_partial_credentials_say_what_is_missing(tmp_path):
    message = error_for(tmp_path, f'[ottpay]\nmerchant_id = "{MERCHANT}"\n')
    assert "merchant_id is set but sign_key is missing" in message
    message = error_for(tmp_path, f'[ottpay]\nsign_key = "{KEY}"\n')
    assert "sign_key is set but merchant_id is missing" in message and KEY not in message


def test_sign_key_from_secret_store(tmp_path):
    store = MemorySecretStore({MERCHANT: KEY.lower()})
    text = KEYRING_SETTINGS
    config = load_config(write(tmp_path, text), env={}, secret_store=store)
    assert config.ottpay.sign_key == KEY and config.demo is False


def test_keyring_problems_are_clear(tmp_path):
    text = KEYRING_SETTINGS
    message = error_for(tmp_path, text, secret_store=MemorySecretStore())
    assert f"the OS keyring has no sign key for merchant {MERCHANT}" in message
    message = error_for(
        tmp_path, text, secret_store=MemorySecretStore({MERCHANT: "not-a-key-value"})
    )
    assert "sign_key (from the OS keyring) is not a sign key" in message
    assert "not-a-key-value" not in message
    message = error_for(tmp_path, text + f'sign_key = "{KEY}"\n', secret_store=MemorySecretStore())
    assert "remove one of the two" in message and KEY not in message
    message = error_for(tmp_path, '[ottpay]\nsign_key_source = "keyring"\n')
    assert "merchant_id is missing" in message


def test_payment_key_never_in_repr_redacted_dict_or_messages(tmp_path):
    config = load_config(write(tmp_path, credentials(f'merchant_payment_key = "{PAYMENT_KEY}"\n')),
                         env={})
    assert PAYMENT_KEY not in repr(config) and PAYMENT_KEY not in str(config.ottpay)
    data = redacted_dict(config)
    assert data["ottpay"]["merchant_payment_key"] == "********"
    assert PAYMENT_KEY not in repr(data)
    bad = "has spaces " + PAYMENT_KEY
    message = error_for(tmp_path, credentials(f'merchant_payment_key = "{bad}"\n'))
    assert "merchant_payment_key is not a merchant payment key" in message
    assert PAYMENT_KEY not in message
    message = error_for(tmp_path, f"[ottpay]\nmerchant_payment_key = {12345678}\n")
    assert "merchant_payment_key must be a string" in message and "12345678" not in message


def test_payment_key_without_merchant_is_refused(tmp_path):
    message = error_for(tmp_path, f'[ottpay]\nmerchant_payment_key = "{PAYMENT_KEY}"\n')
    assert "merchant_payment_key is set but merchant_id is missing" in message
    assert PAYMENT_KEY not in message
