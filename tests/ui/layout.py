"""What a cashier would see as a broken screen, found from widget geometry (no pixels).

``layout_problems(window)`` lists, one sentence each: sibling controls that overlap, text that
does not fit its label or button (clipped, or wrapped one character per line), touch targets
smaller than ``TOUCH`` pixels and widgets that stick out of their parent.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QScrollBar,
    QTabBar,
    QTableView,
    QWidget,
)

from cashier.ui.style import TOUCH

TARGETS = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox)


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _name(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, (QLabel, QAbstractButton)):
        text = widget.text().replace("\n", " ")[:40]
    return f"{type(widget).__name__}({widget.objectName() or text!r})"


def _internal(widget: QWidget, top: QWidget) -> bool:
    """Parts of a table, list or scroll area: Qt lays them out itself."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, (QAbstractItemView, QAbstractScrollArea, QTabBar)):
            return True
        parent = parent.parentWidget()
    return isinstance(widget, (QScrollBar, QMenu))


def _shown(top: QWidget) -> list[QWidget]:
    return [w for w in top.findChildren(QWidget)
            if w.isVisible() and not w.isWindow() and not _internal(w, top)]


def layout_problems(top: QWidget) -> list[str]:
    settle()
    problems: list[str] = []
    shown = _shown(top)
    for widget in shown:
        problems += _fit(widget)
        if isinstance(widget, TARGETS) and min(widget.width(), widget.height()) < TOUCH:
            problems.append(f"{_name(widget)} is {widget.width()}x{widget.height()} px, "
                            f"under {TOUCH} px to touch")
        if isinstance(widget, QTabBar):
            for index in range(widget.count()):
                if widget.tabRect(index).height() < TOUCH:
                    problems.append(f"tab {widget.tabText(index)!r} is under {TOUCH} px")
            if widget.sizeHint().width() > widget.width() + 1:
                problems.append(f"the tabs {[widget.tabText(i) for i in range(widget.count())]}"
                                " do not all fit")
        if isinstance(widget, QTableView) and widget.rowHeight(0) < TOUCH \
                and widget.model() is not None and widget.model().rowCount() \
                and widget.selectionMode() != QAbstractItemView.SelectionMode.NoSelection:
            problems.append(f"{_name(widget)} has rows of {widget.rowHeight(0)} px to tap")
        parent = widget.parentWidget()
        if parent is not None and not parent.rect().contains(widget.geometry()):
            problems.append(f"{_name(widget)} sticks out of {_name(parent)}")
    by_parent: dict[int, list[QWidget]] = {}
    for widget in shown:
        by_parent.setdefault(id(widget.parentWidget()), []).append(widget)
    for siblings in by_parent.values():
        for i, first in enumerate(siblings):
            for second in siblings[i + 1:]:
                overlap = first.geometry().intersected(second.geometry())
                if overlap.width() > 1 and overlap.height() > 1:
                    problems.append(f"{_name(first)} overlaps {_name(second)}")
    return problems


def _fit(widget: QWidget) -> list[str]:
    """Text that does not fit the widget showing it."""
    if isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
        if widget.wordWrap():
            if widget.heightForWidth(widget.width()) > widget.height() + 1:
                return [f"{_name(widget)} is clipped: its text needs more height"]
            narrow = widget.width() < 3 * widget.fontMetrics().height()
            if narrow and len(widget.text()) > 3:
                return [f"{_name(widget)} wraps its text one character per line"]
        elif widget.sizeHint().width() > widget.width() + 1:
            return [f"{_name(widget)} is clipped: {widget.sizeHint().width()} px of text in "
                    f"{widget.width()} px"]
    if isinstance(widget, QAbstractButton) and widget.text() \
            and widget.sizeHint().width() > widget.width() + 1:
        return [f"{_name(widget)} is clipped: {widget.sizeHint().width()} px of text in "
                f"{widget.width()} px"]
    return []
