"""Problems that stay in sight until resolved, in a fixed area above the sale screen's pages.

Messages are keyed by topic (``late:ORDER``, ``checking:ORDER``, ``printer``, ``scanner``); the
part before ``:`` is their kind. The area always has the height of ``LINES`` compact lines, so
a banner appearing never pushes the buttons down, and shows one line per kind, the most severe
kinds first: several late payments read "2 late payments — …", not one block each. A kind may
carry a button (``set_action``): pressing it emits ``action(kind)``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cashier.ui.style import TOUCH

LINES = 2
_SEVERITY = {"error": 0, "warning": 1, "info": 2}

translate = QCoreApplication.translate


def _summary(kind: str, texts: list[str]) -> str:
    """One line for several messages of one kind."""
    count = str(len(texts))
    if kind == "late":
        return translate("BannerArea", "%1 late payments: paid after nobody was waiting. Open "
                                       "History to keep or refund them.").replace("%1", count)
    if kind == "checking":
        return translate("BannerArea", "%1 cancelled sales: not charged — still being "
                                       "checked.").replace("%1", count)
    return texts[-1]


class BannerLine(QFrame):
    """One line of the area: a message and, for some kinds, a button."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setProperty("role", "banner")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 0, 4, 0)
        self.label = QLabel(self)
        self.label.setStyleSheet("font-weight: bold; border: none; background: transparent;")
        self.button = QPushButton(self)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.kind = ""

    def show_line(self, kind: str, text: str, level: str, action: str | None) -> None:
        self.kind = kind
        self.setObjectName(f"banner_{kind}")
        self.label.setText(text)
        self.label.setToolTip(text)
        self.button.setText(action or "")
        self.button.setVisible(action is not None)
        if self.property("level") != level:
            self.setProperty("level", level)
            self.style().unpolish(self)
            self.style().polish(self)
        self.setVisible(True)


class BannerArea(QWidget):
    """Persistent messages keyed by topic; ``texts()`` lists every message, one per key."""

    action = Signal(str)  # the kind whose button was pressed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.banners: dict[str, tuple[str, str]] = {}  # key -> (text, level), oldest first
        self._actions: dict[str, str] = {}  # kind -> button text
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.lines = [BannerLine(self) for _ in range(LINES)]
        for line in self.lines:
            line.setFixedHeight(TOUCH + 4)
            line.button.clicked.connect(lambda _=False, ln=line: self.action.emit(ln.kind))
            line.setVisible(False)
            layout.addWidget(line)
        layout.addStretch(1)
        self.setFixedHeight(LINES * (TOUCH + 4) + (LINES - 1) * 4)

    def set_action(self, kind: str, text: str) -> None:
        """Lines of ``kind`` carry a button labelled ``text``."""
        self._actions[kind] = text
        self._render()

    def show_banner(self, key: str, text: str, level: str = "warning") -> None:
        self.banners.pop(key, None)
        self.banners[key] = (text, level if level in _SEVERITY else "warning")
        self._render()

    def expire(self, key: str, msec: int) -> None:
        """Clear ``key`` after ``msec`` (dropped if this area is destroyed first)."""
        QTimer.singleShot(msec, self, lambda: self.clear_banner(key))

    def clear_banner(self, key: str) -> None:
        if self.banners.pop(key, None) is not None:
            self._render()

    def texts(self) -> list[str]:
        return [text for text, _level in self.banners.values()]

    def shown(self) -> list[str]:
        """The lines on screen, top first."""
        return [line.label.text() for line in self.lines if not line.isHidden()]

    def _render(self) -> None:
        kinds: dict[str, list[tuple[str, str]]] = {}
        for key, message in self.banners.items():
            kinds.setdefault(key.split(":", 1)[0], []).append(message)
        order = sorted(kinds, key=lambda k: min(_SEVERITY[level] for _, level in kinds[k]))
        for line, kind in zip(self.lines, order, strict=False):
            messages = kinds[kind]
            texts = [text for text, _ in messages]
            level = min((level for _, level in messages), key=_SEVERITY.__getitem__)
            text = texts[0] if len(texts) == 1 else _summary(kind, texts)
            line.show_line(kind, text, level, self._actions.get(kind))
        for line in self.lines[len(order):]:
            line.setVisible(False)
