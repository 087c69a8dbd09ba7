"""The sign-key stores: the in-memory one and the OS-keyring one on real keyring backends."""

from __future__ import annotations

import pytest
from keyring.backends import fail, null
from keyrings.alt.file import PlaintextKeyring

from cashier.config import ConfigError, load_config
from cashier.secrets import (
    KEYRING_SERVICE,
    KeyringSecretStore,
    MemorySecretStore,
    SecretStore,
    SecretStoreError,
    os_keyring_problem,
)

KEY = "0123456789ABCDEF"
MERCHANT = "QC00005496"
KEYRING_SETTINGS = (f'[ottpay]\nmerchant_id = "{MERCHANT}"\noperator_id = "0000020156"\n'
                    'sign_key_source = "keyring"\n')


@pytest.fixture
def file_keyring(tmp_path):
    """A real keyring backend (keyrings.alt plain file) kept in tmp_path."""
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")
    return backend


def test_both_stores_follow_the_protocol(file_keyring):
    assert isinstance(MemorySecretStore(), SecretStore)
    assert isinstance(KeyringSecretStore(file_keyring), SecretStore)


@pytest.mark.parametrize("kind", ["memory", "keyring"])
def test_set_get_delete(kind, file_keyring):
    store = MemorySecretStore() if kind == "memory" else KeyringSecretStore(file_keyring)
    assert store.get_sign_key(MERCHANT) is None
    store.set_sign_key(MERCHANT, KEY)
    store.set_sign_key("ON00004652", "FEDCBA9876543210")
    assert store.get_sign_key(MERCHANT) == KEY
    store.delete_sign_key(MERCHANT)
    store.delete_sign_key(MERCHANT)  # forgetting twice is fine
    assert store.get_sign_key(MERCHANT) is None
    assert store.get_sign_key("ON00004652") == "FEDCBA9876543210"


def test_keyring_entry_is_service_cashier_user_merchant(file_keyring):
    KeyringSecretStore(file_keyring).set_sign_key(MERCHANT, KEY)
    assert file_keyring.get_password(KEYRING_SERVICE, MERCHANT) == KEY


def test_repr_shows_no_key(file_keyring):
    memory = MemorySecretStore({MERCHANT: KEY})
    assert KEY not in repr(memory) and MERCHANT in repr(memory)
    keyring_store = KeyringSecretStore(file_keyring)
    keyring_store.set_sign_key(MERCHANT, KEY)
    assert KEY not in repr(keyring_store)


def test_load_config_reads_key_from_real_keyring_backend(tmp_path, file_keyring):
    KeyringSecretStore(file_keyring).set_sign_key(MERCHANT, KEY.lower())
    path = tmp_path / "cashier.toml"
    path.write_text(KEYRING_SETTINGS)
    config = load_config(path, env={}, secret_store=KeyringSecretStore(file_keyring))
    assert config.ottpay.sign_key == KEY and not config.demo


def test_empty_keyring_means_no_key_for_the_merchant(tmp_path):
    path = tmp_path / "cashier.toml"
    path.write_text(KEYRING_SETTINGS)
    with pytest.raises(ConfigError, match=f"has no sign key for merchant {MERCHANT}"):
        load_config(path, env={}, secret_store=KeyringSecretStore(null.Keyring()))


def test_no_keyring_on_the_machine_is_a_clear_error(tmp_path):
    store = KeyringSecretStore(fail.Keyring())
    with pytest.raises(SecretStoreError, match="the OS keyring could not be read"):
        store.get_sign_key(MERCHANT)
    with pytest.raises(SecretStoreError, match=r"refused to store the sign key \(NoKeyringError\)"):
        store.set_sign_key(MERCHANT, KEY)
    path = tmp_path / "cashier.toml"
    path.write_text(KEYRING_SETTINGS)
    with pytest.raises(ConfigError) as info:
        load_config(path, env={}, secret_store=store)
    message = str(info.value)
    assert message.startswith(f"{path}: [ottpay] sign_key_source is \"keyring\" but the OS keyring")


def test_a_plain_text_file_backend_is_not_an_os_keyring(tmp_path, file_keyring):
    """keyrings.alt (installed with the test tools) must never pass for the OS keyring."""
    import keyring

    before = keyring.get_keyring()
    keyring.set_keyring(file_keyring)
    try:
        assert os_keyring_problem() == "PlaintextKeyring, a plain-text file"
        with pytest.raises(SecretStoreError, match="no OS keyring is available on this computer"):
            KeyringSecretStore().set_sign_key(MERCHANT, KEY)
        keyring.set_keyring(null.Keyring())
        assert os_keyring_problem() == "Keyring"
    finally:
        keyring.set_keyring(before)
    assert not (tmp_path / "keyring_pass.cfg").exists()
    KeyringSecretStore(file_keyring).set_sign_key(MERCHANT, KEY)  # chosen explicitly: allowed
    assert file_keyring.get_password(KEYRING_SERVICE, MERCHANT) == KEY
