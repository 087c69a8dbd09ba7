"""Text as a receipt printer prints it: its encoding, and the columns each character takes.

In Chinese mode (gb18030, gbk, big5...) every non-ASCII character the encoding holds is a
two-column glyph; on a code-page printer every character is one column, and what the code page
cannot hold prints as ``?``. The receipt layout (``receipt``) measures and wraps with these.
"""

from __future__ import annotations

import codecs
import functools
import unicodedata

from cashier.devices import receipt_text

#: Encodings that need the printer's Chinese (double-byte) character mode, ``FS &``.
CHINESE_ENCODINGS = frozenset({"gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp936", "cp950"})


class ReceiptError(ValueError):
    """A receipt setting or view model that cannot be rendered; the message says why."""


def text_encoding(name: str) -> str:
    """Normalise a printer encoding setting to a Python codec name (``ReceiptError`` if unknown)."""
    try:
        return codecs.lookup(name.strip().lower()).name
    except (LookupError, AttributeError):
        raise ReceiptError(
            f"Printer encoding {name!r} unknown; use gb18030, gbk, big5 or a code page like cp437."
        ) from None


def is_chinese_encoding(name: str) -> bool:
    codec = text_encoding(name)
    return codec in CHINESE_ENCODINGS or name.strip().lower() in CHINESE_ENCODINGS


def can_print_labels(language: str, encoding: str) -> bool:
    """Whether a printer encoding holds every fixed label of a language (else they print ``?``)."""
    try:
        receipt_text.all_text(language).encode(text_encoding(encoding))
    except UnicodeEncodeError:
        return False
    return True


def encode_text(text: str, encoding: str) -> bytes:
    """Encode for the printer; what the encoding cannot hold becomes ``?`` (never raises)."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return printable.encode(text_encoding(encoding), errors="replace")


@functools.lru_cache(maxsize=32)
def _double_byte_codec(encoding: str) -> str | None:
    """The codec of a Chinese encoding (the printer prints its non-ASCII characters 2 wide)."""
    return text_encoding(encoding) if is_chinese_encoding(encoding) else None


def char_width(ch: str, encoding: str | None = None) -> int:
    """Printer columns a character takes.

    Without an encoding, by Unicode: wide/full-width (CJK) 2, combining marks 0, else 1. With the
    printer's encoding, as the printer lays it out: in Chinese mode (gb18030, gbk, big5...) every
    non-ASCII character it can encode is a double-byte glyph two columns wide, including the
    "ambiguous" ones such as × · “ ” é; on a code-page printer every character is one column
    (what it cannot hold prints as one ``?``). A character that is not printable goes out as a
    space (``encode_text``), so it counts 1.
    """
    if not ch.isprintable():
        return 1
    if encoding is None:
        if unicodedata.combining(ch):
            return 0
        return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    codec = _double_byte_codec(encoding)
    if codec is None or ch.isascii():
        return 1
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return 1  # printed as "?"
    return 2


def text_width(text: str, encoding: str | None = None) -> int:
    """Printer columns of a text (see ``char_width``)."""
    if encoding is None or text.isascii():
        return sum(char_width(ch) for ch in text)
    return sum(char_width(ch, encoding) for ch in text)


def wrap(text: str, columns: int, encoding: str | None = None) -> list[str]:
    """Break text into lines of at most ``columns`` printer columns, at spaces where possible."""
    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, encoding) <= columns:
                line = candidate
                continue
            if line:
                out.append(line)
            line = ""
            for ch in word:  # a word longer than a line is cut character by character
                if text_width(line + ch, encoding) > columns:
                    out.append(line)
                    line = ""
                line += ch
        out.append(line)
    return out


def two_columns(left: str, right: str, columns: int, encoding: str | None = None) -> list[str]:
    """``left`` and ``right`` on one line; if they do not fit, left wraps and right goes below."""
    if not right:
        return wrap(left, columns, encoding)
    gap = columns - text_width(left, encoding) - text_width(right, encoding)
    if gap >= 1:
        return [left + " " * gap + right]
    lines = wrap(left, columns, encoding)
    for part in wrap(right, columns, encoding):
        lines.append(" " * (columns - text_width(part, encoding)) + part)
    return lines
