"""One sentence per failure, the same for the commands and the windows."""

from __future__ import annotations

import pytest

from cashier.sentence import sentence


@pytest.mark.parametrize(("given", "said"), [
    ("order not found", "Order not found."),
    ("Order not found.", "Order not found."),
    ("  the journal is locked  ", "The journal is locked."),
    ("Is the scanner plugged in?", "Is the scanner plugged in?"),
    ("扫码失败。", "扫码失败。"),
    ("", ""),
])
def test_text_becomes_one_sentence(given, said):
    assert sentence(given) == said


def test_an_exception_is_read_by_its_message():
    assert sentence(ValueError("no operator id")) == "No operator id."


def test_an_exception_without_a_message_is_named_by_its_type():
    assert sentence(TimeoutError()) == "TimeoutError"
