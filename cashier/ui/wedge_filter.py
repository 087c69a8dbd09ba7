"""Recognise keyboard-wedge scans wherever the focus is, before any widget sees the keys.

An application-wide event filter feeds every key press to the devices' Qt-free
``WedgeDetector`` and obeys it: keys it holds never reach the focused widget; keys that turn out
to be a person typing are replayed to the widget they were meant for (after at most ``max_gap``);
a complete burst is emitted on ``scanned`` and never lands in the amount field.

Held keys must never be overtaken: a mouse press or touch releases typing still held before the
click lands, and anything that starts a payment calls ``release_typing()`` first, so the amount
read is the amount the cashier typed (not one missing its last digit).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from cashier.devices.wedge import WedgeDetector, WedgeSettings

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_POINTER_PRESSES = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
                    QEvent.Type.TouchBegin)


class WedgeFilter(QObject):
    """Install with ``install()``; ``scanned(code)`` is emitted on the GUI thread for each scan.

    ``clock`` returns seconds (monotonic); tests pass their own to control key timing.
    """

    scanned = Signal(str)

    def __init__(
        self,
        settings: WedgeSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.detector = WedgeDetector(settings)
        self._clock = clock
        self._replaying = False
        self._held_for: QWidget | None = None  # the widget held keys were meant for
        self._last_target: QWidget | None = None  # to skip the same press propagating to parents
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(int(self.detector.settings.max_gap * 1000) + 10)
        self._flush_timer.timeout.connect(self.flush)
        self._installed = False

    def install(self, app: QCoreApplication | None = None) -> None:
        (app or QApplication.instance()).installEventFilter(self)
        self._installed = True

    def uninstall(self, app: QCoreApplication | None = None) -> None:
        if self._installed:
            (app or QApplication.instance()).removeEventFilter(self)
            self._installed = False
        self._flush_timer.stop()

    def flush(self) -> None:
        """Release keys held longer than ``max_gap`` to their widget (called by a timer)."""
        self._replay(self.detector.flush(self._clock()))
        if self.detector.holding:
            self._flush_timer.start()

    def release_typing(self) -> bool:
        """Give held keys to their widget now, unless they may be a scan still arriving.

        Returns ``True`` when nothing is held any more; ``False`` while a burst as long as a
        scan is being held (the caller must not read what the cashier typed yet).
        """
        if self.scan_arriving:
            return False
        self._flush_timer.stop()
        self._replay(self.detector.reset())
        return True

    @property
    def scan_arriving(self) -> bool:
        """Holding at least a scan's minimum length of keys: a scanner is mid-burst."""
        return self.detector.held_length >= self.detector.settings.min_length

    # --- the filter ----------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if self._replaying or not isinstance(obj, QWidget):
            return False
        if event.type() in _POINTER_PRESSES:
            if self.detector.holding:
                self.release_typing()  # typed keys land before the click or tap does
            return False
        if event.type() == QEvent.Type.KeyRelease:
            self._last_target = None
            return False
        if event.type() != QEvent.Type.KeyPress or self._is_propagation(obj):
            return False
        assert isinstance(event, QKeyEvent)
        self._last_target = obj
        if not self.detector.holding:
            self._held_for = obj
        result = self.detector.feed(_key_name(event), self._clock())
        self._replay(result.replay)
        if result.consumed and self.detector.holding:
            self._held_for = self._held_for or obj
            self._flush_timer.start()
        if result.scan is not None:
            self._flush_timer.stop()
            self.scanned.emit(result.scan)
        return result.consumed

    def _is_propagation(self, obj: QWidget) -> bool:
        """A press the focused child ignored is re-sent to each parent: feed it only once."""
        last = self._last_target
        if last is None or not shiboken6.isValid(last):
            return False
        return obj is not last and obj.isAncestorOf(last)

    def _replay(self, keys: str) -> None:
        if not keys:
            return
        target = self._held_for
        if target is None or not shiboken6.isValid(target):
            target = QApplication.focusWidget()
        self._held_for = None
        if target is None:
            return
        self._replaying = True
        try:
            for char in keys:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QCoreApplication.sendEvent(target, QKeyEvent(kind, _qt_key(char),
                                                                 Qt.KeyboardModifier.NoModifier,
                                                                 char))
        finally:
            self._replaying = False


def _key_name(event: QKeyEvent) -> str:
    """The detector's name for a key: the character typed, ``Enter``, or a name it never holds."""
    if event.key() in _ENTER:
        return "Enter"
    text = event.text()
    if event.isAutoRepeat() or event.modifiers() & ~(
        Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
    ):
        return "Modified"
    if len(text) == 1 and text.isprintable():
        return text
    return "Other"


def _qt_key(char: str) -> int:
    """Qt key codes equal the upper-case code point for printable Latin-1 characters."""
    code = ord(char.upper())
    return code if code < 0x100 else Qt.Key.Key_unknown
