"""Keyboard-wedge burst detection with synthetic key timings."""

from __future__ import annotations

import pytest

from cashier.devices.wedge import WedgeDetector, WedgeEvent, WedgeSettings

WECHAT = "134567890123456789"


class FocusedField:
    """What the focused widget (say the amount field) ends up with, obeying the detector."""

    def __init__(self, detector: WedgeDetector) -> None:
        self.detector = detector
        self.text = ""
        self.enters = 0
        self.scans: list[str] = []

    def key(self, key: str, t: float) -> WedgeEvent:
        event = self.detector.feed(key, t)
        self.text += event.replay
        if event.scan is not None:
            self.scans.append(event.scan)
        if not event.consumed:
            if key in ("Enter", "\r"):
                self.enters += 1
            elif len(key) == 1:
                self.text += key
        return event

    def type(self, keys: list[str], start: float, gap: float) -> float:
        t = start
        for key in keys:
            self.key(key, t)
            t += gap
        return t

    def timer(self, t: float) -> None:
        self.text += self.detector.flush(t)


def test_fast_burst_ending_in_enter_is_a_scan_and_never_reaches_the_field() -> None:
    field = FocusedField(WedgeDetector())
    field.type([*WECHAT, "Enter"], start=10.0, gap=0.004)
    assert field.scans == [WECHAT]
    assert field.text == "" and field.enters == 0


def test_human_typing_an_amount_then_enter_is_not_a_scan() -> None:
    field = FocusedField(WedgeDetector())
    field.type([*"12.34", "Enter"], start=10.0, gap=0.15)
    assert field.scans == []
    assert field.text == "12.34" and field.enters == 1


def test_fast_human_typing_of_a_short_amount_is_not_a_scan() -> None:
    # Key rollover can be as fast as a scanner, but an amount is shorter than any payment code.
    field = FocusedField(WedgeDetector())
    field.type([*"12.34", "Enter"], start=10.0, gap=0.01)
    assert field.scans == [] and field.text == "12.34" and field.enters == 1


def test_held_keys_are_released_by_the_timer_after_the_gap() -> None:
    detector = WedgeDetector(WedgeSettings(max_gap=0.05))
    field = FocusedField(detector)
    event = field.key("7", 10.0)
    assert event.consumed and detector.holding
    field.timer(10.03)
    assert field.text == ""  # still within the gap: could be a scan
    field.timer(10.06)
    assert field.text == "7" and not detector.holding


def test_a_scan_right_after_typing_is_still_recognised() -> None:
    field = FocusedField(WedgeDetector())
    t = field.type([*"5.00"], start=10.0, gap=0.2)
    field.type([*WECHAT, "Enter"], start=t + 0.3, gap=0.005)
    assert field.scans == [WECHAT]
    assert field.text == "5.00" and field.enters == 0


def test_a_burst_that_stalls_midway_is_typing() -> None:
    field = FocusedField(WedgeDetector())
    t = field.type([*WECHAT[:9]], start=10.0, gap=0.004)
    field.type([*WECHAT[9:], "Enter"], start=t + 0.3, gap=0.004)
    # The second half is a burst of 9 digits: long enough to be a (bogus) scan.
    assert field.text == WECHAT[:9]
    assert field.scans == [WECHAT[9:]]


def test_short_fast_burst_is_released_to_the_field() -> None:
    field = FocusedField(WedgeDetector(WedgeSettings(min_length=8)))
    field.type([*"1234567", "Enter"], start=10.0, gap=0.004)
    assert field.scans == [] and field.text == "1234567" and field.enters == 1


def test_prefix_and_suffix_are_required_and_removed() -> None:
    settings = WedgeSettings(prefix="]Q", suffix="#")
    field = FocusedField(WedgeDetector(settings))
    field.type([*"]Q", *WECHAT, "#", "Enter"], start=10.0, gap=0.004)
    assert field.scans == [WECHAT] and field.text == ""
    # Without the prefix nothing is held: a fast burst goes straight to the field.
    field.type([*WECHAT, "Enter"], start=20.0, gap=0.004)
    assert field.scans == [WECHAT] and field.text == WECHAT
    # Prefix but no suffix: not a scan, the keys go to the field.
    field.text = ""
    field.type([*"]Q", *WECHAT, "Enter"], start=30.0, gap=0.004)
    assert field.scans == [WECHAT] and field.text == "]Q" + WECHAT


def test_named_keys_are_not_consumed_and_release_held_keys() -> None:
    detector = WedgeDetector()
    assert detector.feed("9", 1.0) == WedgeEvent(consumed=True)
    assert detector.feed("Backspace", 1.01) == WedgeEvent(consumed=False, replay="9")
    assert detector.feed("\r", 1.02) == WedgeEvent(consumed=False)
    assert detector.feed("4", 2.0).consumed and detector.reset() == "4"


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="minimum length"):
        WedgeSettings(min_length=0)
    with pytest.raises(ValueError, match="max gap"):
        WedgeSettings(max_gap=2)
