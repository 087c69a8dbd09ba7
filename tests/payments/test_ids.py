"""Order ids: alphanumeric, at most 32 characters, unique."""

from __future__ import annotations

from cashier.payments.ids import is_valid_order_id, new_order_id, terminal_tag


def test_order_id_shape():
    order_id = new_order_id("T-07", now=1_800_000_000)
    assert len(order_id) == 24 and order_id.isalnum() and is_valid_order_id(order_id)
    assert order_id[12:16] == "0T07"


def test_many_ids_are_unique():
    ids = {new_order_id("POS1") for _ in range(20_000)}
    assert len(ids) == 20_000


def test_terminal_tag_defaults_and_cleans():
    assert terminal_tag(None) == "T001"
    assert terminal_tag("shop-terminal-12") == "AL12"
    assert not is_valid_order_id("has space") and not is_valid_order_id("x" * 33)
