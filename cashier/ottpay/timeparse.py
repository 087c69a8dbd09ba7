"""Gateway timestamps (protocol section 6): Beijing time unless a zone is given."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

#: The gateway's clock: China Standard Time, UTC+8, no daylight saving.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

_TIME_RE = re.compile(
    r"""^\s*
    (?P<Y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})
    (?:[ T]+)?
    (?P<H>\d{2}):?(?P<M>\d{2}):?(?P<S>\d{2})
    (?:\.\d{1,6})?
    \s*(?P<zone>Z|(?:UTC|GMT)?\s*[+-]\d{1,2}(?::?\d{2})?|UTC|GMT|CST|[+-]\d{2}:?\d{2})?
    \s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_OFFSET_RE = re.compile(r"([+-])(\d{1,2})(?::?(\d{2}))?$")


class TimeParseError(ValueError):
    """A gateway timestamp in none of the accepted shapes."""


def _zone(text: str | None) -> timezone:
    if not text:
        return BEIJING
    upper = text.strip().upper()
    if upper in ("Z", "UTC", "GMT"):
        return UTC
    if upper == "CST":  # on this gateway CST means China Standard Time
        return BEIJING
    match = _OFFSET_RE.search(upper)
    if match is None:
        raise TimeParseError(f"unknown time zone {text!r}")
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes > 59:
        raise TimeParseError(f"time zone offset {text!r} is out of range")
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if sign == "-" else offset)


def parse_gateway_time(text: str) -> datetime:
    """Parse ``YYYYMMDDHHMMSS`` or ``YYYY-MM-DD HH:MM:SS`` with an optional zone suffix
    (``Z``, ``UTC``, ``+08:00``, ``+0800``, ``GMT+8``, ``CST``) into an aware datetime.

    Values without a zone are Beijing time (UTC+8). Raises ``TimeParseError`` otherwise.
    """
    if not isinstance(text, str):
        raise TimeParseError(f"expected a time as text, got {type(text).__name__}")
    match = _TIME_RE.match(text)
    if match is None:
        raise TimeParseError(
            f"{text!r} is not a gateway time (YYYYMMDDHHMMSS or YYYY-MM-DD HH:MM:SS)"
        )
    try:
        return datetime(
            int(match["Y"]), int(match["m"]), int(match["d"]),
            int(match["H"]), int(match["M"]), int(match["S"]),
            tzinfo=_zone(match["zone"]),
        )
    except ValueError as exc:
        raise TimeParseError(f"{text!r} is not a valid date and time: {exc}") from None


def parse_gateway_time_or_none(text: object) -> datetime | None:
    """Like ``parse_gateway_time`` but ``None`` for a missing or unreadable value."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return parse_gateway_time(text)
    except TimeParseError:
        return None
