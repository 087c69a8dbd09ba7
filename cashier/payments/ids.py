"""Gateway order ids: made by the terminal before the first request, so it can always query.

24 characters, alphanumeric (protocol: unique, alphanumeric, at most 32): ``YYMMDDHHMMSS`` local
time, 4 characters of terminal id, 8 random characters from an alphabet without look-alikes.
Two ids made in the same second on the same terminal collide with probability about 1 in 10^12;
the journal's primary key refuses a collision anyway (the caller makes a new id).
"""

from __future__ import annotations

import re
import secrets
import time

_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
ORDER_ID_RE = re.compile(r"^[0-9A-Za-z]{1,32}$")


def terminal_tag(terminal_no: str | None) -> str:
    """Four upper-case alphanumerics from a terminal number (``T001`` when none)."""
    cleaned = re.sub(r"[^0-9A-Za-z]", "", terminal_no or "").upper()
    return (cleaned[-4:] or "T001").rjust(4, "0")


def new_order_id(terminal_no: str | None = None, *, now: float | None = None) -> str:
    """A fresh order id, e.g. ``261123150501T001K7M2QX9A``."""
    stamp = time.strftime("%y%m%d%H%M%S", time.localtime(time.time() if now is None else now))
    random_part = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{stamp}{terminal_tag(terminal_no)}{random_part}"


def is_valid_order_id(order_id: str) -> bool:
    return bool(ORDER_ID_RE.fullmatch(order_id or ""))
