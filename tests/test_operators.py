"""Operators and PINs: hashed at rest, managers recognised, bad input refused."""

from __future__ import annotations

import json
import stat

import pytest

from cashier.operators import (
    DEMO_CASHIER_PIN,
    DEMO_MANAGER_PIN,
    OperatorError,
    OperatorStore,
    demo_operators,
    hash_pin,
    verify_pin,
)


def test_pin_is_stored_hashed_and_verifies(tmp_path):
    path = tmp_path / "operators.json"
    store = OperatorStore(path)
    store.add("Li Na", "0000000007", "manager", "482913")
    assert_pin_only_hashed(path, "Li Na", "482913")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    reopened = OperatorStore(path)
    assert reopened.verify_manager("482913").operator_id == "0000000007"
    assert reopened.verify_manager("482914") is None
    assert json.loads(path.read_text(encoding="utf-8"))["operators"][0]["pin_hash"].startswith(
        "scrypt$")


def test_cashier_pin_is_not_a_manager_pin():
    store = demo_operators()
    assert store.find_by_pin("1111").name == "Demo cashier"
    assert store.verify_manager("1111") is None
    assert store.verify_manager("9999").is_manager


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", " 1234"])
def test_malformed_pins_are_refused(pin):
    with pytest.raises(OperatorError, match="4 to 8 digits"):
        hash_pin(pin)
    assert not verify_pin(pin, hash_pin("1234"))


def test_duplicate_pin_or_id_is_refused_and_nothing_saved(tmp_path):
    path = tmp_path / "operators.json"
    store = OperatorStore(path)
    store.add("A", "0000000001", "cashier", "1234")
    before = path.read_text(encoding="utf-8")
    with pytest.raises(OperatorError, match="PIN"):
        store.add("B", "0000000002", "cashier", "1234")
    with pytest.raises(OperatorError, match="exists"):
        store.add("C", "0000000001", "cashier", "5678")
    with pytest.raises(OperatorError, match="10 digits"):
        store.add("E", "op5", "cashier", "5678")
    with pytest.raises(OperatorError, match="Role"):
        store.add("D", "0000000004", "boss", "5678")
    assert path.read_text(encoding="utf-8") == before
    assert len(OperatorStore(path).operators) == 1


def test_broken_file_is_one_sentence(tmp_path):
    path = tmp_path / "operators.json"
    path.write_text("{nope", encoding="utf-8")
    with pytest.raises(OperatorError, match="operators file cannot be read"):
        OperatorStore(path)


def test_repr_never_shows_the_hash():
    operator = demo_operators().operators[0]
    assert "scrypt" not in repr(operator)


def test_demo_operators_pin_hashes_match_the_demo_pins():
    store = demo_operators()
    assert store.find_by_pin(DEMO_CASHIER_PIN).role == "cashier"
    assert store.find_by_pin(DEMO_MANAGER_PIN).role == "manager"


def assert_pin_only_hashed(path, name: str, pin: str) -> None:
    """The rule for a stored PIN, checked as a rule rather than as text: no field of any stored
    operator is or contains the PIN, and ``name``'s record holds a well-formed scrypt hash that
    verifies it. (Searching the file for the digits fails at random: the salt and the hash are
    random hex, where any short run of digits turns up now and then.)"""
    records = json.loads(path.read_text(encoding="utf-8"))["operators"]
    for record in records:
        assert set(record) == {"name", "operator_id", "role", "pin_hash"}, record.keys()
        for field in ("name", "operator_id", "role"):
            assert pin not in record[field], field
        scheme, salt, digest = record["pin_hash"].split("$")
        assert scheme == "scrypt" and len(salt) == 32 and len(digest) == 128
        assert pin not in (salt, digest)
        int(salt, 16), int(digest, 16)  # hex, nothing else
    (mine,) = [record for record in records if record["name"] == name]
    assert verify_pin(pin, mine["pin_hash"])
