"""Who is selling: the operators (``cashier.operators``), the sign-in screen's PIN pad, and the
operator whose OTT operator id goes on every sale.

Demo mode's operators are the public demo ones, and their PINs are named wherever a PIN is
asked for (the sign-in screen, the window's demo label, every PIN pad that ``with_pin_hint``
words).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from cashier.config import Config
from cashier.operators import (
    DEMO_CASHIER_PIN,
    DEMO_MANAGER_PIN,
    Operator,
    OperatorStore,
    demo_operators,
    operators_path,
)
from cashier.ui.bridge import Bridge
from cashier.ui.engine_controller import EngineSaleController
from cashier.ui.main_window import MainWindow
from cashier.ui.pin_dialog import PinDialog
from cashier.ui.slots import weak_slot

translate = QCoreApplication.translate


class SignIn:
    """Signs operators in and out of ``window``, setting ``controller``'s operator id.

    With no operator configured nobody signs in, and every sale carries the account's own
    operator id (``[ottpay] operator_id``), as it does after a sign-out.
    """

    def __init__(self, config: Config, window: MainWindow, controller: EngineSaleController,
                 bridge: Bridge, *, demo: bool) -> None:
        self.operators = demo_operators() if demo else OperatorStore(operators_path(config.path))
        self._window = window
        self._controller = controller
        self._bridge = bridge
        self._account_operator_id = config.ottpay.operator_id
        #: Demo mode names its public PINs wherever one is asked for.
        self.pin_hint = translate("Terminal", "Demo PINs: cashier %1, manager %2").replace(
            "%1", DEMO_CASHIER_PIN).replace("%2", DEMO_MANAGER_PIN) if demo else ""
        if demo:
            window.demo_label.setToolTip(window.demo_label.toolTip() + "\n" + self.pin_hint)
            window.set_signin_hint(self.pin_hint)
        self.dialog: PinDialog | None = None
        window.signin_requested.connect(self.ask)
        window.signout_requested.connect(self.sign_out)
        if self.operators.operators:
            window.set_operator(None)

    def ask(self) -> PinDialog:
        """The PIN pad; the operator found becomes the one whose id goes on every sale."""
        dialog = PinDialog(self.operators.find_by_pin, self._bridge,
                           self.with_pin_hint(translate("Terminal", "Sign in with your PIN:")),
                           self._window, wrong=translate("Terminal", "Wrong PIN."))
        dialog.verified.connect(weak_slot(self.sign_in))
        dialog.open()
        self.dialog = dialog
        return dialog

    def with_pin_hint(self, prompt: str) -> str:
        """``prompt``, followed in demo mode by the demo PINs."""
        return f"{prompt}\n{self.pin_hint}" if self.pin_hint else prompt

    def sign_in(self, operator: Operator) -> None:
        self._controller.operator_id = operator.operator_id
        self._window.set_operator(operator.name)

    def sign_out(self) -> None:
        """Back to the sign-in screen, unless a payment is under way."""
        if self._window.state in ("starting", "waiting"):
            return
        self._controller.operator_id = self._account_operator_id
        self._window.set_operator(None)
