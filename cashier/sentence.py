"""The one way a failure becomes what a person reads: one sentence.

The core's errors are written for the person at the counter (``RuntimeSetupError``,
``PaymentCodeError``, the journal's refusals...); the commands and the windows show them through
``sentence`` so they read the same everywhere: a capital first letter and one closing stop. An
error with no message is named by its type rather than shown as an empty line.
"""

from __future__ import annotations

_CLOSING = (".", "!", "?", "。", "！", "？")


def sentence(error: BaseException | str) -> str:
    """``error`` (an exception or its text) as one sentence: ``"order not found"`` ->
    ``"Order not found."``."""
    text = str(error).strip()
    if not text:
        return type(error).__name__ if isinstance(error, BaseException) else ""
    text = text[:1].upper() + text[1:]
    return text if text.endswith(_CLOSING) else text + "."
