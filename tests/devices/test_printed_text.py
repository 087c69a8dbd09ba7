"""Text as the printer prints it: encodings, and the columns CJK and code-page text take."""

from __future__ import annotations

import pytest

from cashier.devices.printed_text import (
    ReceiptError,
    encode_text,
    is_chinese_encoding,
    text_encoding,
    text_width,
    two_columns,
    wrap,
)


def test_layout_helpers_measure_cjk_as_double_width() -> None:
    assert text_width("收银台ab") == 8
    assert text_width("×·“é”收", "gb18030") == 12  # Chinese mode: all non-ASCII is 2 wide
    assert text_width("×·“é”收", "cp437") == 6  # one column each, "?" where cp437 has none
    assert text_width("é\u0301", "cp1252") == 2  # the combining accent prints as a "?"
    assert two_columns("单价×2", "9.00", 16, "gbk") == ["单价×2     9.00"]
    assert wrap("收银台收银台", 7) == ["收银台", "收银台"]
    assert two_columns("Total", "13.34", 12) == ["Total  13.34"]
    assert two_columns("Just text", "", 12) == ["Just text"]
    assert two_columns("A long label here", "99.00", 12) == ["A long label", "here", "       99.00"]


def test_encodings_are_named_as_python_knows_them_and_unknown_ones_refused() -> None:
    assert text_encoding(" GB18030 ") == "gb18030" and is_chinese_encoding("big5")
    assert not is_chinese_encoding("cp437")
    with pytest.raises(ReceiptError, match="gb18030, gbk, big5"):
        text_encoding("klingon")


def test_what_an_encoding_cannot_hold_prints_as_a_question_mark() -> None:
    assert encode_text("收 ok", "cp437") == b"? ok"
    assert encode_text("tab\there", "ascii") == b"tab here"  # not printable: a space
