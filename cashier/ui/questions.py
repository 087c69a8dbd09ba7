"""A question with two answers that does not block the event loop (window-modal, ``open()``).

The safe answer (``stay``) is the default, so Enter or Escape never does the irreversible thing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget


def ask(parent: QWidget, title: str, text: str, *, go: str, stay: str,
        on_go: Callable[[], object], on_stay: Callable[[], object] | None = None,
        icon: QMessageBox.Icon = QMessageBox.Icon.Question) -> QMessageBox:
    """Show the question; ``on_go`` runs only when ``go`` was pressed, ``on_stay`` otherwise."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    go_button = box.addButton(go, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(box.addButton(stay, QMessageBox.ButtonRole.RejectRole))

    def answered(_result: int) -> None:
        if box.clickedButton() is go_button:
            on_go()
        elif on_stay is not None:
            on_stay()

    box.finished.connect(answered)
    box.open()
    return box
