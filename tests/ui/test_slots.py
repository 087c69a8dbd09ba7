"""A dialog that deletes itself never deletes its owner on the way (see cashier.ui.slots).

Each test answers a PIN dialog (the dialog accepts and its deletion is deferred), drops every
reference the test holds to the dialog's owner, and only then lets the deferred deletion run.
Before the fix, the dialog's slot held the last reference to its owner, the owner was freed inside
the dialog's destructor and deleted the dialog a second time ("shared QObject was deleted
directly", then heap corruption); a closed terminal was never freed at all.
"""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtWidgets import QWidget

from cashier.config import Config
from cashier.operators import DEMO_CASHIER_PIN, OperatorStore
from cashier.ui.app import Terminal
from cashier.ui.bridge import Bridge
from cashier.ui.operator_admin import OperatorAdmin, OperatorAdminDialog, ask_operator_admin
from cashier.ui.slots import weak_slot
from tests.ui.helpers import FAST


def run_deferred_deletions() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


class _Owner(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple] = []

    def record(self, *args) -> None:
        self.calls.append(args)


class _Emitter(QObject):
    said = Signal(object)


def test_weak_slot_calls_with_its_args_then_the_signals_and_keeps_nothing_alive(qapp):
    owner = _Owner()
    emitter = _Emitter()
    emitter.said.connect(weak_slot(owner.record, "order-1"))
    emitter.said.emit("manager")
    assert owner.calls == [("order-1", "manager")]
    gone = weakref.ref(owner)
    del owner
    gc.collect()
    assert gone() is None
    emitter.said.emit("manager")  # the owner is gone: nothing happens, nothing raises


def test_operators_pin_dialog_deleted_after_its_owner_was_dropped(qtbot, tmp_path):
    path = tmp_path / "operators.json"
    store = OperatorStore(path)
    store.add("Mei", "0000020156", "manager", "9876")
    bridge = Bridge()
    try:
        owner = OperatorAdmin(OperatorStore(None), bridge)  # Python owns it: no parent
        owner.show()
        pin_dialog = ask_operator_admin(store, bridge, owner)
        # the PIN check's answer, as the bridge delivers it on the GUI thread; no event loop turn
        # follows, so the dialog's deletion (it accepted) is still pending
        pin_dialog._checked(store.verify_manager("9876"))
        assert owner.findChild(OperatorAdminDialog) is not None
        gone = weakref.ref(owner)
        del owner, pin_dialog  # the accepted PIN dialog's deletion is still pending
        gc.collect()
        assert gone() is None  # nothing of the dialog kept its owner alive
        run_deferred_deletions()  # the PIN dialog's deferred deletion: nothing left to free twice
    finally:
        bridge.shutdown()


def test_terminal_sign_in_dialog_deleted_after_the_terminal_was_dropped(qtbot, tmp_path):
    terminal = Terminal(Config(), demo=True, journal_path=tmp_path / "journal.sqlite",
                        customer_display=False, wedge=False, payment_options=FAST)
    try:
        terminal.show()
        dialog = terminal.signin.ask()
        operator = terminal.signin.operators.find_by_pin(DEMO_CASHIER_PIN)
        dialog._checked(operator)  # as the bridge does
        assert terminal.window.operator_name is not None
    finally:
        terminal.close()
    gone = weakref.ref(terminal)
    del terminal, dialog  # the accepted sign-in dialog's deletion is still pending
    run_deferred_deletions()  # the dialog, then the window with whatever it still holds
    gc.collect()
    assert gone() is None  # nothing kept the closed terminal alive
