"""Fixtures for every OTT Pay test: no error the gateway layer raises may ever show a sign key."""

import pytest

from cashier.ottpay.errors import OttPayError

#: The sign keys the ottpay tests use (the simulator's demo key and a second, wrong one).
SIGN_KEYS = ("0123456789ABCDEF", "FEDCBA9876543210")


@pytest.fixture(autouse=True)
def errors_never_hold_a_sign_key(monkeypatch):
    """Every OttPayError created during a test: str() and repr() never show a sign key.

    Yields the list of errors created, so a test can check that it saw the ones it expected.
    """
    created: list[OttPayError] = []
    original = OttPayError.__post_init__

    def record(self: OttPayError) -> None:
        original(self)
        created.append(self)

    monkeypatch.setattr(OttPayError, "__post_init__", record)
    yield created
    for exc in created:
        for secret in SIGN_KEYS:
            assert secret not in str(exc) and secret not in repr(exc), type(exc).__name__
