"""The gateway credentials: a sign key from the OS keyring when the file says so, and no
half-configured account (merchant id without sign key or operator id, and the like)."""

from __future__ import annotations

import dataclasses

from cashier.config.model import (
    ConfigError,
    OttPaySection,
    SignKeySource,
    StoreSection,
)
from cashier.config.values import check_sign_key
from cashier.secrets import KeyringSecretStore, SecretStore, SecretStoreError


def resolve_store_password(
    where: str, store: StoreSection, secret_store: SecretStore | None
) -> StoreSection:
    """Put the keyring's password into ``database_url`` when ``password_source = "keyring"``."""
    if store.password_source is not SignKeySource.KEYRING or store.database_url is None:
        return store
    from urllib.parse import quote, urlsplit, urlunsplit

    label = f"{where}: [store]"
    parts = urlsplit(store.database_url)
    if parts.password is not None:
        raise ConfigError(f"{label} database_url holds a password although password_source is "
                          '"keyring"; remove one of the two.')
    if not parts.username:
        raise ConfigError(f'{label} password_source is "keyring" but database_url names no user '
                          '(the keyring entry is found by user and host, like '
                          '"postgresql://cashier@host/store").')
    keeper = secret_store if secret_store is not None else KeyringSecretStore()
    try:
        password = keeper.get_store_password(store.account)
    except SecretStoreError as exc:
        raise ConfigError(f'{label} password_source is "keyring" but {exc}.') from None
    if not password:
        raise ConfigError(f'{label} password_source is "keyring" but the OS keyring has no '
                          f"password for {store.account}; store it with 'cashier config "
                          "set-store-password'.")
    netloc = f"{quote(parts.username, safe='')}:{quote(password, safe='')}@" \
        f"{parts.netloc.rpartition('@')[2]}"
    return dataclasses.replace(store, database_url=urlunsplit(parts._replace(netloc=netloc)))


def resolve_credentials(
    where: str, ottpay: OttPaySection, secret_store: SecretStore | None
) -> OttPaySection:
    """Fetch a keyring sign key and refuse half-configured credentials."""
    label = f"{where}: [ottpay]"
    if ottpay.sign_key_source is SignKeySource.KEYRING:
        if ottpay.sign_key is not None:
            raise ConfigError(
                f"{label} sign_key is in the file although sign_key_source is \"keyring\"; "
                "remove one of the two."
            )
        if ottpay.merchant_id is None:
            raise ConfigError(
                f"{label} sign_key_source is \"keyring\" but merchant_id is missing "
                "(the keyring entry is found by merchant id)."
            )
        store = secret_store if secret_store is not None else KeyringSecretStore()
        try:
            stored = store.get_sign_key(ottpay.merchant_id)
        except SecretStoreError as exc:
            raise ConfigError(f"{label} sign_key_source is \"keyring\" but {exc}.") from None
        if not stored:
            raise ConfigError(
                f"{label} sign_key_source is \"keyring\" but the OS keyring has no sign key for "
                f"merchant {ottpay.merchant_id} (service \"cashier\")."
            )
        key = check_sign_key(f"{label} sign_key (from the OS keyring)", stored)
        ottpay = dataclasses.replace(ottpay, sign_key=key)
    if ottpay.merchant_id is not None and ottpay.sign_key is None:
        raise ConfigError(
            f"{label} merchant_id is set but sign_key is missing; add the sign key "
            "(or remove merchant_id to run in demo mode)."
        )
    if ottpay.merchant_id is not None and ottpay.operator_id is None:
        raise ConfigError(
            f"{label} merchant_id is set but operator_id is missing; add the operator id OTT Pay "
            'gave you (ten digits in quotes, like "0000020156").'
        )
    if ottpay.sign_key is not None and ottpay.merchant_id is None:
        raise ConfigError(
            f"{label} sign_key is set but merchant_id is missing; add the merchant id "
            "(or remove sign_key to run in demo mode)."
        )
    if ottpay.merchant_payment_key is not None and ottpay.merchant_id is None:
        raise ConfigError(
            f"{label} merchant_payment_key is set but merchant_id is missing; add the merchant "
            "id and sign key (demo mode uses the simulator's own payment key)."
        )
    return ottpay
