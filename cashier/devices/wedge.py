"""Keyboard-wedge scanners: tell a scanner's burst of keys from a person typing. No Qt here.

A wedge scanner "types" a code much faster than any person (a few ms per key) and ends it with
Enter. The UI feeds every key press to ``WedgeDetector.feed`` *before* the focused widget sees it
and obeys the answer:

- ``consumed``: keep this key away from the focused widget (it may be part of a scan);
- ``replay``: keys held earlier that turned out to be typing; give them to the focused widget now,
  before this key (if this key is not consumed);
- ``scan``: a complete scan (prefix and suffix removed, cleaned).

Keys that could start a scan are held for at most ``max_gap`` seconds, so typing is delayed by
that much and no more; the UI calls ``flush(now)`` from a timer to release them once the gap has
passed. Keys are single characters (``"1"``) or names: ``"Enter"``/``"Return"``/``"\\r"`` end a
burst; other names (``"Backspace"``) are never consumed and release anything held.
"""

from __future__ import annotations

from dataclasses import dataclass

from cashier.wallets import clean_scan

ENTER_KEYS = frozenset({"Enter", "Return", "\r", "\n"})


@dataclass(frozen=True)
class WedgeSettings:
    """Burst rules. Payment codes are 16-24 digits, so the default minimum of 8 rules out typing."""

    min_length: int = 8
    max_gap: float = 0.05  # seconds between keys inside a scan
    prefix: str = ""  # characters the scanner sends first (then only bursts with it are scans)
    suffix: str = ""  # characters the scanner sends just before Enter

    def __post_init__(self) -> None:
        if self.min_length < 1:
            raise ValueError("Wedge minimum length must be at least 1.")
        if not 0 < self.max_gap <= 1:
            raise ValueError("Wedge max gap must be between 0 and 1 second.")


@dataclass(frozen=True)
class WedgeEvent:
    """What the UI must do with one key press (see the module docstring)."""

    consumed: bool
    replay: str = ""
    scan: str | None = None


class WedgeDetector:
    """Timing-based burst detector; feed it every key press with its time in seconds."""

    def __init__(self, settings: WedgeSettings | None = None) -> None:
        self.settings = settings or WedgeSettings()
        self._held = ""
        self._last = 0.0

    @property
    def holding(self) -> bool:
        """True while keys are held; the UI should call ``flush`` after ``max_gap``."""
        return bool(self._held)

    @property
    def held_length(self) -> int:
        """How many keys are held (a scan's worth means a scanner is mid-burst)."""
        return len(self._held)

    def feed(self, key: str, timestamp: float) -> WedgeEvent:
        """Decide about one key press made at ``timestamp`` (seconds, monotonic)."""
        replay = self.flush(timestamp)
        if key in ENTER_KEYS:
            return self._end(replay)
        if len(key) != 1 or not key.isprintable():
            return WedgeEvent(consumed=False, replay=replay + self._release())
        if self._held or self._may_start(key):
            self._held += key
            self._last = timestamp
            return WedgeEvent(consumed=True, replay=replay)
        return WedgeEvent(consumed=False, replay=replay)

    def flush(self, now: float) -> str:
        """Release held keys if the burst has stalled (``now - last key > max_gap``)."""
        if self._held and now - self._last > self.settings.max_gap:
            return self._release()
        return ""

    def reset(self) -> str:
        """Forget the burst (focus change); returns held keys so the UI can decide."""
        return self._release()

    def _may_start(self, key: str) -> bool:
        prefix = self.settings.prefix
        return key == prefix[0] if prefix else True

    def _end(self, replay: str) -> WedgeEvent:
        held, self._held = self._held, ""
        code = self._code(held)
        if code is None:
            return WedgeEvent(consumed=False, replay=replay + held)
        return WedgeEvent(consumed=True, replay=replay, scan=code)

    def _code(self, burst: str) -> str | None:
        prefix, suffix = self.settings.prefix, self.settings.suffix
        if not burst.startswith(prefix) or not burst.endswith(suffix):
            return None
        body = burst[len(prefix): len(burst) - len(suffix)]
        code = clean_scan(body)
        return code if len(code) >= self.settings.min_length else None

    def _release(self) -> str:
        held, self._held = self._held, ""
        return held
